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
import { capEmailParts, capQuoteDepth, truncate } from './bound-text';
import { htmlDepth } from './html-depth';
import { MAX_EMAIL_HTML_CHARS, MAX_HTML_DEPTH, MAX_MARKDOWN_CHARS, MAX_ORIGINAL_HTML_CHARS, TRUNCATED_EMAIL_MARKER, TRUNCATED_NOTE_MARKER } from './limits';
import { htmlToPlainText } from './plain-html';

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
  const parsed = await parseEmail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  return { ...parsed, ...capEmailParts(parsed.text, parsed.html) };
}

export const TASKS = { markdown, emailBody, originalHtml, emailTemplate: renderTemplate, parseForIngest };
export type Tasks = typeof TASKS;
export type TaskName = keyof Tasks;
