/**
 * The text of an RTF body: the HTML Outlook encapsulated in it (`\fromhtml1`, [MS-OXRTFEX]), else
 * the plain text an RTF reader would show. One linear pass: groups nested deeper than
 * MAX_GROUP_DEPTH share their parent's state, `\bin` skips at most what is there, and the output
 * stops at `maxChars`. Per-font code pages (`\fN` with `\fcharset`) are not followed: `\'hh` bytes
 * are read in the document's `\ansicpg`.
 */
import { decodeCodepage } from './codepage';

export interface RtfBody {
  /** set when the RTF encapsulates HTML */
  html: string | null;
  /** the readable text otherwise */
  text: string | null;
}

const MAX_GROUP_DEPTH = 256;

/** Destinations whose content is no text a reader sees. */
const SKIPPED = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'header', 'footer', 'headerl', 'headerr', 'headerf',
  'footerl', 'footerr', 'footerf', 'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'xmlnstbl', 'themedata',
  'colorschememapping', 'latentstyles', 'datastore', 'fldinst', 'revtbl', 'filetbl', 'pgdsctbl', 'nonshppict',
  'shppict', 'bkmkstart', 'bkmkend', 'userprops', 'docvar', 'mhtmltag', 'annotation', 'atnid', 'atnauthor', 'ftnsep',
]);

const SYMBOLS: Record<string, string> = {
  emdash: '—', endash: '–', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”', bullet: '•', emspace: ' ', enspace: ' ',
};

interface State {
  skip: boolean;
  htmlrtf: boolean;
  /** inside `{\*\htmltag…}`: encapsulated HTML markup */
  tag: boolean;
  uc: number;
}

export function rtfBody(rtf: Uint8Array, maxChars: number): RtfBody {
  const s = Buffer.from(rtf.buffer, rtf.byteOffset, rtf.byteLength).toString('latin1');
  const head = s.slice(0, 2048);
  const html = /\\fromhtml\d*/.test(head);
  let codepage = Number(/\\ansicpg(\d{1,5})/.exec(head)?.[1] ?? 1252);
  let out = '';
  // 8-bit characters wait here to be read in the code page together (a DBCS letter is two)
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    out += decodeCodepage(Uint8Array.from(bytes), codepage);
    bytes = [];
  };
  let state: State = { skip: false, htmlrtf: false, tag: false, uc: 1 };
  const stack: State[] = [];
  let overflow = 0;
  let groupStart = false;
  let starred = false;
  let skipChars = 0;
  const visible = () => !state.skip && (!html || state.tag || !state.htmlrtf);
  const emit = (text: string) => {
    if (!visible()) return;
    flush();
    out += text;
  };
  const emitByte = (b: number) => {
    if (skipChars > 0) {
      skipChars--;
      return;
    }
    if (!visible()) return;
    if (b < 0x80 && bytes.length === 0) out += String.fromCharCode(b);
    else bytes.push(b);
  };
  const n = s.length;
  let i = 0;
  while (i < n && out.length < maxChars) {
    const c = s.charCodeAt(i);
    if (c === 0x7b) {
      if (stack.length < MAX_GROUP_DEPTH) {
        stack.push(state);
        state = { ...state };
      } else overflow++;
      groupStart = true;
      starred = false;
      skipChars = 0;
      i++;
      continue;
    }
    if (c === 0x7d) {
      if (overflow > 0) overflow--;
      else state = stack.pop() ?? state;
      groupStart = false;
      skipChars = 0;
      i++;
      continue;
    }
    if (c === 0x0d || c === 0x0a) {
      i++;
      continue;
    }
    if (c !== 0x5c) {
      emitByte(c);
      groupStart = false;
      i++;
      continue;
    }
    // a control word: letters, an optional number, an optional space that belongs to it
    const d = s.charCodeAt(i + 1);
    const isLetter = (d >= 0x61 && d <= 0x7a) || (d >= 0x41 && d <= 0x5a);
    if (!isLetter) {
      i += 2;
      const first: boolean = groupStart;
      groupStart = false;
      if (d === 0x27) {
        const hex = s.slice(i, i + 2);
        i += 2;
        if (/^[0-9a-fA-F]{2}$/.test(hex)) emitByte(parseInt(hex, 16));
      } else if (d === 0x2a) {
        starred = first;
        groupStart = first;
      } else if (d === 0x5c || d === 0x7b || d === 0x7d) emitByte(d);
      else if (d === 0x7e) emit('\u00a0');
      else if (d === 0x5f) emit('-');
      else if (d === 0x0a || d === 0x0d) emit('\n');
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const e = s.charCodeAt(j);
      if (!((e >= 0x61 && e <= 0x7a) || (e >= 0x41 && e <= 0x5a))) break;
      j++;
    }
    // no control word is longer than 32 letters: a longer one is no word we know, and copies nothing
    const word = j - i > 33 ? '' : s.slice(i + 1, j);
    let k = j;
    if (s.charCodeAt(k) === 0x2d) k++;
    while (k < n && k - j <= 10 && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39) k++;
    const param = k > j && s.slice(j, k) !== '-' ? Number(s.slice(j, k)) : null;
    i = s.charCodeAt(k) === 0x20 ? k + 1 : k;
    const first: boolean = groupStart;
    const wasStarred: boolean = starred;
    groupStart = false;
    starred = false;
    if (first && (SKIPPED.has(word) || (wasStarred && !(html && word === 'htmltag')))) {
      state.skip = true;
      continue;
    }
    switch (word) {
      case 'htmltag':
        if (first) state.tag = true;
        break;
      case 'htmlrtf':
        flush();
        state.htmlrtf = param !== 0;
        break;
      case 'ansicpg':
        if (param !== null) {
          flush();
          codepage = param;
        }
        break;
      case 'uc':
        if (param !== null && param >= 0 && param <= 10) state.uc = param;
        break;
      case 'u':
        if (param !== null) {
          if (visible()) emit(String.fromCharCode(param < 0 ? param + 65536 : param & 0xffff));
          skipChars = state.uc;
        }
        break;
      case 'bin':
        // binary data: skipped whole, whatever group it is in
        i = Math.min(n, i + Math.max(0, param ?? 0));
        break;
      case 'par':
      case 'line':
      case 'sect':
      case 'page':
      case 'row':
        emit('\n');
        break;
      case 'tab':
      case 'cell':
        emit('\t');
        break;
      default:
        if (SYMBOLS[word]) emit(SYMBOLS[word]);
    }
  }
  flush();
  const body = out.slice(0, maxChars);
  return html ? { html: body, text: null } : { html: null, text: body.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim() };
}
