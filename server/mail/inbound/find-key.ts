/**
 * Where the key is (SPEC §1), first hit wins: every To address; `reply-<key>@<host>` ids in
 * References; Delivered-To, X-Delivered-To, Envelope-To, X-Envelope-To, Received (`for <addr>`),
 * X-Original-To, X-Forwarded-To; then Cc.
 */
import type { AddressBook, MatchedKey } from '../addresses';
import type { ParsedEmail } from './parse';

const DELIVERY_HEADERS = ['delivered-to', 'x-delivered-to', 'envelope-to', 'x-envelope-to', 'received', 'x-original-to', 'x-forwarded-to'];

function addressesIn(value: string, header: string): string[] {
  if (header === 'received') {
    const m = /\bfor\s+<?([^\s<>;]+@[^\s<>;]+)>?/i.exec(value);
    return m?.[1] ? [m[1]] : [];
  }
  return value.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? [];
}

export function findKey(m: ParsedEmail, book: AddressBook, envelopeTo: string[] = []): MatchedKey | null {
  for (const a of m.to) {
    const hit = book.match(a.address);
    if (hit) return hit;
  }
  for (const ref of m.references) {
    const r = /^<reply-([^@>]+)@[^>]+>$/i.exec(ref);
    if (r?.[1]) return { key: r[1], mailbox: 'incoming' };
  }
  // Our own SMTP listener knows the envelope recipients: as authoritative as Delivered-To.
  for (const a of envelopeTo) {
    const hit = book.match(a);
    if (hit) return hit;
  }
  for (const header of DELIVERY_HEADERS) {
    for (const value of m.headers.get(header) ?? []) {
      for (const a of addressesIn(value, header)) {
        const hit = book.match(a);
        if (hit) return hit;
      }
    }
  }
  for (const a of m.cc) {
    const hit = book.match(a.address);
    if (hit) return hit;
  }
  return null;
}
