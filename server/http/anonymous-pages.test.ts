/**
 * Signed-out pages, over real HTTP on two nodes of one database: every page (unknown paths too)
 * carries what the sign-in page offers, yet crawlers and scanners cost no database work and no
 * log line per request; a change made on a node shows there at once and on the other node within
 * a few seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PRELOAD_ELEMENT_ID, preloadKey } from '../../shared/preload';
import type { SignInOptions } from '../../shared/views';
import { forgetSignInOptions, SIGN_IN_OPTIONS_TTL_MS } from '../domain/accounts/sign-in-cache';
import { setLogLevel } from '../log';
import { ensureBuilt } from '../tools/build.mjs';
import { seedAdmin, signIn, startTestApp, type TestApp } from '../testing/test-app';

let a: TestApp;
let b: TestApp;
const ISSUER = 'http://127.0.0.1:9/'; // nothing answers there: a sign-in started here stops at discovery

before(async () => {
  await ensureBuilt({ quiet: true });
  a = await startTestApp({ SECRET_KEY: 'node-a-secret-key-0123456789' });
  // Another node on the same database, started with another SECRET_KEY by mistake.
  b = await startTestApp({ DATABASE_URL: a.databaseUrl, DATA_DIR: a.dataDir, NODE_NAME: 'node-b', SECRET_KEY: 'node-b-other-key-0123456789' });
});

after(async () => {
  setLogLevel('error');
  await b?.close();
  await a?.close();
});

async function status(app: TestApp, path = '/'): Promise<SignInOptions & { signedIn: boolean }> {
  const html = await (await fetch(`${app.url}${path}`)).text();
  const m = new RegExp(`<script type="application/json" id="${PRELOAD_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  assert.ok(m, `${path} carries its preloaded answers`);
  const entries = JSON.parse(m[1] as string) as Record<string, unknown>;
  return entries[preloadKey('auth.status', undefined)] as SignInOptions & { signedIn: boolean };
}

/** Counts the reads `app`'s accounts code (sessions, users, sign-in settings) makes while `fn` runs; background workers' reads are not its. */
async function readsDuring(app: TestApp, fn: () => Promise<void>): Promise<number> {
  const db = app.dc.db;
  const original = db.select;
  let reads = 0;
  db.select = ((...args: Parameters<typeof original>) => {
    const stack = new Error().stack ?? '';
    // (the snooze waker, a background worker, reads the Support Bot through accounts code every few seconds)
    if (stack.includes('/domain/accounts/') && !stack.includes('/domain/tickets/snooze.')) reads += 1;
    return original.apply(db, args);
  }) as typeof db.select;
  try {
    await fn();
  } finally {
    db.select = original;
  }
  return reads;
}

test('a new instance offers setup until the first administrator exists, and no longer at once', async () => {
  assert.equal((await status(a)).needsSetup, true);
  await seedAdmin(a);
  assert.equal((await status(a)).needsSetup, false, 'the node that created the administrator knows at once');
});

test('anonymous page requests, unknown paths included, do no database work once the options are known', async () => {
  // The node's clock stands still: however slowly a loaded machine serves the seven pages, the
  // options cannot expire between them (with the real clock, 5 s under load made this flaky).
  let clock = Date.now();
  const realNow = a.dc.now;
  a.dc.now = () => clock;
  try {
    forgetSignInOptions(a.dc); // read on this clock, not kept from the test before
    await status(a, '/login');
    const reads = await readsDuring(a, async () => {
      for (const path of ['/', '/login', '/wp-admin', '/.env', '/p/acme/app', '/p/acme/app/-/tickets/1', '/no/such/page?x=1']) {
        const s = await status(a, path);
        assert.equal(s.signedIn, false);
        assert.equal(s.needsSetup, false);
      }
      clock += SIGN_IN_OPTIONS_TTL_MS - 1; // the last moment they are kept (counted from when they were read)
      assert.equal((await status(a, '/login')).signedIn, false);
    });
    assert.equal(reads, 0, 'eight signed-out pages read nothing from the database, up to the last moment the options are kept');
    // ...and what is counted is the cache: once they expire, one page reads them again.
    clock += 2;
    assert.ok((await readsDuring(a, async () => void (await status(a, '/')))) > 0, 'expired options are read again');
  } finally {
    a.dc.now = realNow;
  }
});

test('a change of sign-in settings shows at once on its node and within a few seconds on the other; the label names the provider or says single sign-on', async () => {
  let clock = Date.now();
  b.dc.now = () => clock;
  assert.equal((await status(b)).sso, null);
  const admin = await signIn(a, 'admin@test.io');
  await admin.trpc.sso.update.mutate({ enabled: true, issuer: ISSUER, clientId: 'threadline', clientSecret: 'sealed-with-node-a-key', providerName: '', autoCreate: false, ssoOnly: false });
  assert.deepEqual((await status(a)).sso, { name: '127.0.0.1', unnamed: true }, 'no display name: pages say "single sign-on", not the host');
  assert.equal((await status(b)).sso, null, 'the other node still has the options it read');
  clock += SIGN_IN_OPTIONS_TTL_MS + 1;
  assert.deepEqual((await status(b)).sso, { name: '127.0.0.1', unnamed: true });
  await admin.trpc.sso.update.mutate({ enabled: true, issuer: ISSUER, clientId: 'threadline', providerName: '127.0.0.1', autoCreate: false, ssoOnly: false });
  assert.deepEqual((await status(a)).sso, { name: '127.0.0.1', unnamed: true }, 'the host name kept from the environment is no name either');
  await admin.trpc.sso.update.mutate({ enabled: true, issuer: ISSUER, clientId: 'threadline', providerName: 'Corp Login', autoCreate: false, ssoOnly: true });
  const now = await status(a);
  assert.deepEqual(now.sso, { name: 'Corp Login' });
  assert.equal(now.ssoOnly, true);
  clock += SIGN_IN_OPTIONS_TTL_MS + 1;
  assert.deepEqual((await status(b)).sso, { name: 'Corp Login' });
});

test('a node whose SECRET_KEY cannot open the stored client secret does not log it per anonymous request', async () => {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  setLogLevel('warn');
  try {
    let clock = Date.now() + 10 * SIGN_IN_OPTIONS_TTL_MS;
    b.dc.now = () => clock;
    for (const path of ['/', '/login', '/phpmyadmin', '/admin', '/login']) {
      clock += SIGN_IN_OPTIONS_TTL_MS + 1; // even when every request finds the options expired
      assert.ok((await status(b, path)).sso, 'single sign-on is offered');
    }
    // Starting a sign-in does need the secret: that node says so once, not at every attempt.
    for (let i = 0; i < 3; i++) await fetch(`${b.url}/auth/oidc/start`, { redirect: 'manual' });
  } finally {
    setLogLevel('error');
    process.stderr.write = write;
  }
  const warnings = lines.filter((l) => l.includes('cannot be decrypted'));
  assert.equal(warnings.length, 1, `one warning on the node with the other key, got:\n${warnings.join('')}`);
});
