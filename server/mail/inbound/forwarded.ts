/**
 * Finds forwarded `message/rfc822` parts and returns their bytes, so a forwarded email is kept
 * as an .eml attachment (mailparser dissolves it into the outer message).
 */
import { decode as decodeQp } from './quoted-printable';

export interface ForwardedPart {
  raw: Buffer;
  subject: string;
}

function splitHeadersAndBody(part: Buffer): { headers: string; body: Buffer } {
  const text = part.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { headers: text, body: Buffer.alloc(0) };
  return { headers: text.slice(0, m.index), body: part.subarray(m.index + m[0].length) };
}

function header(headers: string, name: string): string {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
  return re.exec(unfolded)?.[1]?.trim() ?? '';
}

function param(value: string, name: string): string | null {
  const m = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function decodeBody(body: Buffer, cte: string): Buffer {
  const enc = cte.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') return decodeQp(body.toString('latin1'));
  return body;
}

/** RFC 2047 encoded-words (`=?charset?B|Q?…?=`) decoded; undecodable ones are left as they are. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, '$1')
    .replace(/=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g, (word, charset: string, enc: string, text: string) => {
      try {
        const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQp(text.replace(/_/g, ' '));
        return new TextDecoder(charset.toLowerCase()).decode(bytes);
      } catch {
        return word;
      }
    });
}

/** The decoded Subject of a message's bytes (its header block only is read). */
export function subjectOf(message: Buffer): string {
  const { headers } = splitHeadersAndBody(message.subarray(0, 64 * 1024));
  return decodeEncodedWords(header(headers, 'Subject'));
}

export function findForwarded(raw: Buffer, depth = 0, out: ForwardedPart[] = []): ForwardedPart[] {
  if (depth > 8) return out;
  if (depth === 0 && raw.indexOf('message/rfc822', 0, 'latin1') < 0 && raw.indexOf('MESSAGE/RFC822', 0, 'latin1') < 0) return out;
  const { headers, body } = splitHeadersAndBody(raw);
  const ctype = header(headers, 'Content-Type');
  const type = ctype.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'message/rfc822' && depth > 0) {
    const inner = decodeBody(body, header(headers, 'Content-Transfer-Encoding'));
    const innerSubject = subjectOf(inner);
    out.push({ raw: inner, subject: innerSubject || 'forwarded message' });
    return out;
  }
  if (!type.startsWith('multipart/')) return out;
  const boundary = param(ctype, 'boundary');
  if (!boundary) return out;
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const pieces = text.split(new RegExp(`\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
  // pieces[0] is the preamble; the last one after the closing delimiter is the epilogue
  for (const piece of pieces.slice(1)) {
    if (!piece.trim()) continue;
    findForwarded(Buffer.from(piece, 'latin1'), depth + 1, out);
  }
  return out;
}
