import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressRtf } from '../../../testing/tnef-encoder';
import { decompressRtf, RTF_PREFIX } from './compressed-rtf';
import { TnefError } from './mapi-props';
import { rtfBody } from './rtf-body';
import { quickly } from '../../../testing/hostile-inputs';


test('LZFu: what the encoder wrote comes back byte for byte, past the 4 KiB ring and with references into its prefix', () => {
  assert.equal(RTF_PREFIX.length, 207, 'the dictionary prefix of [MS-OXRTFCP]');
  let seed = 7;
  const words = ['\\par ', 'invoice ', 'the ', '{\\b bold} ', 'Rechnung ', '\\tab ', 'MS Sans Serif', '\\\'e9 '];
  let text = '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}';
  while (text.length < 20_000) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    text += words[seed % words.length];
  }
  text += '}';
  const packed = compressRtf(text);
  assert.ok(packed.length < text.length / 2, `compressed ${text.length} to ${packed.length} bytes`);
  assert.equal(decompressRtf(packed).toString('latin1'), text);
});

test('LZFu, hostile: a 4 GB raw size, references only, a cut stream, an unknown type: bounded output, quickly', () => {
  const packed = compressRtf('{\\rtf1 hello}', { rawSize: 0xffffffff });
  assert.equal(decompressRtf(packed).toString('latin1'), '{\\rtf1 hello}');
  // a megabyte of references (0xff control bytes and 0xffff pairs, never the end marker)
  const refs = Buffer.concat([packed.subarray(0, 16), Buffer.alloc(1024 * 1024, 0xff)]);
  refs.writeUInt32LE(refs.length - 4, 0);
  // (a run of one reference ends when the ring's write position comes round to it: 53,040 bytes here)
  assert.equal(quickly(500, () => decompressRtf(refs)).length, 53_040);
  assert.equal(decompressRtf(refs, 10_000).length, 10_000, 'cut at the cap');
  for (let cut = 0; cut < packed.length; cut++) {
    try {
      decompressRtf(packed.subarray(0, cut));
    } catch (err) {
      assert.ok(err instanceof TnefError);
    }
  }
  const unknown = Buffer.from(packed);
  unknown.write('XXXX', 8, 'latin1');
  assert.throws(() => decompressRtf(unknown), TnefError);
});

test('RTF, hostile: 10^5 nested groups, a 4 GB \\bin, a megabyte-long control word, unbalanced braces: text out, quickly, capped', () => {
  const deep = Buffer.from(`{\\rtf1 ${'{'.repeat(100_000)}deep${'}'.repeat(100_000)} after}`, 'latin1');
  assert.equal(quickly(500, () => rtfBody(deep, 1000)).text, 'deep after');
  assert.equal(rtfBody(Buffer.from('{\\rtf1 before{\\bin4294967295 xx} gone', 'latin1'), 1000).text, 'before');
  const longWord = Buffer.from(`{\\rtf1 \\${'a'.repeat(1_000_000)} tail}`, 'latin1');
  assert.match(quickly(500, () => rtfBody(longWord, 1000)).text ?? '', /tail$/);
  assert.equal(rtfBody(Buffer.from('}}}{\\rtf1 a}}}b{{{', 'latin1'), 1000).text, 'ab');
  const huge = Buffer.from(`{\\rtf1 ${'x'.repeat(3_000_000)}}`, 'latin1');
  assert.equal(quickly(1000, () => rtfBody(huge, 1000)).text?.length, 1000);
  // \u with a skipped fallback character; \uc0 means none is skipped
  assert.equal(rtfBody(Buffer.from('{\\rtf1 \\u8364?x {\\uc0\\u8364 y} \\u-3913?}', 'latin1'), 1000).text, '€x €y \uF0B7');
});
