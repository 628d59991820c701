/**
 * Customer email templates (SPEC §4): Markdown with `%{NAME}` placeholders (spaces inside the
 * braces allowed), rendered to sanitised HTML inside templates/layout.html, with the filled
 * Markdown as the plain-text alternative. Unknown placeholders stay as written and are reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../paths';
import { escapeMarkdownInline } from '../../../shared/macros';

export const TEMPLATE_KINDS = ['thank_you', 'new_participant', 'new_note', 'rejection', 'resolved'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/**
 * Why an email was rejected (SPEC §2), one reason per error code, written for customers: they
 * have no account and no web interface, so each says what to do by email. When each applies is
 * unchanged (server/mail/inbound/rejections.ts).
 */
export const REJECTIONS = {
  UnknownIncomingEmail: {
    retryable: false,
    reason: "We couldn't tell which support team your email was meant for. Please check the address you wrote to and send your message again.",
  },
  ReplyKeyNotFound: {
    retryable: false,
    reason: "We couldn't tell which conversation your email answers. Please reply to the most recent email you received from us, or write to our support address to start a new request.",
  },
  ProjectNotFound: {
    retryable: false,
    reason: "The support address you wrote to doesn't exist or no longer accepts email. Please check it for typos.",
  },
  EmptyEmail: {
    retryable: true,
    reason: 'Your email arrived empty. Please write your answer above the quoted text of our email and send it again.',
  },
  TicketNotFound: {
    retryable: false,
    reason: 'The conversation you are replying to has been closed and removed. Please write to our support address to start a new request.',
  },
  InvalidAttachment: { retryable: false, reason: 'One of your attachments could not be processed. Please send it again in a common format.' },
  EmailTooLarge: {
    retryable: false,
    reason: "Your email is too large for us to receive. Please send it again with smaller attachments, or fewer at a time.",
  },
} as const;

export type RejectionCode = keyof typeof REJECTIONS;

export const PLACEHOLDERS = [
  'ISSUE_ID',
  'ISSUE_PATH',
  'ISSUE_URL',
  'ISSUE_DESCRIPTION',
  'UNSUBSCRIBE_URL',
  'SYSTEM_HEADER',
  'SYSTEM_FOOTER',
  'ADDITIONAL_TEXT',
  'NOTE_TEXT',
  /** rejection emails: why the email could not be processed (one exact reason per error) */
  'REJECTION_REASON',
  /**
   * The name of the person the email goes to, as their mail gave it (the ticket's customer: the
   * name on the email that opened it; another participant: the name their address came with).
   * Unknown (no name, or only an address): empty, and the placeholder takes the space and the
   * comma before it along ("Hi %{CUSTOMER_FIRST_NAME}," reads "Hi,"), see `fill`.
   */
  'CUSTOMER_NAME',
  /** the first name of CUSTOMER_NAME ("Ada" of "Ada Lovelace" and of "Lovelace, Ada") */
  'CUSTOMER_FIRST_NAME',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type Vars = Record<Placeholder, string>;

const PLACEHOLDER_RE = /%\{\s*([A-Za-z0-9_]+)\s*\}/g;
const cache = new Map<string, string>();

export function readTemplateFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(ROOT_DIR, 'templates', name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export function defaultTemplate(kind: TemplateKind): string {
  return readTemplateFile(`${kind}.md`);
}

export function unknownPlaceholders(source: string): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  return [...new Set([...source.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as string).filter((n) => !known.has(n)))];
}

/** The placeholders that name a person: when the name is unknown they leave no gap (`fill`). */
const NAME_PLACEHOLDERS = new Set<string>(['CUSTOMER_NAME', 'CUSTOMER_FIRST_NAME']);
export function fill(source: string, vars: Partial<Vars>): string {
  // One pass over the placeholders; the blanks before an unknown name are found by walking back
  // (a regex with an optional blank prefix retried at every blank of a long run: quadratic, and a
  // template may hold 100,000 characters).
  let out = '';
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER_RE)) {
    const name = m[1] as string;
    const value = (vars as Record<string, string | undefined>)[name];
    if (value === undefined) continue;
    let start = m.index as number;
    // An unknown name leaves no gap: "Hi %{CUSTOMER_FIRST_NAME}," → "Hi,", "Thanks, %{…}!" → "Thanks!"
    if (value === '' && NAME_PLACEHOLDERS.has(name)) {
      let k = start;
      while (k > last && (source[k - 1] === ' ' || source[k - 1] === '\t')) k--;
      if (k < start && k > last && source[k - 1] === ',') k--;
      start = k;
    }
    out += source.slice(last, start) + value;
    last = (m.index as number) + m[0].length;
  }
  return out + source.slice(last);
}

/**
 * CUSTOMER_NAME and CUSTOMER_FIRST_NAME from a display name as mail gave it, unescaped (the
 * caller escapes them for Markdown). A "name" that is an address (`"ada@x.test" <ada@x.test>`)
 * is no name. "Lovelace, Ada" (a directory's order) has the first name "Ada".
 */
export function customerNames(displayName: string | null | undefined): { name: string; first: string } {
  // at most 200 characters, as names are stored: the trim below retries at every quote of a run
  const name = (displayName ?? '').slice(0, 200).replace(/\s+/g, ' ').replace(/^["'\s]+|["'\s]+$/g, '').trim();
  if (!name || name.includes('@')) return { name: '', first: '' };
  const comma = /^([^,]+),\s*(.+)$/.exec(name);
  const given = comma ? (comma[2] as string) : name;
  const first = (given.split(' ')[0] ?? '').replace(/[,;:.]+$/, '');
  return { name, first: first || name };
}

/**
 * %{CUSTOMER_NAME} and %{CUSTOMER_FIRST_NAME}: a name comes from whoever wrote the mail, so it is
 * escaped like every other value from people (shared/macros.ts): it never becomes a link, HTML,
 * a mention or a quick action. Unknown: empty (the template's "Hi %{…}," then reads "Hi,").
 */
export function customerNameVars(displayName: string | null | undefined): Pick<Vars, 'CUSTOMER_NAME' | 'CUSTOMER_FIRST_NAME'> {
  const n = customerNames(displayName);
  return { CUSTOMER_NAME: n.name && escapeMarkdownInline(n.name), CUSTOMER_FIRST_NAME: n.first && escapeMarkdownInline(n.first) };
}

export interface Rendered {
  text: string;
  html: string;
  unknown: string[];
}
