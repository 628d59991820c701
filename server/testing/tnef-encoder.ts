/**
 * A small TNEF writer for tests, written from [MS-OXTNEF] and [MS-OXRTFCP]: attributes with
 * their checksums, MAPI property lists (named and multi-valued ones too), embedded messages and
 * LZFu-compressed RTF. Tests build their winmail.dat from scratch with it; no binary fixture is
 * copied from anywhere.
 */
import { RTF_PREFIX } from '../mail/inbound/tnef/compressed-rtf';
import { checksum, TNEF_SIGNATURE } from '../mail/inbound/tnef/read-tnef';
import { PT } from '../mail/inbound/tnef/mapi-props';

export const LVL_MESSAGE = 1;
export const LVL_ATTACHMENT = 2;

/** Attribute type codes (the high 16 bits of an attribute id). */
export const ATP = { STRING: 0x0001, TEXT: 0x0002, DATE: 0x0003, SHORT: 0x0004, LONG: 0x0005, BYTE: 0x0006, WORD: 0x0007, DWORD: 0x0008 } as const;

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

/** One attribute; `badChecksum` writes a wrong checksum, `length` lies about the data's length. */
export function attr(level: number, id: number, type: number, data: Buffer, opts: { badChecksum?: boolean; length?: number } = {}): Buffer {
  return Buffer.concat([Buffer.from([level]), u16(id), u16(type), u32(opts.length ?? data.length), data, u16((checksum(data) + (opts.badChecksum ? 1 : 0)) & 0xffff)]);
}

export function tnef(attrs: Buffer[]): Buffer {
  return Buffer.concat([u32(TNEF_SIGNATURE), u16(0x1234), ...attrs]);
}

export type PropInput =
  | { id: number; type: typeof PT.LONG; value: number }
  | { id: number; type: typeof PT.UNICODE | typeof PT.STRING8; value: string | Buffer }
  | { id: number; type: typeof PT.BINARY | typeof PT.OBJECT; value: Buffer }
  | { id: number; type: number; raw: Buffer; multi?: Buffer[] };

/** A MAPI property list, as attMsgProps or attAttachment hold it. */
export function props(list: PropInput[], opts: { count?: number } = {}): Buffer {
  const parts: Buffer[] = [u32(opts.count ?? list.length)];
  for (const p of list) {
    parts.push(u16(p.type), u16(p.id));
    if (p.id >= 0x8000) parts.push(Buffer.alloc(16, 0xab), u32(1), u32(8), Buffer.from('Name', 'utf16le'));
    if ('raw' in p) {
      if (p.multi) parts.push(u32(p.multi.length), ...p.multi.map((m) => padded(Buffer.concat([u32(m.length), m]))));
      else parts.push(p.raw);
      continue;
    }
    if (p.type === PT.LONG) {
      parts.push(u32(p.value as number));
      continue;
    }
    let bytes: Buffer;
    if (p.type === PT.UNICODE) bytes = Buffer.from(`${p.value as string}\0`, 'utf16le');
    else if (p.type === PT.STRING8) bytes = Buffer.concat([typeof p.value === 'string' ? Buffer.from(p.value, 'latin1') : p.value, Buffer.from([0])]);
    else bytes = p.value as Buffer;
    parts.push(u32(1), u32(bytes.length), padded(bytes));
  }
  return Buffer.concat(parts);
}

/** An embedded message as PR_ATTACH_DATA_OBJ holds it: IID_IMessage, then its TNEF stream. */
export function embedded(stream: Buffer): Buffer {
  const iid = Buffer.from('0703020000000000c000000000000046', 'hex');
  return Buffer.concat([iid, stream]);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc(bytes: Buffer): number {
  let c = 0;
  for (const b of bytes) c = ((CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)) >>> 0;
  return c;
}

/**
 * RTF compressed as Outlook stores it: greedy LZ77 matches against the same 4 KiB dictionary the
 * reader keeps (so references are exercised, including ones into the fixed prefix), or stored
 * as 'MELA' when `stored`.
 */
export function compressRtf(rtf: string, opts: { stored?: boolean; rawSize?: number } = {}): Buffer {
  const input = Buffer.from(rtf, 'latin1');
  if (opts.stored) return Buffer.concat([u32(input.length + 12), u32(opts.rawSize ?? input.length), Buffer.from('MELA', 'latin1'), u32(0), input]);
  const dict = new Uint8Array(4096);
  dict.set(Buffer.from(RTF_PREFIX, 'latin1'));
  let w = RTF_PREFIX.length;
  const out: number[] = [];
  let i = 0;
  let done = false;
  while (!done) {
    const controlAt = out.length;
    out.push(0);
    let control = 0;
    for (let bit = 0; bit < 8; bit++) {
      if (i >= input.length) {
        // the end marker: a reference to the write position
        control |= 1 << bit;
        out.push((w >> 4) & 0xff, (w << 4) & 0xf0);
        done = true;
        break;
      }
      let best = 0;
      let bestAt = 0;
      const max = Math.min(17, input.length - i);
      for (let j = 0; j < 4096 && max >= 2; j++) {
        // never a match that would read what the copy itself is writing, nor one at the write position
        const dist = (w - j) & 0xfff;
        if (dist === 0) continue;
        let len = 0;
        while (len < max && len < dist && dict[(j + len) & 0xfff] === input[i + len]) len++;
        if (len > best) {
          best = len;
          bestAt = j;
        }
      }
      if (best >= 2) {
        control |= 1 << bit;
        out.push((bestAt >> 4) & 0xff, ((bestAt << 4) & 0xf0) | (best - 2));
        for (let k = 0; k < best; k++) {
          dict[w] = input[i + k] as number;
          w = (w + 1) & 0xfff;
        }
        i += best;
      } else {
        const c = input[i++] as number;
        out.push(c);
        dict[w] = c;
        w = (w + 1) & 0xfff;
      }
    }
    out[controlAt] = control;
  }
  const body = Buffer.from(out);
  return Buffer.concat([u32(body.length + 12), u32(opts.rawSize ?? input.length), Buffer.from('LZFu', 'latin1'), u32(crc(body)), body]);
}

/** A message with a winmail.dat part (and an optional text part before it), as Outlook sends it. */
export function mailWithTnef(opts: { from: string; to: string; subject: string; tnef: Buffer; text?: string; headers?: string[] }): string {
  const b = '----=_NextPart_000_0001_TNEF';
  const base64 = opts.tnef.toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: ${opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${opts.subject}`,
    'Date: Wed, 12 Mar 2025 10:12:33 +0100',
    ...(opts.headers ?? []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    'X-Mailer: Microsoft Outlook 16.0',
    '',
    'This is a multi-part message in MIME format.',
    '',
    ...(opts.text === undefined ? [] : [`--${b}`, 'Content-Type: text/plain; charset="utf-8"', '', opts.text, '']),
    `--${b}`,
    'Content-Type: application/ms-tnef; name="winmail.dat"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="winmail.dat"',
    '',
    base64,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}
