/**
 * Conversions of untrusted text (Markdown, HTML → Markdown, HTML sanitising, email templates),
 * each run in the render worker pool with a time budget and a plain-text fallback. Callers
 * always get a safe answer; the event loop never runs the parsers (issue 15).
 */
import { log } from '../log';
import { fill, unknownPlaceholders, type Rendered, type Vars } from '../mail/outbound/templates';
import { capEmailParts, truncate } from './bound-text';
import { MAX_MARKDOWN_CHARS, PARSE_BUDGET_MS, RENDER_BUDGET_MS, TRUNCATED_EMAIL_MARKER, TRUNCATED_NOTE_MARKER } from './limits';
import { htmlToPlainText, plainTextHtml } from './plain-html';
import { createRenderPool, setHeapGrowingPercent, type RenderPool, type TaskResult } from './pool';

export { setHeapGrowingPercent };
import type { IngestPrepared, TaskName, Tasks, ViewedEmail } from './tasks';
import { AppError } from '../../shared/errors';
import type { ParsedEmail } from '../mail/inbound/parse';
import type { OutboundSpec } from '../mail/outbound/spec';
import type { Trimmed } from '../mail/inbound/reply-trim';

export type { IngestPrepared, ViewedEmail } from './tasks';

let pool: RenderPool | null = null;

function shared(): RenderPool {
  pool ??= createRenderPool();
  return pool;
}

export function warmRenderPool(): void {
  shared().warm();
}

/** Stops the workers (tests and shutdown); the next conversion starts a new pool. */
export async function closeRenderPool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}

async function run<K extends TaskName>(task: K, args: Parameters<Tasks[K]>, budgetMs = RENDER_BUDGET_MS): Promise<TaskResult<K>> {
  const result = await shared().run(task, args, budgetMs);
  if (!result.ok) log.warn('untrusted text shown as plain text', { task, reason: result.reason, detail: result.message });
  return result;
}

/** Markdown → sanitised HTML for the thread; escaped text when the worker gives up. */
export async function markdownToHtml(markdown: string): Promise<string> {
  if (!markdown.trim()) return '';
  const r = await run('markdown', [markdown]);
  return r.ok ? r.value : markdownAsText(markdown);
}

/**
 * A reply's body with its quoted history folded away (`trimReply`), in the worker. When the
 * worker gives up, nothing is folded: the whole text stays visible.
 */
export async function trimReplyAhead(markdown: string, budgetMs = RENDER_BUDGET_MS): Promise<Trimmed> {
  const r = await run('trimReply', [markdown], budgetMs);
  return r.ok ? r.value : { visible: markdown, trimmed: '' };
}

/** The fallback of `markdownToHtml`: the text escaped, as it was written (linear, no worker). */
export function markdownAsText(markdown: string): string {
  return markdown.trim() ? plainTextHtml(truncate(markdown, MAX_MARKDOWN_CHARS, TRUNCATED_NOTE_MARKER).text) : '';
}

/**
 * An email's body as the Markdown we store: the text part, else the HTML converted; never longer
 * than MAX_MARKDOWN_CHARS (the marker points to the original email).
 */
export async function emailBodyMarkdown(text: string | null, html: string | null): Promise<string> {
  const { text: t, html: h } = capEmailParts(text, html);
  const r = await run('emailBody', [t, h], RENDER_BUDGET_MS * 2);
  return r.ok ? r.value : plainBodyMarkdown(t, h);
}

/** The fallback of `emailBodyMarkdown`: the text part, else the HTML's text (linear, no worker). */
function plainBodyMarkdown(text: string | null, html: string | null): string {
  const { text: t, html: h } = capEmailParts(text, html);
  const plain = t?.trim() ? t : h ? htmlToPlainText(h) : '';
  return truncate(plain.replace(/\r\n?/g, '\n'), MAX_MARKDOWN_CHARS, TRUNCATED_EMAIL_MARKER).text;
}

/** Thrown when a message cannot be parsed in the worker: its reason goes to quarantine. */
export class ParseFailedError extends Error {}

/** Messages up to this size are parsed, converted and rendered in one trip (typical mail is 5–50 KB). */
const PREPARE_IN_ONE_TRIP_BYTES = 1024 * 1024;

const asBuffer = (a: Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The reason a message could not be parsed in the worker, as quarantine shows it. */
function parseFailure(r: { reason: 'timeout' | 'error' | 'crashed'; message: string }): ParseFailedError {
  const why = r.reason === 'timeout' ? `could not be read within ${PARSE_BUDGET_MS / 1000} s` : r.reason === 'crashed' ? `could not be read: ${r.message}` : r.message.replace(/^\w*Error: /, '');
  return new ParseFailedError(r.reason === 'error' ? why : `The message ${why}.`);
}

/**
 * Parses a raw message in the worker, for ingest. Structured clone turns Buffers into plain
 * Uint8Arrays; attachment contents are made Buffers again here.
 */
export async function parseForIngest(raw: Buffer): Promise<ParsedEmail> {
  const r = await run('parseForIngest', [raw], PARSE_BUDGET_MS);
  if (!r.ok) throw parseFailure(r);
  return withBuffers(r.value);
}

function withBuffers(p: ParsedEmail): ParsedEmail {
  return { ...p, attachments: p.attachments.map((a) => ({ ...a, content: asBuffer(a.content) })) };
}

/**
 * Parses a message and converts (and renders) its body in one trip to the worker (see
 * `prepareIngest` in tasks.ts). A body the converters threw on is left out (the caller converts
 * it alone, with its fallback); one they ran out of time on comes back as plain text (`plain`).
 */
export async function prepareIngest(raw: Buffer): Promise<IngestPrepared> {
  // A large message is parsed alone, under the parse budget; its body is converted in a trip of
  // its own, under the conversion budget (`emailBodyMarkdown`).
  if (raw.length > PREPARE_IN_ONE_TRIP_BYTES) return { parsed: await parseForIngest(raw) };
  const r = await run('prepareIngest', [raw], RENDER_BUDGET_MS * 3);
  if (!r.ok) {
    // the task fails only when the message cannot be parsed: quarantine, with the reason
    if (r.reason === 'error') throw parseFailure(r);
    // Too slow or crashed: parsed again alone (a bad message still goes to quarantine), and its
    // body is shown as plain text, without another try at converting it in the worker.
    const parsed = await parseForIngest(raw);
    return { parsed, body: plainBodyMarkdown(parsed.text, parsed.html), plain: true };
  }
  return { ...r.value, parsed: withBuffers(r.value.parsed) };
}

/**
 * A stored email parsed for "view original email", in the worker; `EMAIL_UNREADABLE` with the
 * reason when it cannot be (in time).
 */
export async function parseForView(raw: Buffer): Promise<ViewedEmail> {
  const r = await run('parseForView', [raw], PARSE_BUDGET_MS);
  if (!r.ok) {
    const why = r.reason === 'timeout' ? `reading it took longer than ${PARSE_BUDGET_MS / 1000} s` : r.message.replace(/^\w*Error: /, '');
    throw new AppError('EMAIL_UNREADABLE', `The original email could not be read: ${why}`);
  }
  return r.value;
}

/** An email's HTML sanitised for "view original email"; null when it could not be (show the text). */
export async function originalEmailHtml(html: string, allowRemoteImages: boolean): Promise<{ html: string; remoteImages: number } | null> {
  const r = await run('originalHtml', [html, allowRemoteImages], RENDER_BUDGET_MS * 2);
  return r.ok ? r.value : null;
}

/** A customer email template filled and rendered; the filled text as escaped HTML if that fails. */
export async function renderEmailTemplate(source: string, vars: Vars, subject: string): Promise<Rendered> {
  const r = await run('emailTemplate', [source, vars, subject]);
  return r.ok ? r.value : templateAsText(source, vars);
}

/** The fallback of `renderEmailTemplate`: the filled text, escaped as HTML (linear, no worker). */
export function templateAsText(source: string, vars: Vars): Rendered {
  const text = truncate(fill(source, vars), MAX_MARKDOWN_CHARS, TRUNCATED_NOTE_MARKER).text;
  return { text: `${text}\n`, html: plainTextHtml(text), unknown: unknownPlaceholders(source) };
}

/** An outgoing email composed in the worker (template rendered, MIME built); null if the worker gave up. */
export async function composeInWorker(spec: OutboundSpec, attachments: { filename: string; content: Buffer; contentType: string }[]): Promise<Buffer | null> {
  const r = await run('composeEmail', [spec, attachments], RENDER_BUDGET_MS * 2);
  return r.ok ? asBuffer(r.value) : null;
}
