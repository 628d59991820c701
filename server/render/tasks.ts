/**
 * The conversions of untrusted text, run only inside the render worker (see pool.ts). Each is a
 * pure function of its arguments; the inputs are bounded here again so the worker's own work
 * stays proportional to what reaches it.
 */
import { renderMarkdown } from '../domain/notes/markdown';
import { sanitizeEmailHtml } from './sanitize-email-html';
import { bodyMarkdown } from '../mail/inbound/body';
import { parseEmail, type ParsedEmail } from '../mail/inbound/parse';
import { render as renderTemplate } from '../mail/outbound/render-template';
import { buildMime, templateVars } from '../mail/outbound/mime';
import type { OutboundSpec } from '../mail/outbound/spec';
import { capEmailParts, capQuoteDepth, truncate } from './bound-text';
import { htmlDepth } from './html-depth';
import { MAX_EMAIL_HTML_CHARS, MAX_HTML_DEPTH, MAX_MARKDOWN_CHARS, MAX_ORIGINAL_HTML_CHARS, MAX_ORIGINAL_TEXT_CHARS, TRUNCATED_EMAIL_MARKER, TRUNCATED_NOTE_MARKER } from './limits';
import { htmlToPlainText } from './plain-html';
import { descriptionMarkdown, replyMarkdown, type MessageBody } from '../mail/inbound/message-markdown';
import { trimReply, type Trimmed } from '../mail/inbound/reply-trim';
import { opaqueBodyNote } from '../mail/inbound/opaque-body';
import { unpackTnef } from '../mail/inbound/tnef/unpack';

/** Markdown → sanitised HTML for the app. */
function markdown(md: string): string {
  return renderMarkdown(capQuoteDepth(truncate(md, MAX_MARKDOWN_CHARS, TRUNCATED_NOTE_MARKER).text));
}

/** An email's text or HTML part → the Markdown we store, cut to MAX_MARKDOWN_CHARS with a marker. */
function emailBody(text: string | null, html: string | null): string {
  let md: string;
  if (text?.trim()) md = bodyMarkdown(text, null);
  else if (!html) md = '';
  else {
    const cut = html.length > MAX_EMAIL_HTML_CHARS;
    const source = cut ? html.slice(0, MAX_EMAIL_HTML_CHARS) : html;
    md = htmlDepth(source, MAX_HTML_DEPTH) > MAX_HTML_DEPTH ? htmlToPlainText(source) : bodyMarkdown(null, source);
    if (cut) md = `${md}\n\n${TRUNCATED_EMAIL_MARKER}`;
  }
  return truncate(capQuoteDepth(md), MAX_MARKDOWN_CHARS, TRUNCATED_EMAIL_MARKER).text;
}

function originalHtml(html: string, allowRemoteImages: boolean): { html: string; remoteImages: number } {
  return sanitizeEmailHtml(html.slice(0, MAX_ORIGINAL_HTML_CHARS), allowRemoteImages);
}

/**
 * A raw message parsed for ingest, its text and HTML cut to what ingest reads (so a 23 MB body
 * is not copied back whole). Parsing allocates a lot: here its garbage never pauses the server.
 */
async function parseForIngest(raw: Uint8Array): Promise<ParsedEmail> {
  // Outlook's winmail.dat opened up: its files and (when the mail has none) its body
  const parsed = unpackTnef(await parseEmail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)));
  // a TNEF (that could not be read) or S/MIME mail: a line saying where its content is, not an empty ticket ("view original" still shows it as sent)
  const opaque = !/\S/.test(parsed.text ?? '') && !/\S/.test(parsed.html ?? '') ? opaqueBodyNote(parsed.attachments, parsed.contentType) : null;
  return { ...parsed, ...capEmailParts(opaque ?? parsed.text, parsed.html) };
}

/** A stored email as "view original email" reads it: headers, and its text and HTML parts cut to what the view shows. */
export interface ViewedEmail {
  from: string | null;
  to: string[];
  cc: string[];
  subject: string;
  date: string | null;
  text: string | null;
  html: string | null;
}

/**
 * Parses a stored email for "view original email", here rather than on the server's event loop
 * (a 17 MB message took ~300 ms to parse there). Attachment contents stay behind.
 */
async function parseForView(raw: Uint8Array): Promise<ViewedEmail> {
  // a mail whose only content is winmail.dat shows the body inside it (its MIME parts are empty)
  const m = unpackTnef(await parseEmail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)));
  const text = m.text && m.text.length > MAX_ORIGINAL_TEXT_CHARS ? `${m.text.slice(0, MAX_ORIGINAL_TEXT_CHARS)}\n\n${TRUNCATED_EMAIL_MARKER}` : m.text;
  return {
    from: m.from?.address ?? null,
    to: m.to.map((a) => a.address),
    cc: m.cc.map((a) => a.address),
    subject: m.subject,
    date: m.headers.get('date')?.[0] ?? null,
    text,
    html: m.html ? m.html.slice(0, MAX_ORIGINAL_HTML_CHARS) : null,
  };
}

/**
 * An outgoing email's bytes: its template rendered (Markdown, sanitising) and the MIME encoded.
 * Attachment contents arrive as Uint8Arrays (structured clone) and are made Buffers again.
 */
async function composeEmail(spec: OutboundSpec, attachments: { filename: string; content: Uint8Array; contentType: string }[]): Promise<Uint8Array> {
  if (spec.template) {
    const r = renderTemplate(spec.template.source, templateVars(spec), spec.subject);
    spec = { ...spec, text: r.text, html: r.html };
  }
  const files = attachments.map((a) => ({ ...a, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) }));
  return buildMime(spec, files);
}

/** What ingest needs before its transaction, worked out in one trip to the worker. */
export interface IngestPrepared {
  parsed: ParsedEmail;
  /** the body as Markdown; absent when inline (cid:) images must be pointed at our copies first */
  body?: string;
  /** the text the message most likely becomes and its HTML, assuming it has no attachments */
  likely?: { markdown: string; html: string };
  /** a threaded message's body with its quoted history folded away (`trimReply` of `body`) */
  trimmed?: Trimmed;
  /**
   * The worker ran out of time (or crashed) converting this message: `body` is its plain-text
   * fallback, and its texts are shown as escaped text without another try in the worker.
   */
  plain?: true;
}

/**
 * Parses a message for ingest and, in the same trip, converts its body to Markdown and renders
 * the text it most likely becomes (a reply's note or a new ticket's description). A message with
 * attachments has its likely text rendered once their links are known (a second trip).
 */
async function prepareIngest(raw: Uint8Array): Promise<IngestPrepared> {
  // Only a message that cannot be parsed fails this task (its reason goes to quarantine). A body
  // the converters throw on (a Markdown parser's stack overflow, say) is left to the caller,
  // which converts or renders it alone and falls back to plain text.
  const parsed = await parseForIngest(raw);
  if (!parsed.text?.trim() && parsed.html && /cid:/i.test(parsed.html)) return { parsed };
  let body: string;
  try {
    body = emailBody(parsed.text, parsed.html);
  } catch {
    return { parsed };
  }
  const threaded = parsed.inReplyTo.length > 0 || parsed.references.length > 0;
  const mb: MessageBody = { markdown: body, inlineUsed: new Set<string>() };
  let trimmed: Trimmed | undefined;
  try {
    // a reply's quoted history is folded here, not on the event loop
    if (threaded) trimmed = mb.trimmed = trimReply(body);
    if (parsed.attachments.length > 0) return { parsed, body, ...(trimmed ? { trimmed } : {}) };
    const likely = threaded ? replyMarkdown(mb, []).note : descriptionMarkdown(mb, []);
    return { parsed, body, ...(trimmed ? { trimmed } : {}), likely: { markdown: likely, html: likely.trim() ? markdown(likely) : '' } };
  } catch {
    return { parsed, body, ...(trimmed ? { trimmed } : {}) };
  }
}

export const TASKS = { markdown, emailBody, originalHtml, emailTemplate: renderTemplate, parseForIngest, prepareIngest, parseForView, composeEmail, trimReply };
export type Tasks = typeof TASKS;
export type TaskName = keyof Tasks;
