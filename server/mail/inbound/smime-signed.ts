/**
 * S/MIME "opaque" signed mail (RFC 8551 §3.5.2: `application/pkcs7-mime; smime-type=signed-data`,
 * one `smime.p7m` part): the message itself is inside the signature's CMS SignedData, unencrypted.
 * Outlook sends it so when "send clear text signed message" is off, as do some gateways and
 * mobile clients. Without a mail client that opens CMS, the ticket was only "its content is in the
 * attached smime.p7m, which can't be shown here". The signed MIME entity is taken out of the
 * SignedData (its eContent) and read as the message's body; the signature is not checked (a
 * multipart/signed message's is not either) and is not kept as a file.
 *
 * The reader walks BER (CMS is BER: Outlook and OpenSSL write indefinite lengths and constructed
 * OCTET STRINGs), within the bytes given, at a bounded depth.
 */

/** id-signedData 1.2.840.113549.1.7.2 and id-data 1.2.840.113549.1.7.1, as DER OID contents. */
const SIGNED_DATA = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
const DATA = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
const MAX_DEPTH = 32;

interface Element {
  tag: number;
  constructed: boolean;
  /** where the contents start */
  start: number;
  /** where the contents end (before the end-of-contents octets of an indefinite length) */
  contentEnd: number;
  /** where the element ends, after any end-of-contents octets */
  end: number;
}

class Malformed extends Error {}

/** The element at `pos`, which must end by `limit`. */
function element(buf: Buffer, pos: number, limit: number, depth: number): Element {
  if (depth > MAX_DEPTH || pos + 2 > limit) throw new Malformed();
  const first = buf[pos]!;
  let at = pos + 1;
  // high tag numbers (never in the fields read here, but skipped over in others)
  if ((first & 0x1f) === 0x1f) {
    let n = 0;
    while (at < limit && buf[at]! & 0x80) if (++at, ++n > 4) throw new Malformed();
    at++;
  }
  if (at >= limit) throw new Malformed();
  const lengthByte = buf[at++]!;
  const constructed = (first & 0x20) !== 0;
  if (lengthByte === 0x80) {
    // indefinite: children up to the end-of-contents octets 00 00
    if (!constructed) throw new Malformed();
    const start = at;
    let p = start;
    while (true) {
      if (p + 2 > limit) throw new Malformed();
      if (buf[p] === 0 && buf[p + 1] === 0) return { tag: first, constructed, start, contentEnd: p, end: p + 2 };
      p = element(buf, p, limit, depth + 1).end;
    }
  }
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const n = lengthByte & 0x7f;
    if (n > 4 || at + n > limit) throw new Malformed();
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[at++]!;
  }
  if (at + length > limit) throw new Malformed();
  return { tag: first, constructed, start: at, contentEnd: at + length, end: at + length };
}

/** The children of a constructed element. */
function children(buf: Buffer, e: Element, depth: number): Element[] {
  const out: Element[] = [];
  for (let p = e.start; p < e.contentEnd; ) {
    const c = element(buf, p, e.contentEnd, depth + 1);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** An OCTET STRING's bytes: primitive, or (BER) constructed of OCTET STRING segments. */
function octets(buf: Buffer, e: Element, depth: number, out: Buffer[]): void {
  if ((e.tag & 0xdf) !== 0x04 || depth > MAX_DEPTH) throw new Malformed();
  if (!e.constructed) out.push(buf.subarray(e.start, e.contentEnd));
  else for (const c of children(buf, e, depth)) octets(buf, c, depth + 1, out);
}

const isOid = (buf: Buffer, e: Element | undefined, oid: Buffer): boolean => !!e && e.tag === 0x06 && buf.subarray(e.start, e.contentEnd).equals(oid);

/**
 * The signed content of a CMS SignedData (ContentInfo) whose content is data, or null when the
 * bytes are something else (enveloped data: encrypted), detached (no content), or malformed.
 */
export function signedContent(der: Buffer): Buffer | null {
  try {
    const info = element(der, 0, der.length, 0);
    if (info.tag !== 0x30) return null;
    const [type, explicit] = children(der, info, 0);
    if (!isOid(der, type, SIGNED_DATA) || explicit?.tag !== 0xa0) return null;
    const signedData = children(der, explicit, 1)[0];
    if (signedData?.tag !== 0x30) return null;
    // version, digestAlgorithms, encapContentInfo, …
    const encap = children(der, signedData, 2)[2];
    if (encap?.tag !== 0x30) return null;
    const [eType, eExplicit] = children(der, encap, 3);
    if (!isOid(der, eType, DATA) || eExplicit?.tag !== 0xa0) return null;
    const content = children(der, eExplicit, 4)[0];
    if (!content) return null;
    const out: Buffer[] = [];
    octets(der, content, 5, out);
    const bytes = Buffer.concat(out);
    return bytes.length > 0 ? bytes : null;
  } catch (err) {
    if (err instanceof Malformed) return null;
    throw err;
  }
}

/** The message's own Content-Type is S/MIME that may be signed data (not declared enveloped/encrypted). */
export function mayBeOpaqueSigned(contentType: string): boolean {
  const [type, ...params] = contentType.split(';');
  if (!/^application\/(?:x-)?pkcs7-mime$/i.test(type?.trim() ?? '')) return false;
  const smimeType = /smime-type\s*=\s*"?([a-z-]+)/i.exec(params.join(';'))?.[1]?.toLowerCase();
  return smimeType === undefined || smimeType === 'signed-data';
}

/**
 * The message as its signer wrote it: the header fields of `raw` other than its Content-* ones,
 * then the signed MIME entity (its own Content-* header fields, a blank line, its body).
 */
export function withSignedEntity(raw: Buffer, entity: Buffer): Buffer {
  const text = raw.toString('latin1');
  const sep = /\r?\n\r?\n/.exec(text);
  const head = sep ? text.slice(0, sep.index) : text;
  const kept: string[] = [];
  let dropping = false;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = /^content-[^:]*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  // an entity that begins with a blank line (no header fields of its own) ends the header block there
  return Buffer.concat([Buffer.from(`${kept.join('\r\n')}\r\n`, 'latin1'), entity]);
}
