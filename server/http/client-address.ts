/**
 * The address a request comes from, for per-address sign-in throttling. Behind a reverse proxy
 * every request arrives from the proxy, so with TRUST_PROXY the address comes from
 * X-Forwarded-For: the rightmost entry that none of our proxies is responsible for. Entries to
 * its left were sent by the client itself and prove nothing.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TrustProxy } from '../config';

export type ClientAddressOf = (req: IncomingMessage) => string;

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client; a port or IPv6 brackets are dropped. */
function normalise(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed?.[1]) a = bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(a);
  if (v4WithPort?.[1]) a = v4WithPort[1];
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  if (mapped?.[1]) a = mapped[1];
  // An address is at most 45 characters; anything longer is junk a client wrote, kept short as a key.
  return a.toLowerCase().slice(0, 64);
}

/** Addresses from the client towards us: X-Forwarded-For entries, then the TCP peer. */
function chain(req: IncomingMessage): string[] {
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(normalise).filter(Boolean);
  return [...forwarded, normalise(req.socket.remoteAddress ?? 'unknown')];
}

/** Is this address one of the listed proxies (addresses and CIDR ranges)? */
function proxyList(addresses: string[]): (a: string) => boolean {
  const ours = new BlockList();
  for (const entry of addresses) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) ours.addAddress(address, family);
    else ours.addSubnet(address, Number(prefix), family);
  }
  return (a) => {
    const family = isIP(a);
    return family !== 0 && ours.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * Did the request reach us over HTTPS: on a TLS socket, or through a proxy TRUST_PROXY trusts
 * that says so in `X-Forwarded-Proto` (its first value, as Express reads it)? The header of a peer
 * that is not a trusted proxy proves nothing.
 */
export function httpsResolver(trust: TrustProxy): (req: IncomingMessage) => boolean {
  const peerIsProxy: (req: IncomingMessage) => boolean =
    trust.mode === 'off' ? () => false : trust.mode === 'hops' ? () => true : ((isOurs) => (req: IncomingMessage) => isOurs(normalise(req.socket.remoteAddress ?? '')))(proxyList(trust.addresses));
  return (req) => {
    if ((req.socket as TLSSocket).encrypted) return true;
    if (!peerIsProxy(req)) return false;
    const header = req.headers['x-forwarded-proto'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase();
    return first === 'https';
  };
}

export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  switch (trust.mode) {
    case 'off':
      return (req) => normalise(req.socket.remoteAddress ?? 'unknown');
    case 'hops':
      return (req) => {
        const c = chain(req);
        // The last `hops` entries are our proxies; the one before them is whom the outermost saw.
        return c[Math.max(c.length - 1 - trust.hops, 0)] ?? 'unknown';
      };
    case 'addresses': {
      const isOurs = proxyList(trust.addresses);
      return (req) => {
        const c = chain(req);
        let i = c.length - 1;
        while (i > 0 && isOurs(c[i] ?? '')) i--;
        return c[i] ?? 'unknown';
      };
    }
  }
}
