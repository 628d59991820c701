/**
 * Text in a Windows code page, as TNEF and RTF name them (attOemCodepage, PR_INTERNET_CPID,
 * `\ansicpg`). Unknown or missing code pages are read like undeclared mail bytes.
 */
import { decodeUndeclared, decodeWindows1252 } from '../eight-bit';

const LABELS: Record<number, string> = {
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1200: 'utf-16le',
  1201: 'utf-16be',
  20866: 'koi8-r',
  21866: 'koi8-u',
  50220: 'iso-2022-jp',
  50221: 'iso-2022-jp',
  50222: 'iso-2022-jp',
  51932: 'euc-jp',
  51949: 'euc-kr',
  54936: 'gb18030',
  65001: 'utf-8',
};

function label(codepage: number): string | undefined {
  if (LABELS[codepage]) return LABELS[codepage];
  if (codepage >= 1250 && codepage <= 1258) return `windows-${codepage}`;
  if (codepage >= 28591 && codepage <= 28606) return `iso-8859-${codepage - 28590}`;
  return undefined;
}

/** Bytes in `codepage` as text; ASCII and unknown code pages fall back to the undeclared-bytes rule. */
export function decodeCodepage(bytes: Uint8Array, codepage: number | undefined): string {
  if (codepage === 1252 || codepage === 28591) return decodeWindows1252(bytes);
  const name = codepage === undefined ? undefined : label(codepage);
  if (name) {
    try {
      return new TextDecoder(name).decode(bytes);
    } catch {
      // a label this Node's ICU lacks: read as undeclared below
    }
  }
  return decodeUndeclared(bytes);
}
