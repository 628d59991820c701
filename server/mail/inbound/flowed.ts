/**
 * `format=flowed` text (RFC 3676), which Thunderbird, Apple Mail and many list clients send: a
 * line ending in a space goes on in the next line. mailparser's decoder (libmime's decodeFlowed)
 * joins lines without looking at their quote markers, so a quoted paragraph came out as
 * "> Perl has the macros in the main perl package rather than the > perl-devel package because…"
 * and an Outlook Express quote's blank "> " line swallowed the next ("> > > Issue #6779 …").
 * Here a line is joined only to the next line of the same quote depth, whose markers go; every
 * other rule is RFC 3676's (space-stuffing, "-- " is never flowed, DelSp).
 *
 * Works on the bytes as a binary string, before the charset is decoded (as mailparser calls it):
 * `>`, space and line breaks are the same byte in every charset mail uses.
 */
import { createRequire } from 'node:module';
import { log } from '../../log';

/** The quote markers at a line's start: `>` each, a blank after any of them (">> > " is depth 3). */
const QUOTE = /^(?:>[ \t]?)*/;

export function decodeFlowed(input: string, delSp = false): string {
  const lines = input.split(/\r?\n/);
  const out: string[] = [];
  let para: string[] | null = null;
  let paraDepth = -1;
  for (const line of lines) {
    const prefix = QUOTE.exec(line)?.[0] ?? '';
    const depth = count(prefix);
    let content = line.slice(prefix.length);
    // space-stuffing: a line of the top level that starts with a blank had one added
    if (depth === 0 && content.startsWith(' ')) content = content.slice(1);
    const flowed = content.endsWith(' ') && content !== '-- ';
    if (para !== null && depth === paraDepth) {
      para.push(content);
    } else {
      if (para !== null) out.push(para.join(''));
      para = [depth === 0 ? content : prefix + content];
      paraDepth = depth;
    }
    if (flowed) {
      // DelSp: the space was only added to break the line there
      if (delSp) para[para.length - 1] = (para[para.length - 1] as string).slice(0, -1);
    } else {
      out.push(para.join(''));
      para = null;
      paraDepth = -1;
    }
  }
  if (para !== null) out.push(para.join(''));
  return out.join('\n');
}

function count(prefix: string): number {
  let n = 0;
  for (let i = 0; i < prefix.length; i++) if (prefix.charCodeAt(i) === 0x3e) n++;
  return n;
}

let installed = false;

/**
 * Makes mailparser decode flowed text with `decodeFlowed` above: its flowed stream calls
 * libmime's `Libmime.prototype.decodeFlowed`, and offers no option to pass another decoder.
 */
export function useQuoteAwareFlowedDecoding(): void {
  if (installed) return;
  installed = true;
  try {
    // the libmime mailparser's mailsplit loads (there is one copy; resolved from mailsplit to be sure)
    const fromMailsplit = createRequire(createRequire(import.meta.url).resolve('@zone-eu/mailsplit/lib/flowed-decoder'));
    const libmime = fromMailsplit('libmime') as { Libmime?: { prototype?: { decodeFlowed?: unknown } } };
    const proto = libmime.Libmime?.prototype;
    if (!proto || typeof proto.decodeFlowed !== 'function') throw new Error('libmime has no Libmime.prototype.decodeFlowed');
    proto.decodeFlowed = (str: string, delSp?: boolean) => decodeFlowed(String(str ?? ''), Boolean(delSp));
  } catch (err) {
    // a mailparser upgrade moved what this replaces: its own decoder stays (quotes join less well), mail still comes in
    log.warn('format=flowed quotes are decoded by mailparser itself: its decoder could not be replaced', { err });
  }
}
