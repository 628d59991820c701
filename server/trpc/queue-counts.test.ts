/** The queue's counts and label list: right for each filter, and never a hint of confidential tickets below reporter. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp, seedMembers } from '../testing/test-app';

const P = 'acme/counted';
let app: TestApp;
let reporter: Session;
let guest: Session;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedMembers(app, P, [['rep@count.io', 'reporter'], ['guest@count.io', 'guest']]);
  reporter = await signIn(app, 'rep@count.io');
  guest = await signIn(app, 'guest@count.io');
  const t = reporter.trpc.tickets;
  await t.create.mutate({ projectPath: P, title: 'Printer jam', confidential: false, labels: ['hardware'] });
  await t.create.mutate({ projectPath: P, title: 'Printer smoke', confidential: false, labels: ['Hardware', 'urgent'] });
  await t.create.mutate({ projectPath: P, title: 'Payroll printer secret', confidential: true, labels: ['payroll'] });
  await t.create.mutate({ projectPath: P, title: 'Closed one', confidential: false });
  await t.update.mutate({ projectPath: P, iid: 4, state: 'closed' });
});

after(() => app.close());

test('counts follow the filters: state split, label (any case), confidential, search, assignee', async () => {
  const c = (input: Record<string, unknown> = {}) => reporter.trpc.tickets.counts.query({ projectPath: P, ...input });
  assert.deepEqual(await c(), { opened: 3, pending: 0, snoozed: 0, closed: 1 });
  assert.deepEqual(await c({ label: 'HARDWARE' }), { opened: 2, pending: 0, snoozed: 0, closed: 0 });
  assert.deepEqual(await c({ confidential: true }), { opened: 1, pending: 0, snoozed: 0, closed: 0 });
  assert.deepEqual(await c({ confidential: false }), { opened: 2, pending: 0, snoozed: 0, closed: 1 });
  assert.deepEqual(await c({ search: 'printer' }), { opened: 3, pending: 0, snoozed: 0, closed: 0 });
  assert.deepEqual(await c({ assignee: 'me' }), { opened: 0, pending: 0, snoozed: 0, closed: 0 });
  assert.deepEqual(await c({ assignee: 'none' }), { opened: 3, pending: 0, snoozed: 0, closed: 1 });
});

test('a guest counts and searches only what a guest may see', async () => {
  assert.deepEqual(await guest.trpc.tickets.counts.query({ projectPath: P }), { opened: 2, pending: 0, snoozed: 0, closed: 1 });
  assert.deepEqual(await guest.trpc.tickets.counts.query({ projectPath: P, search: 'payroll' }), { opened: 0, pending: 0, snoozed: 0, closed: 0 });
  assert.deepEqual(await guest.trpc.tickets.counts.query({ projectPath: P, confidential: true }), { opened: 0, pending: 0, snoozed: 0, closed: 0 });
});

test('labels.list: every label for a reporter; a guest does not learn labels used only on confidential tickets', async () => {
  const names = async (s: Session) => (await s.trpc.labels.list.query({ projectPath: P })).map((l) => l.name);
  assert.deepEqual(await names(reporter), ['hardware', 'payroll', 'urgent']);
  assert.deepEqual(await names(guest), ['hardware', 'urgent']);
});

test('counts refuse bad input with a precise message', async () => {
  await assert.rejects(
    reporter.trpc.tickets.counts.query({ projectPath: P, assignee: 'someone' as 'me' }),
    (err: Error) => /assignee/.test(err.message),
  );
});
