/**
 * Customer email templates (SPEC §4): Markdown with `%{NAME}` placeholders (spaces inside the
 * braces allowed), rendered to sanitised HTML inside templates/layout.html, with the filled
 * Markdown as the plain-text alternative. Unknown placeholders stay as written and are reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../paths';

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

export function fill(source: string, vars: Partial<Vars>): string {
  return source.replace(PLACEHOLDER_RE, (whole: string, name: string) => {
    const value = (vars as Record<string, string | undefined>)[name];
    return value === undefined ? whole : value;
  });
}

export interface Rendered {
  text: string;
  html: string;
  unknown: string[];
}
