/**
 * Message bodies mailparser gets wrong, read again from the raw bytes: a multipart without
 * boundary lines, 8-bit text in a charset it does not declare, a part left open, uuencode.
 */
import { decode as decodeQuotedPrintable } from './quoted-printable';
import { decodeMislabelled, decodeUndeclared, decodeWindows1252, looksUtf8 } from './eight-bit';

/**
 * The text of a `multipart/*` message whose body has no boundary lines (a broken sender, or a
 * relay that rewrote the boundary): mailparser finds no parts in it, so its whole body is the text.
 */
export function bodyOfPartlessMultipart(raw: Buffer, transferEncoding: string): string | null {
  const sep = /\r?\n\r?\n/.exec(raw.subarray(0, 256 * 1024).toString('latin1'));
  if (!sep) return null;
  const encoded = raw.subarray(sep.index + sep[0].length);
  const te = transferEncoding.trim().toLowerCase();
  const body = te === 'base64' ? Buffer.from(encoded.toString('latin1'), 'base64') : te === 'quoted-printable' ? decodeQuotedPrintable(encoded.toString('latin1')) : encoded;
  // no charset applies to a multipart's own body: UTF-8 (one stray byte kept as U+FFFD), else Windows-1252
  return decodeUndeclared(body);
}

const UTF8_OR_ASCII = /^(?:utf-?8|us-?ascii|ascii|ansi_x3\.4-1968|)$/;

function knownCharset(charset: string): boolean {
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of a single-part `text/*` message whose bytes are not in the charset it declares: an
 * unknown name (`unknown-8bit`, `invalid-charset`), or none / US-ASCII over 8-bit Latin-1 bytes
 * (cron jobs, web forms, old clients). mailparser decodes those as UTF-8, every accented letter
 * becoming U+FFFD; here the bytes are read as the declared charset when it is one we know, else
 * as Windows-1252 (Latin-1's superset, what such mail nearly always is). Text that is valid
 * UTF-8, or declared UTF-8, is left to mailparser.
 */
export function bodyInDeclaredCharset(raw: Buffer, contentType: string, transferEncoding: string): string | null {
  const sep = /\r?\n\r?\n/.exec(raw.subarray(0, 256 * 1024).toString('latin1'));
  if (!sep) return null;
  const encoded = raw.subarray(sep.index + sep[0].length);
  const te = transferEncoding.trim().toLowerCase();
  const body = te === 'base64' ? Buffer.from(encoded.toString('latin1'), 'base64') : te === 'quoted-printable' ? decodeQuotedPrintable(encoded.toString('latin1')) : encoded;
  const charset = (/charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1] ?? '').toLowerCase();
  // A legacy charset is declared, the bytes are not in it (mailparser's reading has U+FFFD: we are
  // only asked then) and another charset reads them cleanly: a mislabelled part (a client that
  // declares the system's Big5 or GBK and writes UTF-8, or Shift_JIS under ISO-2022-JP). Read as
  // what it is.
  if (!UTF8_OR_ASCII.test(charset) && knownCharset(charset)) {
    const relabelled = decodeMislabelled(body, charset);
    if (relabelled !== null) return relabelled.replace(/\r\n?/g, '\n');
    // Latin-1 / Windows-1252 bytes are all text to mailparser, which reads them as Windows-1252
    // (its U+FFFD marks the five bytes that charset leaves unassigned). Node's decoder would make
    // 0x80–0x9F invisible control characters instead: Shift_JIS under a Latin-1 label lost every
    // Japanese character ("ピーター" showed as "s[^["). mailparser's reading stays.
    if (new TextDecoder(charset).encoding === 'windows-1252') return null;
  }
  // UTF-8, or UTF-8 with one broken byte (not Latin-1): mailparser's text is right
  if (looksUtf8(body)) return null;
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
