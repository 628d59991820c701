/**
 * What viewers below reporter see of a ticket's addresses (SPEC §5): every address the ticket
 * knows (ticket-addresses.ts) is masked wherever it appears — author fields, participants, title,
 * description, notes and their HTML. System notes also get a broad pattern pass, a second line
 * of defence for an address the list does not hold.
 */
import { asciiAddress } from '../../../shared/email-address';
import { maskAddressesIn, maskEmail } from '../../../shared/mask-email';
import type { NoteView, ParticipantView, TicketDetail, TicketSummary } from '../../../shared/views';

export interface Masker {
  /** plain text or Markdown */
  text(s: string): string;
  /** rendered, sanitised HTML */
  html(s: string): string;
}

const SYNTAX = /[\^$\\.*+?()[\]{}|/]/g;
const encoder = new TextEncoder();

/**
 * One character as it may be written in stored text or HTML: itself, a numeric entity or
 * percent-encoded (a `mailto:` link), so `a&#64;b` and `mailto:e@%D0%BF…` are found too.
 */
function charPattern(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  const percent = [...encoder.encode(ch)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const alts = [ch.replace(SYNTAX, '\\$&'), `&#0*${cp};`, `&#x0*${cp.toString(16)};`, percent];
  if (ch === '&') alts.push('&amp;');
  return `(?:${alts.join('|')})`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Text that cannot hold an address (no `@`, written plainly or encoded) is left alone. */
const MAY_HOLD_ADDRESS = /@|&#0*64;|&#x0*40;|%40/i;

export function maskerFor(known: readonly string[]): Masker {
  let patterns: { re: RegExp; masked: string }[] | null = null;
  // Built on first need: most titles and notes hold no address at all.
  const build = () => {
    // Each address as stored and in its ASCII form, longest first so no shorter one cuts into it.
    const forms = [...new Set(known.flatMap((a) => [a, asciiAddress(a)]))].sort((a, b) => b.length - a.length);
    return forms.map((form) => ({ re: new RegExp([...form].map(charPattern).join(''), 'giu'), masked: maskEmail(form) }));
  };
  const replaceAll = (s: string, escape: (m: string) => string) => {
    if (known.length === 0 || !MAY_HOLD_ADDRESS.test(s)) return s;
    patterns ??= build();
    let out = s;
    for (const p of patterns) out = out.replace(p.re, () => escape(p.masked));
    return out;
  };
  return { text: (s) => replaceAll(s, (m) => m), html: (s) => replaceAll(s, escapeHtml) };
}

/** Below reporter a ticket names no customer: their record is as private as their address. */
export function maskTicket<T extends TicketSummary>(t: T, m: Masker): T {
  return { ...t, title: m.text(t.title), preview: m.text(t.preview), externalAuthor: t.externalAuthor ? maskEmail(t.externalAuthor) : null, externalAuthorName: null, customer: null };
}

export function maskNote(n: NoteView, m: Masker): NoteView {
  const body = m.text(n.body);
  return {
    ...n,
    body: n.system ? maskAddressesIn(body) : body,
    html: n.system ? '' : m.html(n.html),
    externalAuthor: n.externalAuthor ? maskEmail(n.externalAuthor) : null,
    externalAuthorName: null,
    ...(n.ccNotAdded ? { ccNotAdded: n.ccNotAdded.map(maskEmail) } : {}),
  };
}

export function maskParticipant(p: ParticipantView): ParticipantView {
  return { ...p, email: maskEmail(p.email), name: null };
}

export function maskDetail(t: TicketDetail, m: Masker): TicketDetail {
  return {
    ...maskTicket(t, m),
    customerDetail: null,
    description: m.text(t.description),
    descriptionHtml: m.html(t.descriptionHtml),
    notes: t.notes.map((n) => maskNote(n, m)),
    participants: t.participants.map(maskParticipant),
    ...(t.ccNotAdded ? { ccNotAdded: t.ccNotAdded.map(maskEmail) } : {}),
  };
}
