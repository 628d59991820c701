/** Sign-in, setup, sessions, throttling, CSRF and input errors over real HTTP. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TRPCClientError } from '@trpc/client';
import { httpClient, outcome, PASSWORD, seedUser, signIn, startTestApp, type TestApp } from '../testing/test-app';
import { TEST_ENGINE } from '../testing/test-app';

let app: TestApp;

before(async () => {
  app = await startTestApp();
});
after(() => app.close());

async function errorOf(p: Promise<unknown>): Promise<{ message: string; appCode: unknown; code: unknown }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) return { message: err.message, appCode: err.data?.appCode, code: err.data?.code };
    throw err;
  }
  throw new Error('expected the call to fail');
}

test('healthz answers ok with the version, and says the database answers', async () => {
  const res = await fetch(`${app.url}/healthz`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as Record<string, unknown>;
  assert.deepEqual({ ok: body.ok, version: body.version, database: body.database, engine: body.engine }, { ok: true, version: '0.1.0', database: 'up', engine: TEST_ENGINE });
  assert.equal(typeof body.node, 'string');
});

test('setup creates the first admin once, signs them in, and then refuses', async () => {
  const jar = { cookie: '' };
  const c = httpClient(app, jar);
  assert.deepEqual(await c.auth.status.query(), { needsSetup: true, sso: null, ssoOnly: false, signedIn: false });
  const admin = await c.auth.setup.mutate({ email: 'Root@Test.io', password: PASSWORD, name: 'Root' });
  assert.equal(admin.email, 'root@test.io');
  assert.equal(admin.isAdmin, true);
  assert.equal((await c.auth.me.query()).email, 'root@test.io');
  assert.deepEqual(await c.auth.status.query(), { needsSetup: false, sso: null, ssoOnly: false, signedIn: true }, 'the new session shows in the status');
  assert.equal((await httpClient(app, { cookie: '' }).auth.status.query()).signedIn, false);
  assert.equal((await httpClient(app, { cookie: 'tl_session=forged' }).auth.status.query()).signedIn, false, 'an unknown session is no session, and no error');
  const again = await errorOf(httpClient(app, { cookie: '' }).auth.setup.mutate({ email: 'x@test.io', password: PASSWORD }));
  assert.equal(again.appCode, 'SETUP_DONE');
});

test('the session cookie is httpOnly and SameSite=Lax', async () => {
  const res = await fetch(`${app.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'root@test.io', password: PASSWORD }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tl_session='));
  assert.ok(cookie);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
});

test('a wrong password and an unknown email get the same answer', async () => {
  await seedUser(app, 'known@test.io');
  const c = httpClient(app, { cookie: '' });
  const wrong = await errorOf(c.auth.login.mutate({ email: 'known@test.io', password: 'not the password' }));
  const unknown = await errorOf(c.auth.login.mutate({ email: 'nobody@test.io', password: 'not the password' }));
  assert.deepEqual(wrong, unknown);
  assert.equal(wrong.message, 'Wrong email or password.');
});

test('repeated failures are throttled, even with the right password', async () => {
  await seedUser(app, 'victim@test.io');
  const c = httpClient(app, { cookie: '' });
  for (let i = 0; i < 5; i++) await outcome(c.auth.login.mutate({ email: 'victim@test.io', password: 'guess guess' }));
  const locked = await errorOf(c.auth.login.mutate({ email: 'victim@test.io', password: PASSWORD }));
  assert.equal(locked.appCode, 'TOO_MANY_ATTEMPTS');
  assert.equal(locked.code, 'TOO_MANY_REQUESTS');
});

test('logout ends the session for good', async () => {
  const s = await signIn(app, 'known@test.io');
  const stolenCookie = s.cookie;
  await s.trpc.auth.logout.mutate();
  assert.equal(await outcome(httpClient(app, { cookie: stolenCookie }).auth.me.query()), 'UNAUTHORIZED');
});

test('mutations from a foreign origin are refused (CSRF); our own origin is fine', async () => {
  const s = await signIn(app, 'root@test.io');
  const evil = httpClient(app, { cookie: s.cookie }, 'https://evil.example');
  const res = await outcome(evil.projects.create.mutate({ path: 'evil/project' }));
  assert.notEqual(res, 'OK');
  const viaFetch = await fetch(`${app.url}/trpc/projects.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'sec-fetch-site': 'cross-site' },
    body: JSON.stringify({ path: 'evil/project' }),
  });
  assert.equal(viaFetch.status, 403);
  const own = httpClient(app, { cookie: s.cookie }, app.url);
  assert.equal((await own.projects.create.mutate({ path: 'good/project' })).path, 'good/project');
  assert.equal((await s.trpc.projects.list.query()).some((p) => p.path === 'evil/project'), false);
});

test('invalid input gets a precise message naming the field', async () => {
  const s = await signIn(app, 'root@test.io');
  const bad = await errorOf(s.trpc.projects.create.mutate({ path: 'no-slash' }));
  assert.equal(bad.appCode, 'INVALID_INPUT');
  assert.match(bad.message, /^path: Project path must look like group\/project/);
  const dup = await errorOf(s.trpc.projects.create.mutate({ path: 'GOOD/project' }));
  assert.equal(dup.appCode, 'PROJECT_PATH_TAKEN');
  const nothing = await errorOf(s.trpc.tickets.update.mutate({ projectPath: 'good/project', iid: 1 }));
  assert.match(nothing.message, /Nothing to update/);
  const missing = await errorOf(s.trpc.tickets.get.query({ projectPath: 'good/project', iid: 999 }));
  assert.equal(missing.appCode, 'TICKET_NOT_FOUND');
});

test('malformed requests do not crash the server', async () => {
  const s = await signIn(app, 'root@test.io');
  for (const body of ['{', 'null', '[]', '{"path": {"$gt": 1}}', 'x'.repeat(3 * 1024 * 1024)]) {
    const res = await fetch(`${app.url}/trpc/projects.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie },
      body,
    });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status} for ${body.slice(0, 20)}`);
  }
  const res = await fetch(`${app.url}/healthz`);
  assert.equal(res.status, 200);
});

test('calls over an open WebSocket stop working the moment the session ends', async () => {
  const s = await signIn(app, 'known@test.io');
  const live = s.live();
  try {
    assert.equal((await live.trpc.auth.me.query()).email, 'known@test.io');
    await s.trpc.auth.logout.mutate();
    assert.equal(await outcome(live.trpc.auth.me.query()), 'UNAUTHORIZED');
  } finally {
    live.close();
  }
});
