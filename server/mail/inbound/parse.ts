/** Parses a raw message into what ingest needs, with every header value kept raw too. */
import { createHash } from 'node:crypto';
import { type Address, flatten, fromHeaders } from './parse-address';
import { headersAsUtf8 } from './eight-bit';
import { encodedWordsRelabelled } from './encoded-words';
import { useQuoteAwareFlowedDecoding } from './flowed';
import { mayBeOpaqueSigned, signedContent, withSignedEntity } from './smime-signed';
import { headerLocation, linkContentLocations, nameFromLocation } from './content-location';
import { bodyInDeclaredCharset, bodyOfPartlessMultipart, uudecode, withoutTrailingBoundaries } from './parse-body';
import type { AddressObject, Attachment, HeaderLines } from 'mailparser';

export type { Address } from './parse-address';
export { uudecode, withoutTrailingBoundaries } from './parse-body';

/** The parts of an attachment ingest uses (plain data: it crosses from the parse worker). */
export interface ParsedAttachment {
  content: Buffer;
  filename?: string | undefined;
  contentType: string;
  cid?: string | undefined;
  /** the part's Content-Location (RFC 2557), which HTML may refer to instead of a cid */
  location?: string | undefined;
}

export interface ParsedEmail {
  /** `<id>`, derived from sha256 when the message has none */
  messageId: string;
  derivedMessageId: boolean;
  subject: string;
  /** the first From header's first address (as mail clients show it) */
  from: Address | null;
  /**
   * The addresses of any From header after the first (a broken or forged message): not the
   * author, but the ignore rules look at them too, so a bounce or our own mail is never answered.
   */
  otherFrom: Address[];
  /**
   * From (every From header), Reply-To and Sender addresses as written that are no address
   * (`foo@bar@baz`, `<foo@>`): never an author, but the ignore rules read them
   */
  unusableSenders: string[];
  replyTo: Address[];
  sender: Address | null;
  to: Address[];
  cc: Address[];
  inReplyTo: string[];
  references: string[];
  /** lowercased header name → raw values in order (unfolded) */
  headers: Map<string, string[]>;
  text: string | null;
  html: string | null;
  attachments: ParsedAttachment[];
  contentType: string;
}

export class UnparsableEmailError extends Error {}

function rawHeaders(lines: HeaderLines): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    let value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    // mailparser hands the lines over as bytes (one character each); the header block is UTF-8 by now
    if (/[\x80-\xff]/.test(value)) value = Buffer.from(value, 'latin1').toString('utf8');
    const list = map.get(key.toLowerCase()) ?? [];
    list.push(value);
    map.set(key.toLowerCase(), list);
  }
  return map;
}

/**
 * Message ids in a header value: `<a@b> <c@d>`, also comma-joined or bare. Kept byte for byte:
 * our emails answer a customer's id exactly as they sent it (matching ignores case, in SQL).
 */
export function messageIdList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const joined = Array.isArray(value) ? value.join(' ') : value;
  const bracketed = joined.match(/<[^<>\s]+>/g);
  const ids = bracketed ?? joined
    .split(/[\s,]+/)
    .filter((s) => s.includes('@'))
    .map((s) => `<${s}>`);
  // An id longer than a header line may be (RFC 5322: 998 octets) was written by no mail client;
  // PostgreSQL could not index it either (a btree entry holds ~2.7 KB), so it is left out.
  return ids.filter((id) => Buffer.byteLength(id) <= MAX_MESSAGE_ID_OCTETS);
}
export const MAX_MESSAGE_ID_OCTETS = 998;

/**
 * Some relays and Outlook exports put blank lines before the header block. Nothing but a blank
 * line can come before a header, so they are dropped (a message whose first non-blank line is
 * no header still fails as before).
 */
export function withoutLeadingBlankLines(raw: Buffer): Buffer {
  let i = 0;
  while (i < raw.length && i < 4096) {
    const nl = raw.indexOf(0x0a, i);
    if (nl < 0) break;
    const line = raw.subarray(i, nl).toString('latin1');
    if (line.trim() !== '') break;
    i = nl + 1;
  }
  return i > 0 ? raw.subarray(i) : raw;
}

/** A ticket title's longest (shared/schemas.ts's ticketTitle). */
export const MAX_TITLE_CHARS = 255;

/**
 * A new ticket's title from the subject as sent: every run of blanks (tabs left by unfolding, and
 * the hundreds of ideographic spaces U+3000 some senders pad a subject with) becomes one space
 * before the cut at the title's limit, so the readable rest is not lost inside the padding; the cut
 * never splits a surrogate pair. Only the title: the subject stays as sent everywhere else
 * (rejections answer it, the inbound log and the original email show it).
 */
export function titleOfSubject(subject: string): string {
  const title = subject.replace(/\s+/g, ' ').trim();
  if (!title) return '(no subject)';
  if (title.length <= MAX_TITLE_CHARS) return title;
  const last = title.charCodeAt(MAX_TITLE_CHARS - 1);
  return title.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_TITLE_CHARS - 1 : MAX_TITLE_CHARS).trimEnd();
}

export function sha256(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

function plainAttachment(a: Attachment): ParsedAttachment {
  const te = String(a.headers?.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  const content = /^(?:x-)?uu(?:encode|e)$/.test(te) ? (uudecode(a.content) ?? a.content) : a.content;
  const location = headerLocation(a.headers?.get('content-location'));
  // an unnamed part is named after its location (`image001.jpg`), not "attachment-1.png"
  const filename = a.filename ?? (location ? nameFromLocation(location, a.contentType) : undefined);
  return { content, filename, contentType: a.contentType, cid: a.cid, ...(location ? { location } : {}) };
}

/** How many S/MIME signatures wrapped in one another are opened (a gateway's around a client's). */
const MAX_SIGNED_LAYERS = 3;

/**
 * `signed`: the message is the content of an S/MIME opaque signature around `original` (what the
 * derived Message-ID is made from), `layers` deep.
 */
export async function parseEmail(input: Buffer, signed?: { original: Buffer; layers: number }): Promise<ParsedEmail> {
  const raw = encodedWordsRelabelled(headersAsUtf8(withoutLeadingBlankLines(input)));
  // loaded on first use: starting the server needs only this module's helpers, not the parser
  const { simpleParser } = await import('mailparser');
  useQuoteAwareFlowedDecoding();
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true });
  const wellFormed = parsed.headerLines.filter((h) => /^[\x21-\x39\x3b-\x7e]+:/.test(h.line));
  if (wellFormed.length === 0) {
    throw new UnparsableEmailError('The message has no header fields, so it is not an email.');
  }
  const headers = rawHeaders(wellFormed);
  if (!['from', 'sender', 'reply-to', 'to', 'subject', 'message-id', 'date'].some((h) => headers.has(h))) {
    throw new UnparsableEmailError('The message has none of the standard header fields (From, To, Subject, Date, Message-ID).');
  }
  const ids = messageIdList(parsed.messageId);
  const messageId = ids[0] ?? `<${sha256(signed?.original ?? input)}@derived.threadline>`;
  const contentType = (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase();
  // S/MIME opaque-signed: the message is inside its signature, unencrypted; it is read from there
  const layers = signed?.layers ?? 0;
  if (layers < MAX_SIGNED_LAYERS && parsed.attachments.length === 1 && mayBeOpaqueSigned(contentType)) {
    const entity = signedContent(parsed.attachments[0]!.content);
    if (entity) return parseEmail(withSignedEntity(withoutLeadingBlankLines(input), entity), { original: signed?.original ?? input, layers: layers + 1 });
  }
  let text = parsed.text ?? null;
  let html = typeof parsed.html === 'string' ? parsed.html : null;
  if (!text?.trim() && !html && parsed.attachments.length === 0 && contentType.startsWith('multipart/')) {
    const body = bodyOfPartlessMultipart(raw, headers.get('content-transfer-encoding')?.[0] ?? '');
    if (body && !/^--\S/m.test(body)) text = body;
  }
  // 8-bit text in a charset it does not declare came out of mailparser as U+FFFD: read it again
  if (contentType.startsWith('text/') && ((text?.includes('\uFFFD') ?? false) || (html?.includes('\uFFFD') ?? false))) {
    const again = bodyInDeclaredCharset(raw, headers.get('content-type')?.[0] ?? '', headers.get('content-transfer-encoding')?.[0] ?? '');
    if (again !== null) {
      if (contentType.startsWith('text/html')) html = again;
      else text = again;
    }
  }
  if (contentType.startsWith('multipart/')) {
    if (text) text = withoutTrailingBoundaries(text, raw);
    if (html) html = withoutTrailingBoundaries(html, raw);
  }
  let attachments = parsed.attachments.map(plainAttachment);
  // images found by Content-Location (MHTML) are pointed at as cid images are
  if (html) ({ html, attachments } = linkContentLocations(html, attachments, headerLocation(headers.get('content-base')?.[0]) ?? headerLocation(headers.get('content-location')?.[0])));
  const unusableSenders: string[] = [];
  const froms = await fromHeaders(parsed.headerLines, parsed.from, unusableSenders);
  const replyTo = flatten(parsed.replyTo, headers.get('reply-to')?.[0] ?? '', unusableSenders);
  const sender = flatten(parsed.headers.get('sender') as AddressObject | undefined, headers.get('sender')?.[0] ?? '', unusableSenders)[0] ?? null;
  return withoutNul({
    messageId,
    derivedMessageId: ids.length === 0,
    subject: (parsed.subject ?? '').trim(),
    from: froms.first,
    otherFrom: froms.others,
    unusableSenders,
    replyTo,
    sender,
    to: flatten(parsed.to),
    cc: flatten(parsed.cc),
    inReplyTo: messageIdList(parsed.inReplyTo),
    references: messageIdList(parsed.references),
    headers,
    text,
    html,
    attachments,
    contentType,
  });
}

/**
 * NUL is not text: a `=00` in a subject or body would be stored as is by SQLite and refused by
 * PostgreSQL (the message could then neither be stored nor quarantined). Every string of the
 * parsed message loses its NULs; attachment bytes (Buffers) stay as they are.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replace(/\u0000/g, '') : value) as T;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withoutNul(v);
  return out as T;
}
