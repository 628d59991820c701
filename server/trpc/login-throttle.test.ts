/**
 * Sign-in throttling over real HTTP: parallel guesses, two servers on one database, client
 * addresses behind a proxy (TRUST_PROXY), and admins unlocking an account.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, type RunningApp } from '../app';
import { loadConfig } from '../config';
import { MAX_ATTEMPTS_PER_ADDRESS, MAX_ATTEMPTS_PER_EMAIL } from '../domain/accounts/login-throttle';
import { outcome, PASSWORD, seedAdmin, seedUser, signIn, startTestApp, type TestApp } from '../testing/test-app';

/** One `auth.login` as a browser or curl sends it; the app code of the answer, or 'OK'. */
async function login(url: string, email: string, password: string, forwardedFor?: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const res = await fetch(`${url}/trpc/auth.login`, { method: 'POST', headers, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as { error?: { data?: { appCode?: string } } };
  return res.ok ? 'OK' : String(body.error?.data?.appCode);
}

function tally(answers: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[a] = (counts[a] ?? 0) + 1;
  return counts;
}

/** Fails MAX_ATTEMPTS_PER_ADDRESS sign-ins from one forwarded address, each for another unknown email. */
async function exhaustAddress(app: TestApp, forwardedFor: string): Promise<void> {
  const answers = await Promise.all(
    Array.from({ length: MAX_ATTEMPTS_PER_ADDRESS }, (_, i) => login(app.url, `nobody${i}@test.io`, 'wrong guess', forwardedFor)),
  );
  assert.deepEqual(tally(answers), { INVALID_CREDENTIALS: MAX_ATTEMPTS_PER_ADDRESS });
}

describe('parallel guesses', () => {
  let app: TestApp;
  let second: RunningApp;
  before(async () => {
    app = await startTestApp();
    // Another server process on the same database, as when several nodes share it.
    second = await startApp(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: app.dataDir, DATABASE_URL: app.databaseUrl, NODE_NAME: 'second', LOG_LEVEL: 'error', SMTP_LISTEN: 'off' }),
    );
  });
  after(async () => {
    await second.stop();
    await app.close();
  });

  test('30 parallel wrong passwords get at most the limit of real answers; the right one is then refused too', async () => {
    await seedUser(app, 'parallel@test.io');
    const answers = await Promise.all(Array.from({ length: 30 }, () => login(app.url, 'parallel@test.io', 'wrong guess')));
    const counts = tally(answers);
    assert.deepEqual(Object.keys(counts).sort(), ['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS']);
    assert.ok((counts.INVALID_CREDENTIALS ?? 0) <= MAX_ATTEMPTS_PER_EMAIL, JSON.stringify(counts));
    assert.equal(await login(app.url, 'parallel@test.io', PASSWORD), 'TOO_MANY_ATTEMPTS');
  });

  test('guesses spread over two servers on one database share one count', async () => {
    await seedUser(app, 'spread@test.io');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(i % 2 ? second.localUrl : app.url, 'spread@test.io', 'wrong guess')),
    );
    const counts = tally(answers);
    assert.ok((counts.INVALID_CREDENTIALS ?? 0) <= MAX_ATTEMPTS_PER_EMAIL, JSON.stringify(counts));
    assert.equal(await login(second.localUrl, 'spread@test.io', PASSWORD), 'TOO_MANY_ATTEMPTS');
  });
});

test('sign-ins that succeed do not use up their address: an office can sign in more often than the limit', async () => {
  const app = await startTestApp();
  try {
    await seedUser(app, 'busy@test.io');
    for (let i = 0; i <= MAX_ATTEMPTS_PER_ADDRESS; i++) assert.equal(await login(app.url, 'busy@test.io', PASSWORD), 'OK');
  } finally {
    await app.close();
  }
});

describe('client addresses behind a proxy', () => {
  test('TRUST_PROXY off (the default): X-Forwarded-For is ignored, every request counts against the peer', async () => {
    const app = await startTestApp();
    try {
      await seedUser(app, 'office@test.io');
      await exhaustAddress(app, '203.0.113.1');
      assert.equal(await login(app.url, 'office@test.io', PASSWORD, '203.0.113.2'), 'TOO_MANY_ATTEMPTS');
    } finally {
      await app.close();
    }
  });

  test('TRUST_PROXY on: two forwarded addresses are throttled separately, and a forged leftmost entry changes nothing', async () => {
    const app = await startTestApp({ TRUST_PROXY: 'true' });
    try {
      await seedUser(app, 'office@test.io');
      await exhaustAddress(app, '203.0.113.1');
      assert.equal(await login(app.url, 'office@test.io', PASSWORD, '203.0.113.1'), 'TOO_MANY_ATTEMPTS');
      assert.equal(await login(app.url, 'office@test.io', PASSWORD, '203.0.113.2, 203.0.113.1'), 'TOO_MANY_ATTEMPTS');
      assert.equal(await login(app.url, 'office@test.io', PASSWORD, '203.0.113.2'), 'OK');
    } finally {
      await app.close();
    }
  });
});

describe('admins unlock accounts', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await seedAdmin(app);
  });
  after(() => app.close());

  async function lockOut(email: string): Promise<void> {
    for (let i = 0; i < MAX_ATTEMPTS_PER_EMAIL; i++) await login(app.url, email, 'wrong guess');
    assert.equal(await login(app.url, email, PASSWORD), 'TOO_MANY_ATTEMPTS');
  }

  test('an admin sees the lock and lifts it by user id or email; the user signs in again', async () => {
    const lockedId = await seedUser(app, 'locked@test.io');
    await seedUser(app, 'also-locked@test.io');
    await seedUser(app, 'fine@test.io');
    await lockOut('locked@test.io');
    await lockOut('also-locked@test.io');
    const admin = await signIn(app, 'admin@test.io');
    const lockedState = async () =>
      Object.fromEntries((await admin.trpc.users.list.query()).map((u) => [u.email, u.locked]));
    assert.deepEqual(await lockedState(), {
      'admin@test.io': false,
      'locked@test.io': true,
      'also-locked@test.io': true,
      'fine@test.io': false,
    });

    assert.equal((await admin.trpc.users.unlock.mutate({ userId: lockedId })).locked, false);
    assert.equal(await login(app.url, 'locked@test.io', PASSWORD), 'OK');
    await admin.trpc.users.unlock.mutate({ email: 'Also-Locked@test.io' });
    assert.equal(await login(app.url, 'also-locked@test.io', PASSWORD), 'OK');
    assert.equal((await lockedState())['locked@test.io'], false);
    assert.equal(await outcome(admin.trpc.users.unlock.mutate({ email: 'ghost@test.io' })), 'NOT_FOUND');
  });

  test('a user who is not an admin cannot unlock anyone', async () => {
    await seedUser(app, 'target@test.io');
    await lockOut('target@test.io');
    const user = await signIn(app, 'fine@test.io');
    assert.equal(await outcome(user.trpc.users.unlock.mutate({ email: 'target@test.io' })), 'FORBIDDEN');
    assert.equal(await login(app.url, 'target@test.io', PASSWORD), 'TOO_MANY_ATTEMPTS');
  });
});
