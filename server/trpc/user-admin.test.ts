/**
 * User administration: deactivation ends a user's live streams on another node within about a
 * second (two app nodes on one database, as in cross-node.test.ts), keeps their notes, refuses
 * their sign-in; the last administrator is protected; every change lands in the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTRPCClient, TRPCClientError, wsLink } from '@trpc/client';
import type { AppRouter } from './router';
import { collect, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, wsClientFor, type TestApp } from '../testing/test-app';

const P = 'acme/ops';
let a: TestApp;
let b: TestApp;

before(async () => {
  a = await startTestApp();
  b = await startTestApp({ DATABASE_URL: a.databaseUrl, DATA_DIR: a.dataDir, NODE_NAME: 'node-b' });
  await seedAdmin(a);
  await seedProject(a, P);
  await seedUser(a, 'dan@test.io', 'Dan Departing');
  await seedMember(a, P, 'dan@test.io', 'developer');
});

after(async () => {
  await b?.close();
  await a?.close();
});

async function appCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof TRPCClientError ? String((err.data as { appCode?: string }).appCode) : String(err);
  }
}

test('deactivating on node A ends the user\'s streams on node B within about a second; they cannot sign in; their notes stay theirs', async () => {
  const dan = await signIn(a, 'dan@test.io');
  const ticket = await dan.trpc.tickets.create.mutate({ projectPath: P, title: 'Written by Dan' });
  await dan.trpc.notes.create.mutate({ projectPath: P, iid: ticket.iid, body: 'Dan was here', internal: true });
  const ws = wsClientFor(b, dan.cookie);
  const live = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const admin = await signIn(a, 'admin@test.io');
  try {
    const events = collect<unknown>((h) => live.events.project.subscribe({ projectPath: P }, h));
    const presence = collect<unknown>((h) => live.presence.project.subscribe({ projectPath: P, clientId: 'dans-tab-1' }, h));
    await presence.waitFor(1);
    const danId = (await admin.trpc.users.list.query({ search: 'dan@' }))[0]?.id ?? 0;
    const out = await admin.trpc.users.deactivate.mutate({ userId: danId });
    assert.equal(out.deactivated, true);
    const at = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (events.errors.length > 0 && presence.errors.length > 0) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - at > 4000) {
          clearInterval(timer);
          reject(new Error(`streams still open 4 s after deactivation (events ${events.errors.length}, presence ${presence.errors.length})`));
        }
      }, 50);
    });
    const took = Date.now() - at;
    assert.ok(took <= 2000, `streams ended ${took} ms after the deactivation on the other node (want ≤ 2 s)`);
    assert.equal(await outcome(dan.trpc.auth.me.query()), 'UNAUTHORIZED');
    assert.equal(await appCode(signIn(b, 'dan@test.io')), 'ACCOUNT_DEACTIVATED');
    assert.equal(await appCode(signIn(b, 'dan@test.io', 'a wrong password')), 'INVALID_CREDENTIALS');
    const detail = await admin.trpc.tickets.get.query({ projectPath: P, iid: ticket.iid });
    assert.equal(detail.author?.name, 'Dan Departing');
    assert.equal(detail.notes.find((n) => n.body === 'Dan was here')?.author?.name, 'Dan Departing');
    const members = await admin.trpc.members.list.query({ projectPath: P });
    assert.equal(members.find((m) => m.user.email === 'dan@test.io')?.deactivated, true);
    assert.equal(await appCode(admin.trpc.tickets.update.mutate({ projectPath: P, iid: ticket.iid, assigneeId: danId })), 'ASSIGNEE_NOT_MEMBER');
    events.stop();
    presence.stop();

    await admin.trpc.users.reactivate.mutate({ userId: danId });
    const back = await signIn(b, 'dan@test.io');
    assert.equal((await back.trpc.projects.get.query({ projectPath: P })).role, 'developer');
  } finally {
    ws.close();
  }
});

test('the last active administrator can be neither demoted nor deactivated; a second one can', async () => {
  const admin = await signIn(a, 'admin@test.io');
  const me = await admin.trpc.auth.me.query();
  assert.equal(await appCode(admin.trpc.users.setAdmin.mutate({ userId: me.id, isAdmin: false })), 'LAST_ADMIN');
  assert.equal(await appCode(admin.trpc.users.deactivate.mutate({ userId: me.id })), 'NOT_YOURSELF');
  const ann = await seedUser(a, 'ann@test.io', 'Ann Admin');
  await admin.trpc.users.setAdmin.mutate({ userId: ann, isAdmin: true });
  const annS = await signIn(a, 'ann@test.io');
  // Ann deactivates the first admin: allowed, one active admin remains. Then Ann cannot lose hers.
  await annS.trpc.users.deactivate.mutate({ userId: me.id });
  assert.equal(await appCode(annS.trpc.users.setAdmin.mutate({ userId: ann, isAdmin: false })), 'LAST_ADMIN');
  await annS.trpc.users.reactivate.mutate({ userId: me.id });
  await annS.trpc.users.setAdmin.mutate({ userId: ann, isAdmin: false });
});

test('users are searched and paged', async () => {
  for (let i = 0; i < 5; i++) await seedUser(a, `page${i}@search.io`, `Paged Person ${i}`);
  const admin = await signIn(a, 'admin@test.io');
  const first = await admin.trpc.users.list.query({ search: 'paged person', limit: 3 });
  assert.equal(first.length, 3);
  const second = await admin.trpc.users.list.query({ search: 'paged person', limit: 3, afterId: first.at(-1)?.id });
  assert.deepEqual([...first, ...second].map((u) => u.email), [0, 1, 2, 3, 4].map((i) => `page${i}@search.io`));
  assert.deepEqual(await admin.trpc.users.list.query({ search: '%' }), []);
  const deactivated = await admin.trpc.users.list.query({ status: 'deactivated' });
  assert.ok(deactivated.every((u) => u.deactivated));
});

test('the audit log records who changed what; admins see the instance, maintainers their project', async () => {
  await seedUser(a, 'max@test.io', 'Max Maintainer');
  await seedMember(a, P, 'max@test.io', 'maintainer');
  const max = await signIn(a, 'max@test.io');
  await max.trpc.members.set.mutate({ projectPath: P, email: 'dan@test.io', role: 'reporter' });
  await max.trpc.serviceDesk.update.mutate({ projectPath: P, sendThankYou: false });
  await max.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'thank_you', body: 'Thanks! %{ISSUE_ID}' });
  await max.trpc.issueTemplates.save.mutate({ projectPath: P, key: 'bug', body: 'Steps:' });
  const page = await max.trpc.audit.project.query({ projectPath: P, limit: 3 });
  assert.deepEqual(page.items.map((e) => e.action), ['issue_template.saved', 'email_template.changed', 'service_desk.settings_changed']);
  assert.ok(page.items.every((e) => e.actor.name === 'Max Maintainer' && e.projectPath === P));
  assert.ok(page.nextCursor);
  const next = await max.trpc.audit.project.query({ projectPath: P, limit: 3, beforeId: page.nextCursor ?? undefined });
  assert.equal(next.items[0]?.action, 'member.role_changed');
  assert.deepEqual(next.items[0]?.detail, { role: 'reporter', from: 'developer' });
  assert.equal(await outcome(max.trpc.audit.instance.query()), 'FORBIDDEN');
  const admin = await signIn(a, 'admin@test.io');
  const all = await admin.trpc.audit.instance.query({ limit: 100 });
  const actions = all.items.map((e) => e.action);
  for (const action of ['user.deactivated', 'user.reactivated', 'user.admin_granted', 'user.admin_removed', 'member.role_changed']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
});
