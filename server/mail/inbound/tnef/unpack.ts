/**
 * Outlook's winmail.dat opened up (runs in the render worker, with the parse): the files inside
 * become the message's attachments in its place, and its body becomes the message's body when
 * the MIME parts had none. A stream that cannot be read, or holds nothing, stays as it came (the
 * explanatory line is added later, see opaque-body.ts); a stream with a damaged checksum is used
 * but kept attached as well, so nothing is lost either way.
 */
import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types';
import type { ParsedAttachment, ParsedEmail } from '../parse';
import { MAX_FILES, readTnef, type TnefFile, type TnefMessage } from './read-tnef';

const TNEF_TYPE = /^application\/(?:vnd\.)?ms-tnef$/i;

export function isTnef(a: ParsedAttachment): boolean {
  return TNEF_TYPE.test(a.contentType) || /^winmail\.dat$/i.test(a.filename ?? '');
}

/** A well-formed type from the sender's Outlook, used when the name's extension tells nothing. */
const MIME_TAG = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

function contentTypeOf(f: TnefFile): string {
  const byName = f.filename ? detectMimeType(f.filename) : 'application/octet-stream';
  if (byName !== 'application/octet-stream') return byName;
  return f.mimeTag && MIME_TAG.test(f.mimeTag.trim()) ? f.mimeTag.trim().toLowerCase() : byName;
}

function asAttachment(f: TnefFile): ParsedAttachment {
  return { content: f.content, filename: f.filename, contentType: contentTypeOf(f), cid: f.cid ? `<${f.cid.replace(/^<|>$/g, '')}>` : undefined };
}

function decoded(a: ParsedAttachment): TnefMessage | null {
  try {
    const m = readTnef(a.content);
    return m.text || m.html || m.files.length > 0 ? m : null;
  } catch {
    // TnefError, or anything else a stream we misread makes us throw: the mail stays as it came
    return null;
  }
}

export function unpackTnef(parsed: ParsedEmail): ParsedEmail {
  if (!parsed.attachments.some(isTnef)) return parsed;
  let { text, html } = parsed;
  const hasBody = /\S/.test(text ?? '') || /\S/.test(html ?? '');
  let bodyTaken = false;
  const attachments: ParsedAttachment[] = [];
  let files = 0;
  for (const a of parsed.attachments) {
    const m = isTnef(a) ? decoded(a) : null;
    // (a message of many streams gets at most MAX_FILES files out of them; the rest stay streams)
    if (!m || files + m.files.length > MAX_FILES) {
      attachments.push(a);
      continue;
    }
    if (!hasBody && !bodyTaken && (m.text || m.html)) {
      ({ text, html } = m);
      bodyTaken = true;
    }
    files += m.files.length;
    attachments.push(...m.files.map(asAttachment));
    if (m.checksumMismatch) attachments.push(a);
  }
  return { ...parsed, text, html, attachments };
}
