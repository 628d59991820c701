/**
 * Single sign-on against a real OpenID Provider (oidc-provider on a loopback port), driven like a
 * browser: redirects followed by hand with a cookie jar per site, the provider's own sign-in and
 * consent forms submitted. Covers PKCE/state/nonce checks, matching by verified email, creation
 * (off by default), invitations accepted through SSO, deactivated accounts and "SSO only".
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { emailedLink } from '../testing/account-links';
import { startOidcProvider, type TestOidcProvider } from '../testing/oidc-provider';
import { httpClient, outcome, seedAdmin, seedProject, seedUser, signIn, startTestApp, type TestApp } from '../testing/test-app';

let idp: TestOidcProvider;
let app: TestApp;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

before(async () => {
  const port = await freePort();
  idp = await startOidcProvider(`http://127.0.0.1:${port}/auth/oidc/callback`);
  app = await startTestApp({ PORT: String(port), OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret });
  await seedAdmin(app);
  await seedProject(app, 'acme/sso');
  await seedUser(app, 'sam@corp.test', 'Sam Staff');
  idp.accounts.set('sam', { email: 'Sam@Corp.test', emailVerified: true, name: 'Sam at IdP' });
  idp.accounts.set('unverified', { email: 'admin@test.io', emailVerified: false, name: 'Mallory' });
  idp.accounts.set('newbie', { email: 'newbie@corp.test', emailVerified: true, name: 'New Bie' });
});

after(async () => {
  await app?.close();
  await idp?.stop();
});

/** A tiny browser: one cookie jar per origin, redirects followed, the provider's forms submitted as `login`. */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  const jar = (url: URL) => jars.get(url.origin) ?? jars.set(url.origin, new Map()).get(url.origin)!;
  async function request(url: URL, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const cookies = [...jar(url)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(init.body ? { body: init.body.toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') jar(url).delete(name);
      else jar(url).set(name, value);
    }
    return res;
  }
  /**
   * Follows redirects and answers the provider's pages until we are back on the app; returns the
   * final app URL (with `untilCallback`, the provider's redirect to our callback, not yet opened).
   */
  async function signInWithProvider(start: string, login: string, untilCallback = false): Promise<URL> {
    let url = new URL(start);
    let res = await request(url);
    for (let hops = 0; hops < 20; hops++) {
      if (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get('location') ?? '/', url);
        if (url.origin === new URL(start).origin && (untilCallback ? url.pathname === '/auth/oidc/callback' : !url.pathname.startsWith('/auth/oidc/'))) return url;
        res = await request(url);
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1];
      assert.ok(action && prompt, `expected one of the provider's forms at ${url.href} (HTTP ${res.status}): ${html.slice(0, 300)}`);
      const body = new URLSearchParams({ prompt });
      if (prompt === 'login') {
        body.set('login', login);
        body.set('password', 'anything');
      }
      url = new URL(action.replace(/&amp;/g, '&'), url);
      res = await request(url, { method: 'POST', body });
    }
    throw new Error('too many redirects');
  }
  return { request, signInWithProvider, cookie: (origin: string, name: string) => jars.get(new URL(origin).origin)?.get(name) };
}

/** Where `/auth/oidc/start` on `on` sends the browser back to, as a path with its query. */
async function startLandsOn(on: TestApp): Promise<string> {
  const res = await fetch(`${on.url}/auth/oidc/start`, { redirect: 'manual' });
  return res.headers.get('location') ?? '';
}

function sessionClient(b: ReturnType<typeof browser>) {
  const cookie = b.cookie(app.url, 'tl_session');
  return httpClient(app, { cookie: cookie ? `tl_session=${cookie}` : '' });
}

test('the sign-in page offers the provider; an existing account is matched by verified email and returns to the page asked for', async () => {
  const anon = httpClient(app, { cookie: '' });
  const status = await anon.auth.status.query();
  assert.deepEqual(status.sso, { name: '127.0.0.1', unnamed: true }, 'no display name set: the page says "single sign-on", not the host');
  const b = browser();
  const landed = await b.signInWithProvider(`${app.url}/auth/oidc/start?next=${encodeURIComponent('/p/acme/sso')}`, 'sam');
  assert.equal(landed.pathname, '/p/acme/sso');
  const me = await sessionClient(b).auth.me.query();
  assert.equal(me.email, 'sam@corp.test');
  assert.equal(me.name, 'Sam Staff', 'an existing account keeps its own name');
});

test('an account linked to one identity at the provider is not taken over by another identity the provider later gives the same verified email (review 9 L3)', async () => {
  // Sam signed in before (the test above): the account is linked to the provider's subject "sam".
  await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'sam');
  // The provider gives Sam's old address to a new identity (a reused mailbox, a renamed colleague).
  idp.accounts.set('sam-successor', { email: 'sam@corp.test', emailVerified: true, name: 'Someone Else' });
  const b = browser();
  const refused = await b.signInWithProvider(`${app.url}/auth/oidc/start`, 'sam-successor');
  assert.equal(refused.pathname + refused.search, '/login?sso_error=SSO_ACCOUNT_LINKED', 'another identity signed in to Sam\'s account');
  assert.equal(b.cookie(app.url, 'tl_session'), undefined);
  // Sam's own identity still signs in.
  const sam = browser();
  await sam.signInWithProvider(`${app.url}/auth/oidc/start`, 'sam');
  assert.equal((await sessionClient(sam).auth.me.query()).email, 'sam@corp.test');
});

test("an administrator can unlink an account from its identity at the provider (Sam's identity changed): the next verified sign-in links the new one, and the old sessions end", async () => {
  idp.accounts.set('sam-new-tenant', { email: 'sam@corp.test', emailVerified: true, name: 'Sam Staff' });
  const old = browser();
  await old.signInWithProvider(`${app.url}/auth/oidc/start`, 'sam');
  assert.equal((await sessionClient(old).auth.me.query()).email, 'sam@corp.test');
  const refused = await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'sam-new-tenant');
  assert.equal(refused.search, '?sso_error=SSO_ACCOUNT_LINKED');
  const admin = await signIn(app, 'admin@test.io');
  const sam = (await admin.trpc.users.list.query({ search: 'sam@corp.test' }))[0];
  assert.ok(sam?.sso);
  // only administrators
  assert.equal(await outcome(sessionClient(old).users.unlinkSso.mutate({ userId: sam.id })), 'FORBIDDEN');
  const unlinked = await admin.trpc.users.unlinkSso.mutate({ userId: sam.id });
  assert.equal(unlinked.sso, false);
  assert.equal(await outcome(sessionClient(old).auth.me.query()), 'UNAUTHORIZED', 'the sessions of the old identity ended');
  const b = browser();
  await b.signInWithProvider(`${app.url}/auth/oidc/start`, 'sam-new-tenant');
  assert.equal((await sessionClient(b).auth.me.query()).email, 'sam@corp.test');
  assert.equal((await admin.trpc.users.list.query({ search: 'sam@corp.test' }))[0]?.sso, true, 'linked to the new identity');
  const audit = await admin.trpc.audit.instance.query({});
  assert.ok(audit.items.some((e) => e.action === 'user.sso_unlinked' && e.target === 'sam@corp.test'));
  // and the old identity is now the one refused
  assert.equal((await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'sam')).search, '?sso_error=SSO_ACCOUNT_LINKED');
  // (back to Sam's first identity, which the tests below sign in with)
  await admin.trpc.users.unlinkSso.mutate({ userId: sam.id });
  await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'sam');
  idp.accounts.delete('sam-new-tenant');
});

test('the page to return to after sign-in stays on this site, read as a browser reads the Location', async () => {
  // A browser drops tabs and newlines anywhere in a URL and reads "\\" as "/": each of these
  // would have sent the freshly signed-in user to another site.
  for (const next of ['/\t/evil.test/phish', '/\n/evil.test', '/\r\n/evil.test', '/\\evil.test', '/\t\\evil.test', '//evil.test', 'https://evil.test/']) {
    const b = browser();
    const callback = await b.signInWithProvider(`${app.url}/auth/oidc/start?next=${encodeURIComponent(next)}`, 'sam', true);
    const res = await b.request(callback);
    assert.equal(res.status, 302);
    const landed = new URL(res.headers.get('location') ?? '', app.url);
    assert.equal(landed.origin, new URL(app.url).origin, `next=${JSON.stringify(next)} sent the browser to ${landed.href}`);
    assert.equal(landed.pathname, '/');
  }
  // An ordinary page with its query and fragment still comes back as asked.
  const b = browser();
  const landed = await b.signInWithProvider(`${app.url}/auth/oidc/start?next=${encodeURIComponent('/p/acme/sso/-/tickets/1?tab=all#note-3')}`, 'sam');
  assert.equal(`${landed.pathname}${landed.search}${landed.hash}`, '/p/acme/sso/-/tickets/1?tab=all#note-3');
});

test('the authorization request uses PKCE S256, state and nonce; a callback without the browser\'s state cookie is refused', async () => {
  const b = browser();
  const res = await b.request(new URL(`${app.url}/auth/oidc/start`));
  const auth = new URL(res.headers.get('location') ?? '');
  assert.equal(auth.origin, idp.issuer);
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  assert.ok((auth.searchParams.get('code_challenge') ?? '').length >= 43);
  assert.ok(auth.searchParams.get('state'));
  assert.ok(auth.searchParams.get('nonce'));
  assert.equal(auth.searchParams.get('redirect_uri'), `${app.url}/auth/oidc/callback`);
  // Another browser (no state cookie) replaying the callback gets nothing.
  const stranger = await fetch(`${app.url}/auth/oidc/callback?code=abc&state=${auth.searchParams.get('state')}`, { redirect: 'manual' });
  assert.equal(stranger.status, 302);
  assert.equal(stranger.headers.get('location'), '/login?sso_error=SSO_FAILED');
  assert.ok(!stranger.headers.getSetCookie().some((c) => c.startsWith('tl_session=') && !c.startsWith('tl_session=;')));
  // A forged state in this browser is refused too.
  const forged = await b.request(new URL(`${app.url}/auth/oidc/callback?code=abc&state=forged`));
  assert.equal(forged.headers.get('location'), '/login?sso_error=SSO_FAILED');
});

test('an unverified email matches nobody; an unknown one is refused while account creation is off', async () => {
  const landed = await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'unverified');
  assert.equal(landed.pathname + landed.search, '/login?sso_error=SSO_EMAIL_UNVERIFIED');
  const refused = await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'newbie');
  assert.equal(refused.pathname + refused.search, '/login?sso_error=SSO_NO_ACCOUNT');
});

test('an invitation accepted through the provider creates the account and lands in the project', async () => {
  const admin = await signIn(app, 'admin@test.io');
  await admin.trpc.invitations.create.mutate({ email: 'newbie@corp.test', projectPath: 'acme/sso', role: 'reporter' });
  const link = await emailedLink(app, 'invitation', 'newbie@corp.test');
  assert.ok(link);
  const b = browser();
  const landed = await b.signInWithProvider(`${app.url}/auth/oidc/start?invitation=${link.token}`, 'newbie');
  assert.equal(landed.pathname, '/p/acme/sso');
  const client = sessionClient(b);
  assert.equal((await client.auth.me.query()).name, 'New Bie');
  assert.equal((await client.projects.get.query({ projectPath: 'acme/sso' })).role, 'reporter');
  assert.equal((await httpClient(app, { cookie: '' }).auth.invitation.query({ token: link.token })).state, 'used');
});

test('admin settings: creation on, "SSO only" refuses passwords except for admins; a deactivated account cannot sign in through the provider', async () => {
  const admin = await signIn(app, 'admin@test.io');
  const current = await admin.trpc.sso.get.query();
  assert.equal(current.fromEnvironment, true);
  assert.equal(current.hasClientSecret, true);
  assert.ok(!('clientSecret' in current));
  await admin.trpc.sso.update.mutate({ enabled: true, issuer: idp.issuer, clientId: idp.clientId, providerName: 'Corp Login', autoCreate: true, ssoOnly: true });
  assert.deepEqual((await httpClient(app, { cookie: '' }).auth.status.query()).sso, { name: 'Corp Login' });

  idp.accounts.set('fresh', { email: 'fresh@corp.test', emailVerified: true, name: 'Fresh Face' });
  const b = browser();
  assert.equal((await b.signInWithProvider(`${app.url}/auth/oidc/start`, 'fresh')).pathname, '/');
  assert.equal((await sessionClient(b).auth.me.query()).email, 'fresh@corp.test');

  assert.equal(await outcome(signIn(app, 'sam@corp.test')), 'FORBIDDEN');
  await signIn(app, 'admin@test.io');

  const sam = (await admin.trpc.users.list.query({ search: 'sam@' }))[0];
  assert.ok(sam?.sso);
  await admin.trpc.users.deactivate.mutate({ userId: sam.id });
  const landed = await browser().signInWithProvider(`${app.url}/auth/oidc/start`, 'sam');
  assert.equal(landed.pathname + landed.search, '/login?sso_error=ACCOUNT_DEACTIVATED');
  await admin.trpc.sso.update.mutate({ enabled: true, issuer: idp.issuer, clientId: idp.clientId, providerName: 'Corp Login', autoCreate: false, ssoOnly: false });
  const audit = await admin.trpc.audit.instance.query({ limit: 20 });
  const change = audit.items.find((e) => e.action === 'settings.sso_changed');
  assert.ok(change && !JSON.stringify(change.detail).includes(idp.clientSecret));
});

test('a provider that does not answer is "unreachable"; settings that cannot work say so instead, at the start of a sign-in', async () => {
  const other = await startTestApp();
  // A copy of the real provider's metadata served from another address: its issuer is not this one.
  const metadata = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).text();
  const mirror = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(metadata));
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  try {
    await seedAdmin(other);
    const admin = await signIn(other, 'admin@test.io');
    const use = (issuer: string) => admin.trpc.sso.update.mutate({ enabled: true, issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, providerName: 'Corp', autoCreate: false, ssoOnly: false });

    await use(`http://127.0.0.1:${await freePort()}`);
    assert.equal(await startLandsOn(other), '/login?sso_error=SSO_UNREACHABLE', 'nothing listens there');

    await use('http://sso.example.test');
    assert.equal(await startLandsOn(other), '/login?sso_error=SSO_MISCONFIGURED', 'plain http to another machine is refused');
    await use(`http://127.0.0.1:${(mirror.address() as AddressInfo).port}`);
    assert.equal(await startLandsOn(other), '/login?sso_error=SSO_MISCONFIGURED', "the metadata names another issuer");
    await use(`${idp.issuer}/no-such-tenant`);
    assert.equal(await startLandsOn(other), '/login?sso_error=SSO_MISCONFIGURED', 'no metadata at the issuer URL');

    await use(idp.issuer);
    assert.equal(new URL(await startLandsOn(other)).origin, idp.issuer, 'the right settings reach the provider');
  } finally {
    mirror.close();
    await other.close();
  }
});

test('at the callback, a client the provider refuses is a settings problem; a provider that stopped answering is "unreachable"', async () => {
  const port = await freePort();
  const provider = await startOidcProvider(`http://127.0.0.1:${port}/auth/oidc/callback`);
  const node = await startTestApp({ PORT: String(port), OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret });
  try {
    await seedAdmin(node);
    await seedUser(node, 'sam@corp.test', 'Sam Staff');
    provider.accounts.set('sam', { email: 'sam@corp.test', emailVerified: true, name: 'Sam' });
    const admin = await signIn(node, 'admin@test.io');
    const settings = { enabled: true, issuer: provider.issuer, clientId: provider.clientId, providerName: 'Corp', autoCreate: false, ssoOnly: false };

    const refused = browser();
    const callback = await refused.signInWithProvider(`${node.url}/auth/oidc/start`, 'sam', true);
    await admin.trpc.sso.update.mutate({ ...settings, clientSecret: 'not-the-secret-the-provider-knows' });
    const wrongSecret = await refused.request(callback);
    assert.equal(wrongSecret.headers.get('location'), '/login?sso_error=SSO_MISCONFIGURED');

    await admin.trpc.sso.update.mutate({ ...settings, clientSecret: provider.clientSecret });
    const b = browser();
    const back = await b.signInWithProvider(`${node.url}/auth/oidc/start`, 'sam', true);
    await provider.stop();
    const res = await b.request(back);
    assert.equal(res.headers.get('location'), '/login?sso_error=SSO_UNREACHABLE', 'the token endpoint did not answer');
    assert.equal(b.cookie(node.url, 'tl_session'), undefined, 'nobody is signed in');
  } finally {
    await node.close();
    await provider.stop().catch(() => undefined);
  }
});
