/**
 * Bytes whose charset nobody declared (an 8-bit header, a body without charset): UTF-8 when they
 * are UTF-8, else Windows-1252 (Latin-1's superset, what such mail nearly always is).
 */

/**
 * Whether the bytes hold a valid multi-byte UTF-8 sequence (Latin-1 text practically never does);
 * `minBytes` 3: one of three or four bytes (CJK, €), which a double-byte charset rarely forms.
 */
export function hasUtf8Sequence(b: Uint8Array, minBytes = 2): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c < (minBytes > 2 ? 0xe0 : 0xc2) || c > 0xf4) continue;
    const n = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
    if (i + n >= b.length) continue;
    const c1 = b[i + 1] as number;
    // the second byte's range rules out overlong forms, surrogates and code points past U+10FFFF
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) continue;
    let ok = true;
    for (let k = 2; k <= n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) ok = false;
    if (ok) return true;
  }
  return false;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a short run of bytes is valid UTF-8, without the cost of a thrown error per call. */
function isShortUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c < 0xc2 || c > 0xf4) return false;
    const n = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
    if (i + n >= b.length) return false;
    const c1 = b[i + 1] as number;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) return false;
    for (let k = 2; k <= n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return false;
    i += n + 1;
  }
  return true;
}

export function isUtf8(b: Uint8Array): boolean {
  if (b.length < 4096) return isShortUtf8(b);
  try {
    strictUtf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether undeclared bytes are UTF-8: valid UTF-8, or UTF-8 with a stray byte (a web form's
 * truncated field), which must keep every other letter ("Grüße", not "GrÃ¼Ãe") with a U+FFFD
 * for that byte alone.
 */
export function looksUtf8(b: Uint8Array): boolean {
  return isUtf8(b) || hasUtf8Sequence(b);
}

/**
 * What a client that mislabels its text nearly always wrote instead: Japanese mail programs label
 * Shift_JIS (or EUC-JP) text ISO-2022-JP, the charset Japanese mail is meant to travel in. EUC-JP
 * is tried first: its decoder refuses Shift_JIS's lead bytes 0x81–0x9F (kana, punctuation, most
 * kanji), while Shift_JIS would read EUC-JP as half-width katakana.
 */
const LIKELY_REAL: Record<string, string[]> = {
  'iso-2022-jp': ['euc-jp', 'shift_jis'],
  'euc-jp': ['shift_jis'],
};

/**
 * Bytes in the charset their label names, or rather in the one they are: when the labelled
 * charset (one we know, not UTF-8) reads them with U+FFFD and another decodes them cleanly, that
 * other's text: UTF-8 through and through (a client that labels its UTF-8 with the system's Big5
 * or GBK), else the charset such a label usually hides (LIKELY_REAL). Null when the label reads
 * them cleanly or nothing else does: the caller keeps its reading.
 */
export function decodeMislabelled(bytes: Uint8Array, label: string): string | null {
  let declared: TextDecoder;
  try {
    declared = new TextDecoder(label.trim().toLowerCase());
  } catch {
    return null;
  }
  if (declared.encoding === 'utf-8' || !declared.decode(bytes).includes('\uFFFD')) return null;
  if (isUtf8(bytes) && hasUtf8Sequence(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  for (const other of LIKELY_REAL[declared.encoding] ?? []) {
    try {
      const text = new TextDecoder(other, { fatal: true }).decode(bytes);
      if (!NOT_TEXT.test(text)) return text;
    } catch {
      // not this one either
    }
  }
  return null;
}

/**
 * What a clean reading never holds: C1 controls (ICU's EUC-JP decoder, even a fatal one, turns
 * Shift_JIS lead bytes into U+0080–U+009F instead of failing), private-use characters (Shift_JIS
 * reads unassigned lead bytes so) and U+FFFD.
 */
const NOT_TEXT = /[\u0080-\u009f\ue000-\uf8ff\ufffd]/;

/** Windows-1252's letters at 0x80–0x9F (unassigned bytes stay the C1 control they are in Latin-1). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * Windows-1252 text. Node's TextDecoder('windows-1252') reads the bytes as ISO-8859-1, so "€"
 * (0x80) and typographic quotes came out as invisible control characters.
 */
export function decodeWindows1252(b: Uint8Array): string {
  const latin1 = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(latin1) ? latin1.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string) : latin1;
}

/** Undeclared bytes as text: UTF-8 when they look it, else Windows-1252. */
export function decodeUndeclared(b: Uint8Array): string {
  return looksUtf8(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8') : decodeWindows1252(b);
}

/**
 * Whether an 8-bit header field is UTF-8: its valid multi-byte sequences outnumber its other
 * high bytes. Whole-field UTF-8 passes, and so does UTF-8 with one stray byte (a truncated web
 * form field: only that byte is lost); a Windows-1252 field with one accidental pair (an upper-case
 * accented letter before a typographic quote, `É’`) among its other accented letters does not.
 */
export function headerLooksUtf8(b: Uint8Array): boolean {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c < 0xc2 || c > 0xf4 ? -1 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
    let ok = n > 0 && i + n < b.length;
    if (ok) {
      const c1 = b[i + 1] as number;
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      ok = c1 >= lo && c1 <= hi;
      for (let k = 2; ok && k <= n; k++) ok = ((b[i + k] as number) & 0xc0) === 0x80;
    }
    if (ok) {
      valid++;
      i += n + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return valid > invalid;
}

/** Double-byte charsets, as TextDecoder names them */
const DOUBLE_BYTE = new Set(['gbk', 'gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr']);

/** mailparser reads no header block past this size either (mailsplit's limit). */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Charsets our Windows-1252 reading already covers (and Node's TextDecoder reads as ISO-8859-1). */
const LATIN1_OR_UTF8 = /^(?:utf-?8|us-?ascii|ascii|ansi_x3\.4-1968|iso-?8859-1|latin-?1|l1|windows-1252|cp-?1252|x-cp1252)$/;

/**
 * The decoder for the charset the message's own Content-Type declares (`text/plain; charset=koi8-r`),
 * when it is a legacy charset other than Latin-1: raw 8-bit header fields in such a message are
 * nearly always in it too (Thunderbird reads them so). Fatal, so bytes that are not in it fall
 * back to Windows-1252 instead of becoming U+FFFD.
 */
function declaredDecoder(raw: Buffer, fields: [number, number][]): TextDecoder | null {
  for (const [start, stop] of fields) {
    if (stop - start > 2000 || (raw[start] !== 0x43 && raw[start] !== 0x63)) continue;
    const field = raw.subarray(start, stop).toString('latin1');
    if (!/^content-type:/i.test(field)) continue;
    const charset = (/;\s*charset\s*=\s*"?([\w.:-]{1,40})/i.exec(field)?.[1] ?? '').toLowerCase();
    if (!charset || LATIN1_OR_UTF8.test(charset)) return null;
    try {
      return new TextDecoder(charset, { fatal: true });
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The message with its top-level header fields in UTF-8. A header with raw 8-bit bytes and no
 * RFC 2047 encoding (web forms, old clients: `From: Jürgen Weiß` in Latin-1) was read by
 * mailparser as UTF-8, every accented letter becoming U+FFFD in the name and subject shown to
 * agents. Each such field is decided alone, as a body is: UTF-8 stays (headerLooksUtf8), else it
 * is read in the charset the message declares for its body when that is a legacy one (KOI8-R,
 * Shift_JIS, …) and the bytes are valid in it, else as Windows-1252; and re-encoded as UTF-8.
 * A message whose headers are ASCII (nearly all) is returned as it is.
 */
export function headersAsUtf8(raw: Buffer): Buffer {
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  let end = limit;
  let high = false;
  for (let i = 0; i < limit; i++) {
    const c = raw[i] as number;
    if (c >= 0x80) high = true;
    // the blank line ending the header block: "\n\n" or "\n\r\n"
    else if (c === 0x0a && (raw[i + 1] === 0x0a || (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a))) {
      end = i + 1;
      break;
    }
  }
  if (!high) return raw;
  // one field: a line and the folded lines after it (those starting with a space or tab)
  const fields: [number, number][] = [];
  for (let start = 0; start < end; ) {
    let stop = start;
    for (;;) {
      const nl = raw.indexOf(0x0a, stop);
      stop = nl < 0 || nl >= end ? end : nl + 1;
      if (stop >= end || (raw[stop] !== 0x20 && raw[stop] !== 0x09)) break;
    }
    fields.push([start, stop]);
    start = stop;
  }
  let declared = declaredDecoder(raw, fields);
  // Windows-1252 takes at most 3 bytes a character in UTF-8 (€ and the like), and so does any
  // legacy charset (a 2-byte Shift_JIS character is 3 bytes in UTF-8, a 4-byte GB18030 one 4)
  const out = Buffer.allocUnsafe(end * 3 + (raw.length - end));
  let size = 0;
  let changed = false;
  for (const [start, stop] of fields) {
    const field = raw.subarray(start, stop);
    let fieldHigh = false;
    for (let i = 0; i < field.length && !fieldHigh; i++) fieldHigh = (field[i] as number) >= 0x80;
    // In a double-byte charset (GBK, Big5, Shift_JIS, EUC) many two-character names are also
    // valid two-byte UTF-8 (郑伟 in GBK reads as "֣ΰ"): there the declared charset comes first,
    // unless the field holds a three-byte UTF-8 sequence (UTF-8 CJK), which such text rarely forms.
    const doubleByteFirst = declared !== null && DOUBLE_BYTE.has(declared.encoding) && !hasUtf8Sequence(field, 3);
    if (!fieldHigh || (!doubleByteFirst && headerLooksUtf8(field))) {
      size += field.copy(out, size);
      continue;
    }
    if (declared) {
      try {
        const text = declared.decode(field);
        changed = true;
        size += out.write(text, size, 'utf8');
        continue;
      } catch {
        // not in the declared charset after all: no field is tried in it again (one thrown
        // error, not one per field of a hostile header block)
        declared = null;
      }
    }
    if (headerLooksUtf8(field)) {
      size += field.copy(out, size);
      continue;
    }
    changed = true;
    size = writeWindows1252AsUtf8(field, out, size);
  }
  if (!changed) return raw;
  size += raw.copy(out, size, end);
  return out.subarray(0, size);
}

/** Windows-1252 bytes written into `out` at `at` as UTF-8; returns the new end. */
function writeWindows1252AsUtf8(bytes: Uint8Array, out: Buffer, at: number): number {
  let p = at;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    const code = c >= 0x80 && c <= 0x9f ? CP1252_HIGH.charCodeAt(c - 0x80) : c;
    if (code < 0x80) out[p++] = code;
    else if (code < 0x800) {
      out[p++] = 0xc0 | (code >> 6);
      out[p++] = 0x80 | (code & 0x3f);
    } else {
      out[p++] = 0xe0 | (code >> 12);
      out[p++] = 0x80 | ((code >> 6) & 0x3f);
      out[p++] = 0x80 | (code & 0x3f);
    }
  }
  return p;
}
