import { maskEmail } from '../../shared/mask-email';
import type { NoteView, ParticipantView, TicketDetail, TicketSummary } from '../../shared/views';

export function maskTicket<T extends TicketSummary>(t: T): T {
  return t.externalAuthor ? { ...t, externalAuthor: maskEmail(t.externalAuthor) } : t;
}

const EMAIL_IN_TEXT = /[^\s<>(),;:"']+@[^\s<>(),;:"']+\.[A-Za-z]{2,}/g;

/** External authors, and the addresses system notes name ("added a@b.c"), are masked. */
export function maskNote(n: NoteView): NoteView {
  const body = n.system ? n.body.replace(EMAIL_IN_TEXT, (e) => maskEmail(e)) : n.body;
  return { ...n, body, html: n.system ? '' : n.html, externalAuthor: n.externalAuthor ? maskEmail(n.externalAuthor) : null };
}

export function maskParticipant(p: ParticipantView): ParticipantView {
  return { ...p, email: maskEmail(p.email) };
}

export function maskDetail(t: TicketDetail): TicketDetail {
  return {
    ...maskTicket(t),
    notes: t.notes.map(maskNote),
    participants: t.participants.map(maskParticipant),
  };
}
