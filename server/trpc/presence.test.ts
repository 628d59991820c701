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
  seedProject(app, P);
  for (const [u, r] of [['rep@test.io', 'reporter'], ['dev@test.io', 'developer'], ['guest@test.io', 'guest']] as const) {
    await seedUser(app, u, u.split('@')[0]);
    seedMember(app, P, u, r);
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
