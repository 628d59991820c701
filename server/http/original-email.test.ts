/** The original email's framed document over real HTTP: its own strict CSP, remote images only when asked, responders only. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawMessages } from '../../db/schema';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let guest: Session;
let iid: number;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'internal');
  await seedUser(app, 'rep@test.io');
  await seedUser(app, 'guest@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  await seedMember(app, 'acme/app', 'guest@test.io', 'guest');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  const raw =
    'From: ann@customer.test\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Logo <broken>\r\nMessage-ID: <frame-1@customer.test>\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Our logo: <img src="https://cdn.customer.test/logo.png" alt="logo"></p><script>steal()</script>\r\n';
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.ok(out.status === 'ticket');
  iid = out.iid;
});
after(() => app.close());

const frame = (cookie: string | undefined, extra = '') =>
  fetch(`${app.url}/original-email?projectPath=acme%2Fapp&iid=${iid}${extra}`, { headers: cookie ? { cookie } : {} });

test('the frame document blocks remote images, by sanitiser and by its own CSP, until the responder asks', async () => {
  const blocked = await frame(rep.cookie);
  assert.equal(blocked.status, 200);
  const csp = blocked.headers.get('content-security-policy') ?? '';
  assert.match(csp, /(^|; )default-src 'none'(;|$)/);
  assert.match(csp, /(^|; )img-src data:(;|$)/);
  assert.match(csp, /(^|; )sandbox(;|$)/, 'scripts stay off even if the frame were opened on its own');
  assert.match(csp, /(^|; )frame-ancestors 'self'(;|$)/);
  assert.equal(blocked.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(blocked.headers.get('referrer-policy'), 'no-referrer');
  const html = await blocked.text();
  assert.match(html, /<title>Logo &lt;broken&gt;<\/title>/);
  assert.ok(!html.includes('src="https://cdn.customer.test') && !html.includes('steal'), html);

  const allowed = await frame(rep.cookie, '&remoteImages=1');
  assert.match(allowed.headers.get('content-security-policy') ?? '', /(^|; )img-src data: http: https:(;|$)/);
  assert.match(allowed.headers.get('content-security-policy') ?? '', /(^|; )sandbox(;|$)/);
  assert.match(await allowed.text(), /<img src="https:\/\/cdn\.customer\.test\/logo\.png" alt="logo" \/>/);

  const appCsp = (await fetch(`${app.url}/`)).headers.get('content-security-policy') ?? '';
  assert.match(appCsp, /img-src 'self' data: blob:;/, "the app's own policy stays strict");
});

test('only responders who may see the ticket get the document', async () => {
  assert.equal((await frame(undefined)).status, 401);
  const asGuest = await frame(guest.cookie);
  assert.equal(asGuest.status, 403);
  assert.match(await asGuest.text(), /reporter role or higher/);
  assert.equal((await fetch(`${app.url}/original-email?projectPath=acme%2Fapp&iid=9999`, { headers: { cookie: rep.cookie } })).status, 404);
  assert.equal((await fetch(`${app.url}/original-email?projectPath=acme%2Fapp`, { headers: { cookie: rep.cookie } })).status, 400);
});

test('the frame shows what the query read: the stored message is read and parsed once for both', async () => {
  const fresh = 'From: bo@customer.test\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Read once\r\nMessage-ID: <frame-2@customer.test>\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The first words.</p>\r\n';
  const out = await app.mail.ingest.receive(Buffer.from(fresh), { source: 'cli' });
  assert.ok(out.status === 'ticket');
  const viewed = await rep.trpc.tickets.originalEmail.query({ projectPath: 'acme/app', iid: out.iid });
  assert.match(viewed.html ?? '', /The first words/);
  // Had the frame read the stored message again, it would now show these bytes instead.
  const changed = await app.dc.db.write((tx) => tx.update(rawMessages).set({ bytes: Buffer.from(fresh.replace('The first words.', 'Read a second time.')) }).returning({ sha256: rawMessages.sha256 }).all());
  assert.ok(changed.length > 0);
  const shown = await fetch(`${app.url}/original-email?projectPath=acme%2Fapp&iid=${out.iid}`, { headers: { cookie: rep.cookie } });
  assert.equal(shown.status, 200);
  const html = await shown.text();
  assert.match(html, /The first words/);
  assert.ok(!html.includes('Read a second time'), html);
  // Who may see it is still checked on every request.
  assert.equal((await fetch(`${app.url}/original-email?projectPath=acme%2Fapp&iid=${out.iid}`, { headers: { cookie: guest.cookie } })).status, 403);
  assert.equal((await fetch(`${app.url}/original-email?projectPath=acme%2Fapp&iid=${out.iid}`)).status, 401);
});
