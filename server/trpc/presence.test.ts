/** Presence over the real WebSocket: responders only, joins and leaves, typing that ends by itself. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let dev: Session;
let guest: Session;
const P = 'acme/app';
type Snap = { clientId: string; name: string; iid: number | null; typing: boolean }[];

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  for (const [u, r] of [['rep@test.io', 'reporter'], ['dev@test.io', 'developer'], ['guest@test.io', 'guest']] as const) {
    await seedUser(app, u, u.split('@')[0]);
    await seedMember(app, P, u, r);
  }
  rep = await signIn(app, 'rep@test.io');
  dev = await signIn(app, 'dev@test.io');
  guest = await signIn(app, 'guest@test.io');
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Presence' });
});
after(() => app.close());

test('responders see each other join, view a ticket, type, and leave; guests cannot take part', async () => {
  const l1 = rep.live();
  const l2 = dev.live();
  const seenByRep = collect<Snap>((h) => l1.trpc.presence.project.subscribe({ projectPath: P, clientId: 'rep-tab-1' }, h));
  await seenByRep.waitFor(1);
  const devSub = collect<Snap>((h) => l2.trpc.presence.project.subscribe({ projectPath: P, clientId: 'dev-tab-1', iid: 1 }, h));
  const until = async (pred: (s: Snap) => boolean) => {
    for (;;) {
      const last = seenByRep.items.at(-1);
      if (last && pred(last)) return last;
      await seenByRep.waitFor(seenByRep.items.length + 1);
    }
  };
  await until((s) => s.some((p) => p.clientId === 'dev-tab-1' && p.iid === 1 && !p.typing));
  await dev.trpc.presence.update.mutate({ projectPath: P, clientId: 'dev-tab-1', iid: 1, typing: true });
  await until((s) => s.some((p) => p.clientId === 'dev-tab-1' && p.typing));
  assert.equal((await rep.trpc.presence.update.mutate({ projectPath: P, clientId: 'dev-tab-1', iid: null, typing: false })).ok, false, 'nobody can speak for another tab');
  devSub.stop();
  l2.close();
  await until((s) => !s.some((p) => p.clientId === 'dev-tab-1'));
  seenByRep.stop();
  l1.close();

  const gl = guest.live();
  const g = collect<Snap>((h) => gl.trpc.presence.project.subscribe({ projectPath: P, clientId: 'guest-tab-1' }, h));
  await assert.rejects(g.waitFor(1), (err: { data?: { code?: string } }) => err.data?.code === 'FORBIDDEN');
  gl.close();
});

test('a client id belongs to the session that joined with it: another session is refused and changes nothing', async () => {
  const repAgain = await signIn(app, 'rep@test.io');
  const owner = rep.live();
  const mine = collect<Snap>((h) => owner.trpc.presence.project.subscribe({ projectPath: P, clientId: 'rep-tab-owned', iid: 1 }, h));
  await mine.waitFor(1);

  const taken = (err: { data?: { code?: string; appCode?: string }; message?: string }) =>
    err.data?.code === 'CONFLICT' && err.data.appCode === 'PRESENCE_CLIENT_TAKEN' && /belongs to another session/.test(err.message ?? '');
  for (const other of [dev, repAgain]) {
    const l = other.live();
    const hijack = collect<Snap>((h) => l.trpc.presence.project.subscribe({ projectPath: P, clientId: 'rep-tab-owned' }, h));
    await assert.rejects(hijack.waitFor(1), taken);
    assert.equal((await other.trpc.presence.update.mutate({ projectPath: P, clientId: 'rep-tab-owned', iid: null, typing: false })).ok, false);
    l.close();
  }

  const watcherLive = dev.live();
  const watcher = collect<Snap>((h) => watcherLive.trpc.presence.project.subscribe({ projectPath: P, clientId: 'dev-watcher' }, h));
  const [first] = await watcher.waitFor(1);
  assert.deepEqual(
    first?.filter((p) => p.clientId === 'rep-tab-owned').map(({ name, iid, typing }) => ({ name, iid, typing })),
    [{ name: 'rep', iid: 1, typing: false }],
    'the owner is still shown, on the ticket it views',
  );
  assert.equal((await rep.trpc.presence.update.mutate({ projectPath: P, clientId: 'rep-tab-owned', iid: null, typing: false })).ok, true);

  mine.stop();
  owner.close();
  for (;;) {
    const last = watcher.items.at(-1);
    if (last && !last.some((p) => p.clientId === 'rep-tab-owned')) break;
    await watcher.waitFor(watcher.items.length + 1);
  }
  // Once its owner has left, the id is free again.
  const laterLive = repAgain.live();
  const later = collect<Snap>((h) => laterLive.trpc.presence.project.subscribe({ projectPath: P, clientId: 'rep-tab-owned' }, h));
  await later.waitFor(1);
  later.stop();
  laterLive.close();
  watcher.stop();
  watcherLive.close();
});

test('a tab whose connection goes silent (no close, no answers) disappears within seconds', async () => {
  const { default: WebSocket } = await import('ws');
  const watcherLive = dev.live();
  const watcher = collect<Snap>((h) => watcherLive.trpc.presence.project.subscribe({ projectPath: P, clientId: 'dev-watching-silence' }, h));
  await watcher.waitFor(1);
  // A bare socket that joins on ticket 1 and then never says anything again, as a browser whose
  // network vanished: it answers no ping and sends no close.
  const silent = new WebSocket(`${app.url.replace(/^http/, 'ws')}/trpc`, { headers: { cookie: rep.cookie, origin: app.url }, autoPong: false });
  await new Promise((resolve, reject) => silent.once('open', resolve).once('error', reject));
  silent.send(JSON.stringify({ id: 1, method: 'subscription', params: { path: 'presence.project', input: { projectPath: P, clientId: 'rep-silent-tab', iid: 1 } } }));
  const until = async (pred: (s: Snap) => boolean) => {
    for (;;) {
      const last = watcher.items.at(-1);
      if (last && pred(last)) return;
      await watcher.waitFor(watcher.items.length + 1, 20_000);
    }
  };
  await until((s) => s.some((p) => p.clientId === 'rep-silent-tab' && p.iid === 1));
  silent.pause();
  // Gone well before the 20 s the wait allows (the server pings after 5 s of quiet, waits 5 s).
  await until((s) => !s.some((p) => p.clientId === 'rep-silent-tab'));
  silent.terminate();
  watcher.stop();
  watcherLive.close();
});
