/**
 * Security review 3, L2: a live stream stops delivering as soon as its viewer is removed, lowered,
 * deactivated or signed out — nothing committed after the change reaches them, not even in the
 * second the access check used to be cached for — on the node that made the change and on
 * another node (PostgreSQL NOTIFY on the harness's second pass; the SQLite file's data version on
 * the first). The change also ends a quiet stream at once, not at the next re-check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, wsClientFor, type Session, type TestApp } from '../testing/test-app';
import { createTRPCClient, wsLink } from '@trpc/client';
import type { AppRouter } from './router';
import { accessChanges, noteBodies } from '../testing/access-changes';

const P = 'acme/now';
let a: TestApp;
let b: TestApp;
let admin: Session;

before(async () => {
  a = await startTestApp();
  b = await startTestApp({ DATABASE_URL: a.databaseUrl, DATA_DIR: a.dataDir, NODE_NAME: 'node-b' });
  await seedAdmin(a);
  await seedProject(a, P);
  admin = await signIn(a, 'admin@test.io');
  await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Watched', externalAuthor: 'kim@customer.test' });
});
after(async () => {
  await b?.close();
  await a?.close();
});

type Item = { data: ProjectEventEnvelope };
const bodies = noteBodies;
const changes = accessChanges(P, () => admin);

let n = 0;
for (const node of ['this node', 'another node'] as const) {
  for (const [what, change] of Object.entries(changes)) {
    test(`${what} (stream on ${node}): nothing committed after the change is delivered, and the stream ends at once`, async () => {
      const email = `viewer${++n}@test.io`;
      await seedUser(a, email);
      await seedMember(a, P, email, 'reporter');
      const viewer = await signIn(a, email);
      const on = node === 'this node' ? a : b;
      const ws = wsClientFor(on, viewer.cookie);
      const live = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
      const from = (await admin.trpc.tickets.list.query({ projectPath: P })).lastEventId;
      const got = collect<Item>((h) => live.events.project.subscribe({ projectPath: P, lastEventId: from }, h));
      try {
        // A delivered note: the stream runs and its access check is fresh (cached from here on).
        await admin.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: `before ${n}`, internal: true });
        await got.waitFor(1);
        const changedAt = Date.now();
        await change(email, viewer);
        // Straight after the change, with the old answer still cached: an internal note and a public one.
        await admin.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: `internal after ${n}`, internal: true });
        await admin.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: `public after ${n}`, internal: false });
        await assert.rejects(got.waitFor(2, 3000), (err: unknown) => !String(err).includes('timed out'));
        const took = Date.now() - changedAt;
        await new Promise((r) => setTimeout(r, 300));
        assert.deepEqual(bodies(got.items), [`before ${n}`], `delivered after the change: ${bodies(got.items).slice(1).join(' | ')}`);
        // A quiet stream ends with the change, not at the next re-check (half a second to a second later).
        assert.ok(took < 400 || node === 'another node', `the stream ended ${took} ms after the change`);
      } finally {
        got.stop();
        ws.close();
      }
    });
  }
}

test('a quiet stream ends as soon as the viewer is removed (no event needed)', async () => {
  await seedUser(a, 'quiet@test.io');
  await seedMember(a, P, 'quiet@test.io', 'reporter');
  const viewer = await signIn(a, 'quiet@test.io');
  const live = viewer.live();
  const got = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  try {
    // the stream is open and has checked once
    await new Promise((r) => setTimeout(r, 700));
    const t = Date.now();
    await admin.trpc.members.remove.mutate({ projectPath: P, email: 'quiet@test.io' });
    await assert.rejects(got.waitFor(1, 3000), (err: unknown) => (err as { data?: { code?: string } }).data?.code === 'FORBIDDEN' || (err as { data?: { code?: string } }).data?.code === 'NOT_FOUND');
    const took = Date.now() - t;
    assert.ok(took < 250, `ended ${took} ms after the removal (the re-check alone takes up to 500 ms)`);
  } finally {
    got.stop();
    live.close();
  }
});
