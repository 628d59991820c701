/** Parses a raw message into what ingest needs, with every header value kept raw too. */
import { createHash } from 'node:crypto';
import { decode as decodeQuotedPrintable } from './quoted-printable';
import { spacedAngleAddresses, usableAddress } from './parse-address';
import { decodeUndeclared, decodeWindows1252, headersAsUtf8, looksUtf8 } from './eight-bit';
import type { AddressObject, Attachment, HeaderLines } from 'mailparser';

export interface Address {
  address: string;
  name: string;
}

/** The parts of an attachment ingest uses (plain data: it crosses from the parse worker). */
export interface ParsedAttachment {
  content: Buffer;
  filename?: string | undefined;
  contentType: string;
  cid?: string | undefined;
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
  /** From, Reply-To and Sender addresses as written that are no address (`foo@bar@baz`, `<foo@>`) */
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

/**
 * The usable addresses of an address header (parse-address.ts), in order. `raw`: the header as
 * written, to see through `<two words@host>`; `unusable` collects what was not an address.
 */
function flatten(value: AddressObject | AddressObject[] | undefined, raw = '', unusable?: string[]): Address[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const spaced = raw.includes('<') ? spacedAngleAddresses(raw) : [];
  const out: Address[] = [];
  const walk = (entries: { address?: string; name: string; group?: { address?: string; name: string }[] }[]) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address?.trim()) {
        const written = e.address.trim().toLowerCase();
        const split = spaced.find((s) => s.endsWith(written));
        const address = split ? null : usableAddress(written);
        if (address) out.push({ address, name: e.name ?? '' });
        else unusable?.push(split ?? written);
      }
    }
  };
  for (const obj of list) walk(obj.value);
  return out;
}

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
  if (bracketed) return bracketed;
  return joined
    .split(/[\s,]+/)
    .filter((s) => s.includes('@'))
    .map((s) => `<${s}>`);
}

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

/**
 * The text of a `multipart/*` message whose body has no boundary lines (a broken sender, or a
 * relay that rewrote the boundary): mailparser finds no parts in it, so its whole body is the text.
 */
function bodyOfPartlessMultipart(raw: Buffer, transferEncoding: string): string | null {
  const sep = /\r?\n\r?\n/.exec(raw.subarray(0, 256 * 1024).toString('latin1'));
  if (!sep) return null;
  const encoded = raw.subarray(sep.index + sep[0].length);
  const te = transferEncoding.trim().toLowerCase();
  const body = te === 'base64' ? Buffer.from(encoded.toString('latin1'), 'base64') : te === 'quoted-printable' ? decodeQuotedPrintable(encoded.toString('latin1')) : encoded;
  // no charset applies to a multipart's own body: UTF-8 (one stray byte kept as U+FFFD), else Windows-1252
  return decodeUndeclared(body);
}

const UTF8_OR_ASCII = /^(?:utf-?8|us-?ascii|ascii|ansi_x3\.4-1968|)$/;

/**
 * The text of a single-part `text/*` message whose bytes are not in the charset it declares: an
 * unknown name (`unknown-8bit`, `invalid-charset`), or none / US-ASCII over 8-bit Latin-1 bytes
 * (cron jobs, web forms, old clients). mailparser decodes those as UTF-8, every accented letter
 * becoming U+FFFD; here the bytes are read as the declared charset when it is one we know, else
 * as Windows-1252 (Latin-1's superset, what such mail nearly always is). Text that is valid
 * UTF-8, or declared UTF-8, is left to mailparser.
 */
function bodyInDeclaredCharset(raw: Buffer, contentType: string, transferEncoding: string): string | null {
  const sep = /\r?\n\r?\n/.exec(raw.subarray(0, 256 * 1024).toString('latin1'));
  if (!sep) return null;
  const encoded = raw.subarray(sep.index + sep[0].length);
  const te = transferEncoding.trim().toLowerCase();
  const body = te === 'base64' ? Buffer.from(encoded.toString('latin1'), 'base64') : te === 'quoted-printable' ? decodeQuotedPrintable(encoded.toString('latin1')) : encoded;
  // UTF-8, or UTF-8 with one broken byte (not Latin-1): mailparser's text is right
  if (looksUtf8(body)) return null;
  const charset = (/charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1] ?? '').toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return null;
  let text: string;
  try {
    text = UTF8_OR_ASCII.test(charset) ? decodeWindows1252(body) : new TextDecoder(charset).decode(body);
  } catch {
    text = decodeWindows1252(body);
  }
  return text.replace(/\r\n?/g, '\n');
}

/**
 * A part left open by its sender (Outlook's multipart/alternative without its closing line)
 * runs on to the enclosing part's close, and mailparser keeps that `--boundary--` line as the
 * part's last text: it showed at the end of the email as sent. Trailing delimiter lines of any
 * boundary the message declares are dropped.
 */
export function withoutTrailingBoundaries(body: string, raw: Buffer): string {
  let boundaries: Set<string> | null = null;
  let out = body;
  // line by line from the end (a regex anchored at the end backtracks quadratically over a long
  // last line: 32,000 spaces after "--" took a second)
  for (;;) {
    let end = out.length;
    while (end > 0 && (out[end - 1] === '\n' || out[end - 1] === ' ' || out[end - 1] === '\t')) end--;
    const start = out.lastIndexOf('\n', end - 1) + 1;
    // a delimiter line, not the body's only line: "\n--boundary" or "\n--boundary--"
    if (start === 0 || !out.startsWith('--', start)) return out;
    if (!boundaries) {
      boundaries = new Set<string>();
      const re = /boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^;\s]{1,200}))/gi;
      const head = raw.subarray(0, 4 * 1024 * 1024).toString('latin1');
      for (let m = re.exec(head), n = 0; m && n < 100; m = re.exec(head), n++) boundaries.add((m[1] ?? m[2]) as string);
    }
    const b = out.slice(start + 2, end);
    if (!(boundaries.has(b) || (b.endsWith('--') && boundaries.has(b.slice(0, -2))))) return out;
    out = out.slice(0, start);
  }
}

export function sha256(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * uuencoded bytes (`Content-Transfer-Encoding: x-uuencode`, from old Mac and list clients, with or
 * without the `begin 644 name` / `end` lines) decoded; mailparser leaves them encoded. Returns
 * null when the text is not uuencode, so nothing is lost.
 */
export function uudecode(encoded: Buffer): Buffer | null {
  // every line gives at most 3 bytes per 4 characters after its length character: the bytes are
  // written into one buffer (a number per byte took ~250 MB of heap for 14.5 MB)
  const out = Buffer.allocUnsafe(Math.ceil((encoded.length * 3) / 4));
  let size = 0;
  for (const line of encoded.toString('latin1').split(/\r?\n/)) {
    if (/^begin\s+[0-7]{3,4}\s/.test(line) || !line) continue;
    if (line === 'end' || line === '`') break;
    const n = (line.charCodeAt(0) - 32) & 63;
    if (n === 0) break;
    const chars = line.slice(1);
    if (chars.length < Math.ceil(n / 3) * 4 || /[^\x20-\x60]/.test(chars)) return null;
    const v = (i: number) => (chars.charCodeAt(i) - 32) & 63;
    for (let i = 0, got = 0; got < n; i += 4) {
      out[size++] = (v(i) << 2) | (v(i + 1) >> 4);
      if (++got < n) out[size++] = ((v(i + 1) & 15) << 4) | (v(i + 2) >> 2);
      if (++got < n) out[size++] = ((v(i + 2) & 3) << 6) | v(i + 3);
      got++;
    }
  }
  return size ? out.subarray(0, size) : null;
}

function plainAttachment(a: Attachment): ParsedAttachment {
  const te = String(a.headers?.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  const content = /^(?:x-)?uu(?:encode|e)$/.test(te) ? (uudecode(a.content) ?? a.content) : a.content;
  return { content, filename: a.filename, contentType: a.contentType, cid: a.cid };
}

/**
 * A message with several From headers: mailparser keeps the last, mail clients (and Zammad)
 * show the first, so the first is the author here. The others are parsed the same way (each as
 * a header of its own), for the ignore rules.
 */
async function fromHeaders(lines: HeaderLines, last: AddressObject | undefined, unusable: string[]): Promise<{ first: Address | null; others: Address[] }> {
  const fromLines = lines.filter((h) => h.key === 'from');
  if (fromLines.length < 2) return { first: flatten(last, fromLines[0]?.line ?? '', unusable)[0] ?? null, others: [] };
  const { simpleParser } = await import('mailparser');
  const each: Address[][] = [];
  // a forged message may repeat the header without end: a few are enough to decide
  for (const h of fromLines.slice(0, 10)) {
    const alone = await simpleParser(Buffer.from(`${h.line}\r\n\r\n`, 'latin1'), { skipTextToHtml: true });
    each.push(flatten(alone.from, h.line, each.length === 0 ? unusable : undefined));
  }
  const [first, ...rest] = each;
  return { first: first?.[0] ?? null, others: rest.flat() };
}

export async function parseEmail(input: Buffer): Promise<ParsedEmail> {
  const raw = headersAsUtf8(withoutLeadingBlankLines(input));
  // loaded on first use: starting the server needs only this module's helpers, not the parser
  const { simpleParser } = await import('mailparser');
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
  const messageId = ids[0] ?? `<${sha256(input)}@derived.threadline>`;
  const contentType = (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase();
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
    attachments: parsed.attachments.map(plainAttachment),
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
