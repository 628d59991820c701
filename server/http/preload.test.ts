/**
 * A page comes with the answers to the queries it is about to make (shared/preload.ts), over real
 * HTTP: the same answers the API gives that visitor, nothing for someone who may not see them,
 * never cached, and no customer text can end the script element it travels in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PRELOAD_ELEMENT_ID, preloadKey } from '../../shared/preload';
import { ensureBuilt } from '../tools/build.mjs';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let outsider: Session;
let iid: number;
const HOSTILE = 'Printer </script><script>alert(1)</script> broken';

before(async () => {
  await ensureBuilt({ quiet: true });
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'private');
  await seedUser(app, 'rep@test.io', 'Rep');
  await seedUser(app, 'out@test.io', 'Out');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  outsider = await signIn(app, 'out@test.io');
  iid = (await rep.trpc.tickets.create.mutate({ projectPath: 'acme/app', title: HOSTILE, description: 'It **burns**.\u2028Really.' })).iid;
  await rep.trpc.tickets.create.mutate({ projectPath: 'acme/app', title: 'Second one' });
});
after(() => app.close());

async function page(path: string, cookie?: string) {
  const res = await fetch(`${app.url}${path}`, { headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const m = new RegExp(`<script type="application/json" id="${PRELOAD_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  return { res, html, entries: m ? (JSON.parse(m[1] as string) as Record<string, unknown>) : null };
}

test("a queue page carries the visitor's first page of tickets and its counts, as the API answers them", async () => {
  const { res, entries } = await page('/p/acme/app', rep.cookie);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store', "a visitor's page is never stored");
  assert.match(res.headers.get('vary') ?? '', /cookie/i);
  assert.ok(entries, 'the page has its answers');
  const list = { projectPath: 'acme/app', state: 'opened', sort: 'activity' };
  const counts = { projectPath: 'acme/app' };
  assert.deepEqual(Object.keys(entries).sort(), [preloadKey('auth.me', undefined), preloadKey('auth.status', undefined), preloadKey('projects.get', { projectPath: 'acme/app' }), preloadKey('tickets.counts', counts), preloadKey('tickets.list', list)].sort());
  const fromApi = await rep.trpc.tickets.list.query({ ...list, state: 'opened', sort: 'activity' });
  const preloaded = entries[preloadKey('tickets.list', list)] as typeof fromApi;
  assert.deepEqual(preloaded.items.map((t) => t.title), fromApi.items.map((t) => t.title));
  assert.equal(preloaded.lastEventId, fromApi.lastEventId, 'live events follow on from the same position');
  assert.deepEqual((entries[preloadKey('auth.me', undefined)] as { email: string }).email, 'rep@test.io');
});

test('the filters in the URL choose the preloaded page, with the inputs the browser will send', async () => {
  const { entries } = await page('/p/acme/app?state=all&assignee=none&sort=newest&search=printer', rep.cookie);
  const list = { projectPath: 'acme/app', state: 'all', sort: 'newest', assignee: 'none', search: 'printer' };
  const found = entries?.[preloadKey('tickets.list', { sort: 'newest', search: 'printer', projectPath: 'acme/app', assignee: 'none', state: 'all' })] as { items: { title: string }[] } | undefined;
  assert.ok(found, `preloaded under ${preloadKey('tickets.list', list)}`);
  assert.deepEqual(found.items.map((t) => t.title), [HOSTILE]);
});

test('a ticket page carries the ticket and the event position it was read at', async () => {
  const { entries } = await page(`/p/acme/app/-/tickets/${iid}`, rep.cookie);
  const ticket = entries?.[preloadKey('tickets.get', { projectPath: 'acme/app', iid })] as { title: string } | undefined;
  assert.equal(ticket?.title, HOSTILE);
  assert.ok(entries?.[preloadKey('tickets.list', { projectPath: 'acme/app', state: 'all', limit: 1 })]);
});

test('customer text cannot end the script element: the page parses to the same title', async () => {
  const { html, entries } = await page(`/p/acme/app/-/tickets/${iid}`, rep.cookie);
  assert.ok(!html.includes('<script>alert(1)'), 'no markup from the title reaches the page');
  assert.ok(!html.includes('\u2028'));
  assert.equal((entries?.[preloadKey('tickets.get', { projectPath: 'acme/app', iid })] as { title: string }).title, HOSTILE);
});

test('nobody signed in gets only the status, which says so; someone outside the project gets nothing of it', async () => {
  const anonymous = await page('/p/acme/app');
  assert.equal(anonymous.res.status, 200);
  assert.deepEqual(Object.keys(anonymous.entries ?? {}), [preloadKey('auth.status', undefined)]);
  assert.equal((anonymous.entries?.[preloadKey('auth.status', undefined)] as { signedIn: boolean }).signedIn, false);
  const out = await page(`/p/acme/app/-/tickets/${iid}`, outsider.cookie);
  assert.deepEqual(Object.keys(out.entries ?? {}).sort(), [preloadKey('auth.me', undefined), preloadKey('auth.status', undefined)]);
  assert.equal((out.entries?.[preloadKey('auth.status', undefined)] as { signedIn: boolean }).signedIn, true);
  assert.ok(!out.html.includes('Printer'), "the project's tickets stay out of the page");
});
