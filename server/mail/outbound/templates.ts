/**
 * Customer email templates (SPEC §4): Markdown with `%{NAME}` placeholders (spaces inside the
 * braces allowed), rendered to sanitised HTML inside templates/layout.html, with the filled
 * Markdown as the plain-text alternative. Unknown placeholders stay as written and are reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { ROOT_DIR } from '../../paths';
import { safeUrl, withUrl } from '../../domain/notes/safe-url';

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

function readTemplateFile(name: string): string {
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

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'a', 'img', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'span', 'div',
  ],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title', 'width', 'height'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'href', safeUrl(attribs.href ?? '', ['http', 'https', 'mailto'], { relative: true })) }),
    img: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'src', safeUrl(attribs.src ?? '', ['http', 'https'], { relative: false })) }),
  },
  // An image whose address was refused is dropped, not left as an empty frame.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

export function markdownToSafeHtml(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown, { async: false, gfm: true, breaks: true }) as string, SANITIZE);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface Rendered {
  text: string;
  html: string;
  unknown: string[];
}

/**
 * Fills and renders a template. Placeholder values are customer or responder text: they are
 * inserted into the Markdown, and the resulting HTML is sanitised as a whole, so nothing they
 * carry can become script or active markup.
 */
export function render(source: string, vars: Vars, subject: string): Rendered {
  const markdown = fill(source, vars).replace(/\n{3,}/g, '\n\n').trim();
  const unsubscribe = vars.UNSUBSCRIBE_URL
    ? `You are receiving this because you are a participant. <a href="${escapeHtml(vars.UNSUBSCRIBE_URL)}">Unsubscribe</a> from this thread.`
    : '';
  const block = (md: string) => (md.trim() ? markdownToSafeHtml(md) : '');
  // Like GitLab's "View it on GitLab": only non-confidential tickets have a URL to show.
  const view = vars.ISSUE_URL ? `<p style="font-size:13px;"><a href="${escapeHtml(vars.ISSUE_URL)}">View ticket ${escapeHtml(vars.ISSUE_ID)}</a></p>` : '';
  // Function replacers: `$'` or `$&` in customer text must not act as replacement patterns.
  const parts: Record<string, string> = {
    subject: escapeHtml(subject),
    header: block(vars.SYSTEM_HEADER),
    body: markdownToSafeHtml(markdown) + view,
    unsubscribe,
    footer: block(vars.SYSTEM_FOOTER),
  };
  const html = readTemplateFile('layout.html').replace(/\{\{(subject|header|body|unsubscribe|footer)\}\}/g, (_m, k: string) => parts[k] ?? '');
  const text = [
    vars.SYSTEM_HEADER.trim(),
    markdown,
    vars.ISSUE_URL ? `View ticket ${vars.ISSUE_ID}: ${vars.ISSUE_URL}` : '',
    vars.UNSUBSCRIBE_URL ? `--\nUnsubscribe from this thread: ${vars.UNSUBSCRIBE_URL}` : '',
    vars.SYSTEM_FOOTER.trim(),
  ]
    .filter(Boolean)
    .join('\n\n');
  return { text: `${text}\n`, html, unknown: unknownPlaceholders(source) };
}
