/**
 * Saved views (issue 12, item 9): named filters and sort, personal or shared with the project;
 * personal views stay private (even their change events name nothing), shared ones are changed by
 * whoever shared them or a maintainer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp, seedMembers } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let dev: Session;
let boss: Session;
let guest: Session;
const P = 'acme/app';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedMembers(app, P, [['rep@test.io', 'reporter'], ['dev@test.io', 'developer'], ['boss@test.io', 'maintainer'], ['guest@test.io', 'guest']]);
  rep = await signIn(app, 'rep@test.io');
  dev = await signIn(app, 'dev@test.io');
  boss = await signIn(app, 'boss@test.io');
  guest = await signIn(app, 'guest@test.io');
});
after(() => app.close());

test('personal views are their owner\'s alone; shared ones everyone reads; events name no view', async () => {
  const live = dev.live();
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  await new Promise((r) => setTimeout(r, 200));
  const mine = await rep.trpc.savedViews.save.mutate({ projectPath: P, name: 'My refunds', shared: false, filters: { assignee: 'me', label: 'refund' } });
  const shared = await rep.trpc.savedViews.save.mutate({ projectPath: P, name: 'Waiting longest', shared: true, filters: { state: 'opened', sort: 'waiting' } });
  const [e] = await events.waitFor(2);
  assert.deepEqual(e?.data.event, { type: 'saved_views.changed' });
  events.stop();
  live.close();

  assert.deepEqual((await rep.trpc.savedViews.list.query({ projectPath: P })).map((v) => [v.name, v.shared, v.mine]), [['My refunds', false, true], ['Waiting longest', true, true]]);
  assert.deepEqual((await dev.trpc.savedViews.list.query({ projectPath: P })).map((v) => [v.name, v.mine]), [['Waiting longest', false]]);
  assert.deepEqual((await guest.trpc.savedViews.list.query({ projectPath: P })).map((v) => v.name), ['Waiting longest']);
  assert.deepEqual((await boss.trpc.savedViews.list.query({ projectPath: P })).map((v) => [v.name, v.mine]), [['Waiting longest', true]]);

  assert.equal(await outcome(dev.trpc.savedViews.remove.mutate({ projectPath: P, id: mine.id })), 'NOT_FOUND');
  assert.equal(await outcome(dev.trpc.savedViews.remove.mutate({ projectPath: P, id: shared.id })), 'FORBIDDEN');
  assert.equal(await outcome(guest.trpc.savedViews.save.mutate({ projectPath: P, name: 'x', shared: false, filters: {} })), 'FORBIDDEN');
  assert.equal(await outcome(rep.trpc.savedViews.save.mutate({ projectPath: P, name: 'bad', shared: false, filters: { sort: 'random' } as never })), 'BAD_REQUEST');
  assert.equal(await outcome(rep.trpc.savedViews.save.mutate({ projectPath: P, name: 'bad', shared: false, filters: { limit: 5 } as never })), 'BAD_REQUEST');

  // A shared view that names a customer carries their address: guests (who see addresses masked) never get it.
  const acme = await rep.trpc.savedViews.save.mutate({ projectPath: P, name: 'Acme', shared: true, filters: { customer: 'kim@acme.io' } });
  const acmeSearch = await rep.trpc.savedViews.save.mutate({ projectPath: P, name: 'Acme search', shared: true, filters: { search: 'refund from:@acme.io' } });
  assert.deepEqual((await dev.trpc.savedViews.list.query({ projectPath: P })).map((v) => v.name), ['Acme', 'Acme search', 'Waiting longest']);
  assert.deepEqual((await guest.trpc.savedViews.list.query({ projectPath: P })).map((v) => v.name), ['Waiting longest']);
  assert.doesNotMatch(JSON.stringify(await guest.trpc.savedViews.list.query({ projectPath: P })), /acme/);
  await rep.trpc.savedViews.remove.mutate({ projectPath: P, id: acme.id });
  await rep.trpc.savedViews.remove.mutate({ projectPath: P, id: acmeSearch.id });

  const renamed = await rep.trpc.savedViews.save.mutate({ projectPath: P, id: mine.id, name: 'Refunds for me', shared: false, filters: { assignee: 'me', label: 'refund', sort: 'newest' } });
  assert.deepEqual([renamed.name, renamed.filters.sort], ['Refunds for me', 'newest']);
  await boss.trpc.savedViews.remove.mutate({ projectPath: P, id: shared.id });
  assert.deepEqual((await dev.trpc.savedViews.list.query({ projectPath: P })).map((v) => v.name), []);
});
