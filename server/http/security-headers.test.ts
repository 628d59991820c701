/**
 * Security review 3, L6: HSTS is sent when the request arrived over HTTPS — through a proxy that
 * TRUST_PROXY trusts saying so in X-Forwarded-Proto — and never on the say-so of any other client;
 * the page may open WebSockets to its own origin only (connect-src), not to any host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApp, type TestApp } from '../testing/test-app';

let trusting: TestApp;
let untrusting: TestApp;
let listed: TestApp;

before(async () => {
  trusting = await startTestApp({ PUBLIC_URL: 'https://desk.test', TRUST_PROXY: '1' });
  untrusting = await startTestApp({ PUBLIC_URL: 'https://desk.test' });
  listed = await startTestApp({ PUBLIC_URL: 'https://desk.test', TRUST_PROXY: '10.9.9.9' });
});
after(async () => {
  await trusting?.close();
  await untrusting?.close();
  await listed?.close();
});

const headersOf = async (app: TestApp, headers: Record<string, string> = {}) => (await fetch(`${app.url}/healthz`, { headers })).headers;

test('HSTS only for HTTPS as a trusted proxy tells it', async () => {
  assert.equal((await headersOf(trusting, { 'x-forwarded-proto': 'https' })).get('strict-transport-security'), 'max-age=31536000');
  assert.equal((await headersOf(trusting, { 'x-forwarded-proto': 'https, http' })).get('strict-transport-security'), 'max-age=31536000');
  assert.equal((await headersOf(trusting, { 'x-forwarded-proto': 'http' })).get('strict-transport-security'), null);
  assert.equal((await headersOf(trusting)).get('strict-transport-security'), null, 'plain HTTP: HSTS means nothing there');
  assert.equal((await headersOf(untrusting, { 'x-forwarded-proto': 'https' })).get('strict-transport-security'), null, 'without TRUST_PROXY the header is any client\'s say-so');
  assert.equal((await headersOf(listed, { 'x-forwarded-proto': 'https' })).get('strict-transport-security'), null, 'a peer that is not a listed proxy');
});

test('the page connects to its own origin only', async () => {
  const csp = (await fetch(`${untrusting.url}/`)).headers.get('content-security-policy') ?? '';
  const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
  const host = new URL(untrusting.url).host;
  // Both schemes for each host: behind a proxy that ends TLS (TRUST_PROXY off) the page is https and
  // connects with wss:// to the Host it was loaded from, which this server sees as plain http (review 7 #11).
  assert.deepEqual(connect.sort(), ["'self'", 'ws://' + host, 'wss://' + host, 'ws://desk.test', 'wss://desk.test'].sort());
  assert.ok(!connect.includes('ws:') && !connect.includes('wss:'), `no WebSocket to any host: ${csp}`);
  // (fetch cannot set Host: a plain request, as the proxy sends it)
  const proxied = await new Promise<string>((resolve, reject) => {
    http
      .get(`${untrusting.url}/`, { headers: { host: 'help.example.test' } }, (res) => {
        res.resume();
        resolve(String(res.headers['content-security-policy'] ?? ''));
      })
      .on('error', reject);
  });
  assert.ok(proxied.includes(' wss://help.example.test'), `a TLS-ending proxy's Host: ${proxied}`);
  const viaProxy = (await fetch(`${trusting.url}/`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get('content-security-policy') ?? '';
  assert.ok(viaProxy.includes(`connect-src 'self' ws://desk.test wss://desk.test ws://${new URL(trusting.url).host} wss://${new URL(trusting.url).host};`), viaProxy);
});
