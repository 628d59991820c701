/**
 * Compressed RTF (PR_RTF_COMPRESSED, [MS-OXRTFCP]): a 16-byte header, then LZ77 runs against a
 * 4 KiB ring dictionary that starts with a fixed RTF prefix. Every step reads at least one input
 * byte and the output is capped, so corrupt or hostile sizes end the loop, never extend it.
 * The CRC is not checked: a wrong one changes nothing a reader could rely on, the text is still
 * as good as the bytes are.
 */
import { TnefError } from './mapi-props';

const LZFU = 0x75465a4c; // 'LZFu'
const MELA = 0x414c454d; // 'MELA': stored uncompressed
export const RTF_PREFIX =
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx';

/** RTF is cut here: enough for any body a person writes, and images inside it are not read anyway. */
export const MAX_RTF_BYTES = 8 * 1024 * 1024;

export function decompressRtf(data: Uint8Array, maxOut = MAX_RTF_BYTES): Buffer {
  if (data.byteLength < 16) throw new TnefError('The compressed RTF is shorter than its header.');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const compSize = view.getUint32(0, true);
  const rawSize = view.getUint32(4, true);
  const type = view.getUint32(8, true);
  // compSize counts the bytes after itself
  const end = Math.min(data.byteLength, 4 + compSize);
  // two input bytes give at most 17 output bytes: a hostile raw size allocates nothing beyond that
  const limit = Math.min(rawSize, maxOut, Math.max(0, end - 16) * 9);
  if (type === MELA) return Buffer.from(data.subarray(16, Math.min(end, 16 + limit)));
  if (type !== LZFU) throw new TnefError('The compressed RTF has an unknown compression type.');
  const dict = new Uint8Array(4096);
  dict.set(Buffer.from(RTF_PREFIX, 'latin1'));
  let w = RTF_PREFIX.length;
  const out = Buffer.allocUnsafe(limit);
  let o = 0;
  let i = 16;
  outer: while (i < end && o < limit) {
    const control = data[i++] as number;
    for (let bit = 0; bit < 8; bit++) {
      if (i >= end || o >= limit) break outer;
      if ((control & (1 << bit)) === 0) {
        const c = data[i++] as number;
        out[o++] = c;
        dict[w] = c;
        w = (w + 1) & 0xfff;
        continue;
      }
      if (i + 1 >= end) break outer;
      const ref = ((data[i] as number) << 8) | (data[i + 1] as number);
      i += 2;
      const offset = ref >> 4;
      if (offset === w) break outer; // the end marker
      const len = (ref & 0xf) + 2;
      for (let k = 0; k < len && o < limit; k++) {
        const c = dict[(offset + k) & 0xfff] as number;
        out[o++] = c;
        dict[w] = c;
        w = (w + 1) & 0xfff;
      }
    }
  }
  return out.subarray(0, o);
}
