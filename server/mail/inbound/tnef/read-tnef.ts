/**
 * A TNEF stream (winmail.dat, application/ms-tnef; [MS-OXTNEF]) read into the body and files it
 * carries. The input is untrusted: every length is checked against the bytes left, counts are
 * capped, embedded messages nest at most MAX_DEPTH deep, and anything that does not hold
 * together throws TnefError, so the caller keeps the original attachment as it is.
 */
import { decompressRtf } from './compressed-rtf';
import { decodeCodepage } from './codepage';
import { PT, readProps, TnefError, type MapiProp } from './mapi-props';
import { rtfBody } from './rtf-body';

export { TnefError } from './mapi-props';

export const TNEF_SIGNATURE = 0x223e9f78;

/** Attribute ids (low 16 bits; the high 16 are the attribute's type, which we do not need). */
export const ATT = {
  BODY: 0x800c,
  ATTACH_DATA: 0x800f,
  ATTACH_TITLE: 0x8010,
  ATTACH_REND_DATA: 0x9002,
  MSG_PROPS: 0x9003,
  ATTACHMENT: 0x9005,
  OEM_CODEPAGE: 0x9007,
} as const;

/** MAPI property ids. */
export const PR = {
  SUBJECT: 0x0037,
  BODY: 0x1000,
  RTF_COMPRESSED: 0x1009,
  BODY_HTML: 0x1013,
  DISPLAY_NAME: 0x3001,
  ATTACH_DATA: 0x3701,
  ATTACH_FILENAME: 0x3704,
  ATTACH_METHOD: 0x3705,
  ATTACH_LONG_FILENAME: 0x3707,
  ATTACH_MIME_TAG: 0x370e,
  ATTACH_CONTENT_ID: 0x3712,
  INTERNET_CPID: 0x3fde,
  MESSAGE_CODEPAGE: 0x3ffd,
} as const;

const ATTACH_EMBEDDED_MSG = 5;

/** More attributes than any real stream has (a few per message, about ten per attachment). */
export const MAX_ATTRIBUTES = 20_000;
/** Files taken from one stream, embedded messages included. */
export const MAX_FILES = 500;
/** Messages inside messages inside the stream (forwarded as attachments). */
export const MAX_DEPTH = 3;
/** Characters of body text or HTML taken from a stream. */
export const MAX_BODY_CHARS = 2_000_000;

export interface TnefFile {
  filename: string | undefined;
  /** PR_ATTACH_MIME_TAG as the sender's Outlook gave it */
  mimeTag: string | undefined;
  cid: string | undefined;
  content: Buffer;
}

export interface TnefMessage {
  subject: string | undefined;
  text: string | null;
  html: string | null;
  files: TnefFile[];
  /** an attribute's checksum did not match its data: the bytes may be damaged */
  checksumMismatch: boolean;
}

interface Attachment {
  title?: Uint8Array;
  data?: Uint8Array;
  props: MapiProp[];
}

interface Budget {
  files: number;
}

export function readTnef(data: Uint8Array): TnefMessage {
  return readMessage(data, 0, { files: 0 });
}

function readMessage(data: Uint8Array, depth: number, budget: Budget): TnefMessage {
  if (depth > MAX_DEPTH) throw new TnefError(`Messages are nested more than ${MAX_DEPTH} deep.`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 6 || view.getUint32(0, true) !== TNEF_SIGNATURE) throw new TnefError('This is no TNEF stream (its signature is missing).');
  let p = 6; // signature and the legacy key
  let count = 0;
  let oemCodepage: number | undefined;
  let attBody: Uint8Array | undefined;
  let msgProps: MapiProp[] = [];
  let checksumMismatch = false;
  const attachments: Attachment[] = [];
  while (p < data.byteLength) {
    if (++count > MAX_ATTRIBUTES) throw new TnefError(`The stream has more than ${MAX_ATTRIBUTES} attributes.`);
    if (p + 9 > data.byteLength) throw new TnefError('An attribute header is cut off.');
    const level = data[p] as number;
    const id = view.getUint16(p + 1, true);
    const length = view.getUint32(p + 5, true);
    p += 9;
    if (length > data.byteLength - p - 2) throw new TnefError(`An attribute claims ${length} bytes, more than the stream has left.`);
    const value = data.subarray(p, p + length);
    p += length;
    if (view.getUint16(p, true) !== checksum(value)) checksumMismatch = true;
    p += 2;
    if (level === 1) {
      if (id === ATT.BODY) attBody = value;
      else if (id === ATT.MSG_PROPS) msgProps = readProps(value);
      else if (id === ATT.OEM_CODEPAGE && length >= 4) oemCodepage = new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true);
    } else if (level === 2) {
      if (id === ATT.ATTACH_REND_DATA || attachments.length === 0) {
        if (attachments.length >= MAX_FILES) throw new TnefError(`The stream has more than ${MAX_FILES} attachments.`);
        attachments.push({ props: [] });
      }
      const a = attachments[attachments.length - 1] as Attachment;
      if (id === ATT.ATTACH_DATA) a.data = value;
      else if (id === ATT.ATTACH_TITLE) a.title = value;
      else if (id === ATT.ATTACHMENT) a.props = readProps(value);
    } else throw new TnefError(`An attribute has the unknown level ${level}.`);
  }
  const cp = numberProp(msgProps, PR.MESSAGE_CODEPAGE) ?? oemCodepage;
  const body = messageBody(msgProps, attBody, cp);
  const files: TnefFile[] = [];
  for (const a of attachments) files.push(...attachmentFiles(a, oemCodepage, depth, budget));
  const subject = stringProp(msgProps, PR.SUBJECT, cp);
  return { subject, ...body, files, checksumMismatch };
}

/** The attribute checksum: the sum of its data bytes, modulo 65536. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.byteLength; i++) sum += bytes[i] as number;
  return sum & 0xffff;
}

function prop(props: MapiProp[], id: number): MapiProp | undefined {
  return props.find((x) => x.id === id);
}

function numberProp(props: MapiProp[], id: number): number | undefined {
  const v = prop(props, id)?.value;
  return typeof v === 'number' ? v : undefined;
}

/** A text property: UTF-16 as read, 8-bit text in the code page; NULs at the end dropped. */
function stringProp(props: MapiProp[], id: number, codepage: number | undefined): string | undefined {
  const v = prop(props, id)?.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return decodeCodepage(withoutTrailingNul(v), codepage);
  return undefined;
}

function withoutTrailingNul(b: Uint8Array): Uint8Array {
  let n = b.byteLength;
  while (n > 0 && b[n - 1] === 0) n--;
  return b.subarray(0, n);
}

function cut(text: string | null | undefined): string | null {
  if (!text || !/\S/.test(text.slice(0, MAX_BODY_CHARS))) return null;
  return text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
}

/** The body: PR_BODY_HTML and PR_BODY (or attBody) as sent, else what the compressed RTF holds. */
function messageBody(props: MapiProp[], attBody: Uint8Array | undefined, codepage: number | undefined): { text: string | null; html: string | null } {
  const htmlCp = numberProp(props, PR.INTERNET_CPID) ?? codepage;
  let html = cut(stringProp(props, PR.BODY_HTML, htmlCp));
  let text = cut(stringProp(props, PR.BODY, codepage) ?? (attBody ? decodeCodepage(withoutTrailingNul(attBody), codepage) : undefined));
  const rtf = prop(props, PR.RTF_COMPRESSED)?.value;
  if (!html && !text && rtf instanceof Uint8Array) {
    const r = rtfBody(decompressRtf(rtf), MAX_BODY_CHARS);
    html = cut(r.html);
    text = cut(r.text);
  }
  return { text, html };
}

function attachmentFiles(a: Attachment, oemCodepage: number | undefined, depth: number, budget: Budget): TnefFile[] {
  const name =
    stringProp(a.props, PR.ATTACH_LONG_FILENAME, oemCodepage) ||
    (a.title ? decodeCodepage(withoutTrailingNul(a.title), oemCodepage) : undefined) ||
    stringProp(a.props, PR.ATTACH_FILENAME, oemCodepage) ||
    stringProp(a.props, PR.DISPLAY_NAME, oemCodepage);
  const data = prop(a.props, PR.ATTACH_DATA);
  if (numberProp(a.props, PR.ATTACH_METHOD) === ATTACH_EMBEDDED_MSG && data?.type === PT.OBJECT && data.value instanceof Uint8Array) {
    // an attached Outlook item: its own TNEF stream after the 16-byte interface id
    return embeddedFiles(readMessage(data.value.subarray(16), depth + 1, budget), name, budget);
  }
  const bytes = a.data ?? (data?.value instanceof Uint8Array ? data.value : undefined);
  if (!bytes) return [];
  if (++budget.files > MAX_FILES) throw new TnefError(`The stream has more than ${MAX_FILES} files.`);
  return [
    {
      filename: plainName(name),
      mimeTag: stringProp(a.props, PR.ATTACH_MIME_TAG, oemCodepage),
      cid: stringProp(a.props, PR.ATTACH_CONTENT_ID, oemCodepage),
      content: Buffer.from(bytes), // a copy: a view would carry the whole stream along wherever it goes
    },
  ];
}

/** An attached message becomes its text as a file (named after it), followed by its own files. */
function embeddedFiles(m: TnefMessage, name: string | undefined, budget: Budget): TnefFile[] {
  const title = plainName(name) ?? plainName(m.subject) ?? 'message';
  const body = m.text ?? m.html;
  const out: TnefFile[] = [];
  if (body) {
    if (++budget.files > MAX_FILES) throw new TnefError(`The stream has more than ${MAX_FILES} files.`);
    const html = m.text === null;
    out.push({ filename: `${title}.${html ? 'html' : 'txt'}`, mimeTag: html ? 'text/html' : 'text/plain', cid: undefined, content: Buffer.from(body, 'utf8') });
  }
  return out.concat(m.files);
}

/** A file name without the folders some writers leave in it. */
function plainName(name: string | undefined): string | undefined {
  const base = name?.split(/[\\/]/).pop()?.replace(/[\x00-\x1f\x7f]/g, '').trim();
  return base || undefined;
}
