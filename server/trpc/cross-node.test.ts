/**
 * Two app nodes on one database (PostgreSQL on the harness's second pass; two processes' worth
 * of connections on one SQLite file on the first): a change committed through node A reaches a
 * subscriber on node B, and signing out on node A ends that subscriber's streams on node B
 * within about a second — events and presence alike — though nothing else happens meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTRPCClient, wsLink } from '@trpc/client';
import type { ProjectEventEnvelope } from '../../shared/events';
import type { AppRouter } from './router';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, wsClientFor, type TestApp } from '../testing/test-app';

const P = 'acme/app';
let a: TestApp;
let b: TestApp;

before(async () => {
  a = await startTestApp();
  b = await startTestApp({ DATABASE_URL: a.databaseUrl, DATA_DIR: a.dataDir, NODE_NAME: 'node-b' });
  await seedAdmin(a);
  await seedProject(a, P);
  await seedUser(a, 'rep@test.io', 'Rita Reporter');
  await seedMember(a, P, 'rep@test.io', 'reporter');
});

after(async () => {
  await b?.close();
  await a?.close();
});

test('a ticket created on node A reaches a subscriber on node B; signing out on A ends B\'s streams within about a second', async () => {
  const session = await signIn(a, 'rep@test.io');
  const ws = wsClientFor(b, session.cookie);
  const live = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  try {
    const events = collect<{ data: ProjectEventEnvelope }>((h) => live.events.project.subscribe({ projectPath: P }, h));
    const presence = collect<unknown>((h) => live.presence.project.subscribe({ projectPath: P, clientId: 'tab-on-node-b' }, h));
    await presence.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    await session.trpc.tickets.create.mutate({ projectPath: P, title: 'Made on node A' });
    const [created] = await events.waitFor(1, 5000);
    assert.equal(created?.data.event.type, 'ticket.created');

    await session.trpc.auth.logout.mutate();
    const signedOutAt = Date.now();
    // No further commits: the streams must notice on their own.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (events.errors.length > 0 && presence.errors.length > 0) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - signedOutAt > 4000) {
          clearInterval(timer);
          reject(new Error(`streams still open 4 s after sign-out (events errors ${events.errors.length}, presence errors ${presence.errors.length})`));
        }
      }, 50);
    });
    const took = Date.now() - signedOutAt;
    assert.ok(took <= 2000, `both streams ended ${took} ms after the sign-out on the other node (want ≤ 2 s)`);
    assert.match(String(events.errors[0]), /sign|UNAUTHORIZED|session/i);
    events.stop();
    presence.stop();
  } finally {
    ws.close();
  }
});
