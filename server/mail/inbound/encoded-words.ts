/**
 * RFC 2047 encoded words (`=?ISO-2022-JP?B?…?=`) whose bytes are not in the charset they name.
 * Japanese mail programs write Shift_JIS under an ISO-2022-JP label: mailparser then shows the
 * sender's name and the subject as "���cc[[[ EXAMPLE" where Thunderbird and Zammad show
 * "ツール EXAMPLE". Such words are re-decoded the way a mislabelled body is (decodeMislabelled)
 * and written back as UTF-8 words before mailparser reads the header block.
 */
import { decodeMislabelled } from './eight-bit';
import { decode as decodeQuotedPrintable } from './quoted-printable';

/** mailparser reads no header block past this size either (mailsplit's limit). */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * One encoded word. The text stops at the first `?` or blank, so each attempt scans only to the
 * next `?`: one linear pass over any header block.
 */
const ENCODED_WORD = /=\?([A-Za-z0-9_.:-]{1,40})(?:\*[A-Za-z0-9-]{1,20})?\?([BbQq])\?([^?\s]*)\?=/g;

/** No real header block has more encoded words than this; past it the rest is left to mailparser. */
const MAX_GROUPS = 500;

/** Labels whose bytes we never second-guess: UTF-8, ASCII and Latin-1 (which reads any byte). */
const TRUSTED = /^(?:utf-?8|us-?ascii|ascii|iso-?8859-\d{1,2}|latin-?\d|windows-125\d|cp-?125\d)$/i;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'b' || encoding === 'B') return Buffer.from(text, 'base64');
  return decodeQuotedPrintable(text.replace(/_/g, ' '));
}

/**
 * The message with the top-level header block's mislabelled encoded words rewritten as UTF-8
 * ones; as it is when it has none (nearly always: one `indexOf`). Adjacent words of one charset
 * are decided together, as mailparser joins them (a client may split a two-byte character
 * between them).
 */
export function encodedWordsRelabelled(raw: Buffer): Buffer {
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  let end = limit;
  for (let i = raw.indexOf(0x0a); i >= 0 && i < limit; i = raw.indexOf(0x0a, i + 1)) {
    if (raw[i + 1] === 0x0a || (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a)) {
      end = i + 1;
      break;
    }
  }
  const head = raw.subarray(0, end).toString('latin1');
  if (!head.includes('=?')) return raw;
  const pieces: string[] = [];
  let copied = 0;
  let changed = false;
  type Word = { start: number; stop: number; bytes: Buffer };
  let group: Word[] = [];
  let groupCharset = '';
  let groups = 0;
  const flush = () => {
    const first = group[0];
    const last = group[group.length - 1];
    if (first && last && !TRUSTED.test(groupCharset) && groups++ < MAX_GROUPS) {
      const text = decodeMislabelled(Buffer.concat(group.map((w) => w.bytes)), groupCharset);
      if (text !== null) {
        pieces.push(head.slice(copied, first.start), `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`);
        copied = last.stop;
        changed = true;
      }
    }
    group = [];
  };
  ENCODED_WORD.lastIndex = 0;
  for (let m = ENCODED_WORD.exec(head); m; m = ENCODED_WORD.exec(head)) {
    const charset = (m[1] as string).toLowerCase();
    const previous = group[group.length - 1];
    // the next word of a group: same charset, nothing but blanks (a folded line) between them
    if (!previous || charset !== groupCharset || !/^[ \t\r\n]*$/.test(head.slice(previous.stop, m.index))) {
      flush();
      groupCharset = charset;
    }
    group.push({ start: m.index, stop: m.index + m[0].length, bytes: wordBytes(m[2] as string, m[3] as string) });
  }
  flush();
  if (!changed) return raw;
  pieces.push(head.slice(copied));
  return Buffer.concat([Buffer.from(pieces.join(''), 'latin1'), raw.subarray(end)]);
}
