/**
 * Two responders changing one ticket's labels from screens that do not show each other's change
 * yet: `addLabels`/`removeLabels` apply to the labels the ticket has when the change is written.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let a: Session;
let b: Session;
const P = 'acme/labels';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  for (const who of ['a', 'b']) {
    await seedUser(app, `${who}@test.io`);
    await seedMember(app, P, `${who}@test.io`, 'developer');
  }
  a = await signIn(app, 'a@test.io');
  b = await signIn(app, 'b@test.io');
});
after(() => app.close());

const labelsOf = async (iid: number) => (await a.trpc.tickets.get.query({ projectPath: P, iid })).labels;

test('labels added and removed by two people, each from the same stale screen, all count', async () => {
  const { iid } = await a.trpc.tickets.create.mutate({ projectPath: P, title: 'Double charge', labels: ['triage'] });
  await a.trpc.tickets.update.mutate({ projectPath: P, iid, addLabels: ['billing'] });
  await b.trpc.tickets.update.mutate({ projectPath: P, iid, addLabels: ['urgent', 'Billing'] });
  assert.deepEqual([...(await labelsOf(iid))].sort(), ['billing', 'triage', 'urgent']);
  await a.trpc.tickets.update.mutate({ projectPath: P, iid, removeLabels: ['TRIAGE'] });
  await b.trpc.tickets.update.mutate({ projectPath: P, iid, removeLabels: ['urgent'] });
  assert.deepEqual(await labelsOf(iid), ['billing']);
  const notes = (await a.trpc.tickets.get.query({ projectPath: P, iid })).notes.filter((n) => n.system).map((n) => n.body);
  assert.ok(notes.some((n) => n.includes('added ~"urgent"')), notes.join('\n'));
  assert.ok(!notes.some((n) => n.includes('~"Billing"')), 'adding a label the ticket has (any case) changes nothing');
});

test('the whole set and a change to it are not given together; a change past 50 labels is refused', async () => {
  const { iid } = await a.trpc.tickets.create.mutate({ projectPath: P, title: 'Many labels' });
  assert.equal(await outcome(a.trpc.tickets.update.mutate({ projectPath: P, iid, labels: ['x'], addLabels: ['y'] })), 'BAD_REQUEST');
  await a.trpc.tickets.update.mutate({ projectPath: P, iid, labels: Array.from({ length: 50 }, (_, i) => `l${i}`) });
  await assert.rejects(b.trpc.tickets.update.mutate({ projectPath: P, iid, addLabels: ['one-more'] }), /at most 50 labels/);
  assert.equal((await labelsOf(iid)).length, 50);
});
