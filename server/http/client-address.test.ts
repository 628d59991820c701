/** TRUST_PROXY from the environment to the address a sign-in is counted against. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../config';
import { clientAddressResolver } from './client-address';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { headers, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
}

function addressWith(trustProxy: string | undefined, peer: string, forwardedFor?: string): string {
  const env = trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy };
  return clientAddressResolver(loadConfig(env).trustProxy)(request(peer, forwardedFor));
}

test('by default, and with false or 0, X-Forwarded-For is ignored', () => {
  for (const setting of [undefined, 'false', '0', 'off']) {
    assert.equal(addressWith(setting, '10.0.0.2', '203.0.113.7'), '10.0.0.2', String(setting));
  }
});

test('with true or 1, the entry our one proxy appended counts, not what the client wrote before it', () => {
  for (const setting of ['true', '1', 'TRUE']) {
    assert.equal(addressWith(setting, '10.0.0.2', '203.0.113.7'), '203.0.113.7');
    assert.equal(addressWith(setting, '10.0.0.2', '198.51.100.1, 203.0.113.7'), '203.0.113.7');
  }
  assert.equal(addressWith('1', '10.0.0.2'), '10.0.0.2', 'no header: the peer itself');
});

test('a hop count skips that many proxies from the right', () => {
  assert.equal(addressWith('2', '10.0.0.2', 'spoofed, 203.0.113.7, 10.0.0.9'), '203.0.113.7');
  assert.equal(addressWith('3', '10.0.0.2', '203.0.113.7, 10.0.0.9'), '203.0.113.7', 'a shorter chain than configured: its first entry');
});

test('a list of proxies: the rightmost address that is not one of them; a peer outside the list is the client', () => {
  const proxies = '10.0.0.0/8, 192.0.2.1';
  assert.equal(addressWith(proxies, '10.0.0.2', 'spoofed, 203.0.113.7, 192.0.2.1, 10.1.2.3'), '203.0.113.7');
  assert.equal(addressWith(proxies, '203.0.113.9', '198.51.100.1'), '203.0.113.9');
  assert.equal(addressWith(proxies, '::ffff:10.0.0.2', '203.0.113.7'), '203.0.113.7', 'IPv4-mapped peer');
  assert.equal(addressWith('2001:db8::/32', '2001:db8::1', '[2001:db8:ffff::5]:4711'), '2001:db8:ffff::5');
});

test('addresses are the same however they are written', () => {
  assert.equal(addressWith('1', '10.0.0.2', '203.0.113.7:51234'), '203.0.113.7');
  assert.equal(addressWith(undefined, '::ffff:203.0.113.7'), '203.0.113.7');
});

test('a TRUST_PROXY that is none of these stops the start with a clear message', () => {
  for (const bad of ['yes please', '10.0.0.0/33', '300.1.1.1', '1000']) {
    assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY must be off \(the default\), true, the number of proxies/, bad);
  }
});
