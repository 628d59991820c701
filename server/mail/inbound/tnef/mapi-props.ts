/**
 * MAPI property lists as TNEF carries them (attMsgProps, attAttachment; [MS-OXTNEF] 2.1.3.5).
 * Every length and count is checked against the bytes left, so a hostile count ends the list
 * instead of allocating or looping on it; a property type we cannot size ends it too (what was
 * read before it is kept).
 */
export class TnefError extends Error {}

/** One property value: numbers, text (already decoded), or bytes (binary, object, 8-bit text). */
export type PropValue = number | string | Uint8Array;

export interface MapiProp {
  id: number;
  type: number;
  /** the first value (multi-valued properties keep only their first) */
  value: PropValue;
}

export const PT = {
  SHORT: 0x0002,
  LONG: 0x0003,
  FLOAT: 0x0004,
  DOUBLE: 0x0005,
  CURRENCY: 0x0006,
  APPTIME: 0x0007,
  ERROR: 0x000a,
  BOOLEAN: 0x000b,
  OBJECT: 0x000d,
  I8: 0x0014,
  STRING8: 0x001e,
  UNICODE: 0x001f,
  SYSTIME: 0x0040,
  CLSID: 0x0048,
  BINARY: 0x0102,
  MV_FLAG: 0x1000,
} as const;

const FIXED_SIZE: Record<number, number> = {
  [PT.SHORT]: 4, // 2 bytes and 2 of padding
  [PT.LONG]: 4,
  [PT.FLOAT]: 4,
  [PT.ERROR]: 4,
  [PT.BOOLEAN]: 4,
  [PT.DOUBLE]: 8,
  [PT.CURRENCY]: 8,
  [PT.APPTIME]: 8,
  [PT.I8]: 8,
  [PT.SYSTIME]: 8,
  [PT.CLSID]: 16,
};
const VARIABLE = new Set<number>([PT.STRING8, PT.UNICODE, PT.BINARY, PT.OBJECT]);

/** More properties than any real message or attachment has (Outlook writes a few hundred at most). */
export const MAX_PROPS = 5_000;

/** `n` rounded up to a multiple of 4, in plain arithmetic (a 32-bit `& ~3` would wrap 0xFFFFFFFD to 0). */
const pad4 = (n: number) => n + ((4 - (n % 4)) % 4);

/** The properties of one list; `data` is the attribute's data. */
export function readProps(data: Uint8Array): MapiProp[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const end = data.byteLength;
  let p = 0;
  const need = (n: number) => {
    if (n < 0 || p + n > end) throw new TnefError('A MAPI property runs past the end of its attribute.');
  };
  need(4);
  const count = view.getUint32(p, true);
  p += 4;
  // each property takes at least 8 bytes: a count beyond that is a lie, not a reason to loop
  if (count > MAX_PROPS || count * 8 > end - p) throw new TnefError(`A MAPI property list claims ${count} properties.`);
  const props: MapiProp[] = [];
  for (let i = 0; i < count; i++) {
    need(4);
    const type = view.getUint16(p, true);
    const id = view.getUint16(p + 2, true);
    p += 4;
    if (id >= 0x8000) {
      // a named property: GUID, kind, then a number or a UTF-16 name
      need(20);
      const kind = view.getUint32(p + 16, true);
      p += 20;
      need(4);
      if (kind === 0) p += 4;
      else {
        const len = view.getUint32(p, true);
        p += 4;
        need(pad4(len));
        p += pad4(len);
      }
    }
    const base = type & ~PT.MV_FLAG;
    const multi = (type & PT.MV_FLAG) !== 0;
    const fixed = FIXED_SIZE[base];
    if (fixed === undefined && !VARIABLE.has(base)) return props; // a type we cannot size: stop here
    let values = 1;
    if (multi || fixed === undefined) {
      need(4);
      values = view.getUint32(p, true);
      p += 4;
      if (values * 4 > end - p) throw new TnefError(`A MAPI property claims ${values} values.`);
    }
    let first: PropValue | undefined;
    for (let v = 0; v < values; v++) {
      if (fixed !== undefined) {
        need(fixed);
        first ??= fixed === 4 ? view.getInt32(p, true) : data.subarray(p, p + fixed);
        p += fixed;
      } else {
        need(4);
        const len = view.getUint32(p, true);
        p += 4;
        need(pad4(len));
        first ??= valueOf(base, data.subarray(p, p + len));
        p += pad4(len);
      }
    }
    if (first !== undefined) props.push({ id, type: base, value: first });
  }
  return props;
}

function valueOf(type: number, bytes: Uint8Array): PropValue {
  if (type !== PT.UNICODE) return bytes;
  let n = bytes.byteLength & ~1;
  while (n >= 2 && bytes[n - 1] === 0 && bytes[n - 2] === 0) n -= 2;
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('utf16le');
}
