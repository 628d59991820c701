/** The role matrix (SPEC §5): every procedure, every role, over real HTTP and WebSocket. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  collect,
  outcome,
  seedAdmin,
  seedMember,
  seedProject,
  seedUser,
  signIn,
  startTestApp,
  type Session,
  type TestApp,
} from '../testing/test-app';
import type { Role } from '../../shared/roles';

const P = 'acme/desk';
const ROLE_USERS = ['guest', 'reporter', 'developer', 'maintainer', 'owner'] as const satisfies readonly Role[];
type Who = (typeof ROLE_USERS)[number] | 'outsider' | 'admin';
const EVERYONE: Who[] = ['outsider', ...ROLE_USERS, 'admin'];

let app: TestApp;
const s = {} as Record<Who, Session>;
let counter = 0;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app, 'admin@test.io');
  await seedProject(app, P);
  for (const r of ROLE_USERS) {
    await seedUser(app, `${r}@test.io`);
    await seedMember(app, P, `${r}@test.io`, r);
  }
  await seedUser(app, 'outsider@test.io');
  await seedUser(app, 'target@test.io');
  for (const who of EVERYONE) s[who] = await signIn(app, `${who}@test.io`);
  await s.admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Public ticket', confidential: false });
});

after(() => app.close());

/** Runs `call` as each role and returns role → outcome ('OK' or the tRPC error code). */
async function matrix(call: (who: Session) => Promise<unknown>): Promise<Record<Who, string>> {
  const out = {} as Record<Who, string>;
  for (const who of EVERYONE) out[who] = await outcome(call(s[who]));
  return out;
}

/** Expected outcomes when `min` is the lowest role allowed; outsiders never learn the project exists. */
function expected(min: Who): Record<Who, string> {
  const order: Who[] = ['guest', 'reporter', 'developer', 'maintainer', 'owner', 'admin'];
  const out = { outsider: 'NOT_FOUND' } as Record<Who, string>;
  for (const who of order) out[who] = order.indexOf(who) >= order.indexOf(min) ? 'OK' : 'FORBIDDEN';
  return out;
}

function adminOnly(): Record<Who, string> {
  const out = {} as Record<Who, string>;
  for (const who of EVERYONE) out[who] = who === 'admin' ? 'OK' : 'FORBIDDEN';
  return out;
}

describe('role matrix', () => {
  test('projects.get: any member', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.projects.get.query({ projectPath: P })), expected('guest'));
  });

  test('projects.list: everyone signed in, but outsiders do not see the private project', async () => {
    const seen = {} as Record<Who, boolean>;
    for (const who of EVERYONE) seen[who] = (await s[who].trpc.projects.list.query()).some((p) => p.path === P);
    assert.deepEqual(seen, { outsider: false, guest: true, reporter: true, developer: true, maintainer: true, owner: true, admin: true });
  });

  test('members.list: any member', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.members.list.query({ projectPath: P })), expected('guest'));
  });

  test('members.set and members.remove: maintainer and up', async () => {
    assert.deepEqual(
      await matrix((c) => c.trpc.members.set.mutate({ projectPath: P, email: 'target@test.io', role: 'reporter' })),
      expected('maintainer'),
    );
    const removed = await matrix(async (c) => {
      await s.admin.trpc.members.set.mutate({ projectPath: P, email: 'target@test.io', role: 'reporter' });
      await c.trpc.members.remove.mutate({ projectPath: P, email: 'target@test.io' });
    });
    assert.deepEqual(removed, expected('maintainer'));
  });

  test('granting the owner role: owners and admins only', async () => {
    const out = await matrix((c) => c.trpc.members.set.mutate({ projectPath: P, email: 'target@test.io', role: 'owner' }));
    assert.deepEqual(out, { ...expected('owner') });
    await s.admin.trpc.members.remove.mutate({ projectPath: P, email: 'target@test.io' });
  });

  test('tickets.list and tickets.get: any member', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.tickets.list.query({ projectPath: P })), expected('guest'));
    assert.deepEqual(await matrix((c) => c.trpc.tickets.get.query({ projectPath: P, iid: 1 })), expected('guest'));
  });

  test('tickets.create, tickets.update, notes.create: reporter and up', async () => {
    assert.deepEqual(
      await matrix((c) => c.trpc.tickets.create.mutate({ projectPath: P, title: `Made by hand ${++counter}` })),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.tickets.update.mutate({ projectPath: P, iid: 1, labels: [`l${++counter}`] })),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'hello', internal: false })),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'between us', internal: true })),
      expected('reporter'),
    );
  });

  test('events.project: any member may subscribe; outsiders are refused', async () => {
    const out = {} as Record<Who, string>;
    for (const who of EVERYONE) {
      const live = s[who].live();
      const sub = collect<unknown>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
      try {
        await sub.waitFor(1);
        out[who] = 'OK';
      } catch (err) {
        out[who] = String((err as { data?: { code?: string } }).data?.code ?? err);
      } finally {
        sub.stop();
        live.close();
      }
    }
    assert.deepEqual(out, expected('guest'));
  });

  test('users.list, users.create, projects.create: instance admin only', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.users.list.query()), adminOnly());
    assert.deepEqual(
      await matrix((c) => c.trpc.users.create.mutate({ email: `new${++counter}@test.io`, password: 'long enough pw' })),
      adminOnly(),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.projects.create.mutate({ path: `acme/p${++counter}` })),
      adminOnly(),
    );
  });

  test('signed-out callers get UNAUTHORIZED everywhere but sign-in', async () => {
    const { httpClient } = await import('../testing/test-app');
    const anon = httpClient(app, { cookie: '' });
    assert.equal(await outcome(anon.auth.me.query()), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.projects.list.query()), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.tickets.list.query({ projectPath: P })), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.notes.create.mutate({ projectPath: P, iid: 1, body: 'x', internal: false })), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.auth.status.query()), 'OK');
  });
});
