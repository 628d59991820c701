/**
 * A page elsewhere cannot use the visitor's session through `GET /trpc/…` either. tRPC also
 * serves subscriptions as server-sent events over GET, which the Origin check for mutations did
 * not cover: `presence.project` joined the victim's presence (others saw them viewing a ticket
 * they never opened) and `events.project` held a stream open with their session. The SameSite=Lax
 * cookie goes with a link or pop-up from any site (a top-level GET) and with every request from a
 * sibling subdomain (same-site: an `EventSource`, with Origin, or an `<img>`, without).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/desk';
let app: TestApp;
let victim: Session;
let observer: Session;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  for (const who of ['victim', 'observer']) {
    await seedUser(app, `${who}@test.io`, who === 'victim' ? 'Vic Victim' : 'Olga Observer');
    await seedMember(app, P, `${who}@test.io`, 'reporter');
  }
  victim = await signIn(app, 'victim@test.io');
  observer = await signIn(app, 'observer@test.io');
  await victim.trpc.tickets.create.mutate({ projectPath: P, title: 'Salary review', confidential: true });
});

after(() => app.close());

/** GET /trpc/<path> as a browser would send it from another site: the visitor's cookie, and a cross-site marker. */
async function crossSite(path: string, input: unknown, headers: Record<string, string>): Promise<number> {
  const ctrl = new AbortController();
  const res = await fetch(`${app.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { cookie: victim.cookie, accept: 'text/event-stream', ...headers },
    signal: ctrl.signal,
  });
  // Keep a stream that was let through open a moment, as the attacking page would.
  if (res.ok) await new Promise((r) => setTimeout(r, 600));
  ctrl.abort();
  return res.status;
}

test('subscriptions and queries over GET from another site are refused, and nobody sees the visitor join', async () => {
  const live = observer.live();
  const seen = collect<{ name: string; iid: number | null }[]>((h) => live.trpc.presence.project.subscribe({ projectPath: P, clientId: 'observer-tab-1' }, h));
  try {
    await seen.waitFor(1);
    const statuses = {
      'presence.project from an EventSource (Origin)': await crossSite('presence.project', { projectPath: P, clientId: 'evil-tab-0001', iid: 1 }, { origin: 'https://evil.test' }),
      'presence.project from a link on another site (Sec-Fetch-Site)': await crossSite('presence.project', { projectPath: P, clientId: 'evil-tab-0002', iid: 1 }, { 'sec-fetch-site': 'cross-site' }),
      'events.project from an EventSource (Origin)': await crossSite('events.project', { projectPath: P, lastEventId: '0' }, { origin: 'https://evil.test' }),
      'tickets.get from an <img> (Sec-Fetch-Site)': await crossSite('tickets.get', { projectPath: P, iid: 1 }, { 'sec-fetch-site': 'cross-site' }),
      'presence.project from a sibling subdomain\'s <img>': await crossSite('presence.project', { projectPath: P, clientId: 'evil-tab-0003', iid: 1 }, { 'sec-fetch-site': 'same-site' }),
    };
    const joined = seen.items.some((list) => list.some((p) => p.name === 'Vic Victim'));
    assert.equal(joined, false, 'the observer saw the victim join presence from another site');
    assert.deepEqual(statuses, Object.fromEntries(Object.keys(statuses).map((k) => [k, 403])));
  } finally {
    seen.stop();
    live.close();
  }
  // The app's own GETs (same origin, no Origin header) still work.
  const own = await fetch(`${app.url}/trpc/tickets.get?input=${encodeURIComponent(JSON.stringify({ projectPath: P, iid: 1 }))}`, {
    headers: { cookie: victim.cookie, 'sec-fetch-site': 'same-origin' },
  });
  assert.equal(own.status, 200);
  const sameOrigin = await fetch(`${app.url}/trpc/tickets.get?input=${encodeURIComponent(JSON.stringify({ projectPath: P, iid: 1 }))}`, {
    headers: { cookie: victim.cookie, origin: app.url },
  });
  assert.equal(sameOrigin.status, 200);
});
