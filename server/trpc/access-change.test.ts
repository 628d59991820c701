/**
 * A live viewer whose access level changes (a role lowered or raised, admin rights, removal) gets
 * their project events ended with a reason, so the page reloads what it may see now instead of
 * keeping confidential tickets on screen or missing ones it may now see.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/access';
let app: TestApp;
let admin: Session;
let dev: Session;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  admin = await signIn(app, 'admin@test.io');
  await seedProject(app, P);
  await seedUser(app, 'dev@test.io');
  await seedMember(app, P, 'dev@test.io', 'developer');
  dev = await signIn(app, 'dev@test.io');
});
after(() => app.close());

type Item = { data: ProjectEventEnvelope };
/** Where the caller's view of the queue stands now: a subscription from here misses nothing. */
const now = async (who: Session) => (await who.trpc.tickets.list.query({ projectPath: P })).lastEventId;
const appCode = (err: unknown) => (err as { data?: { appCode?: string } }).data?.appCode;

test('a lowered, then raised, then removed member: each change ends the stream with its reason', async () => {
  const live = dev.live();
  const from = await now(dev);
  const first = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: from }, h));
  await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Seen as developer', confidential: true });
  await first.waitFor(1);
  await admin.trpc.members.set.mutate({ projectPath: P, email: 'dev@test.io', role: 'guest' });
  await assert.rejects(first.waitFor(2), (err) => appCode(err) === 'ACCESS_CHANGED');
  first.stop();

  // Subscribed again at the new level, the stream goes on, masked as a guest sees it.
  const fromAsGuest = await now(dev);
  const asGuest = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: fromAsGuest }, h));
  await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Confidential, not for guests', confidential: true });
  await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'For everyone', confidential: false });
  const [seen] = await asGuest.waitFor(1);
  assert.equal(seen?.data.event.type === 'ticket.created' && seen.data.event.ticket.title, 'For everyone');

  // Raised again: the stream ends too, so the page loads the confidential tickets it may now see.
  await admin.trpc.members.set.mutate({ projectPath: P, email: 'dev@test.io', role: 'developer' });
  await assert.rejects(asGuest.waitFor(2), (err) => appCode(err) === 'ACCESS_CHANGED');
  asGuest.stop();

  const fromAsDeveloper = await now(dev);
  const asDeveloper = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: fromAsDeveloper }, h));
  await admin.trpc.members.remove.mutate({ projectPath: P, email: 'dev@test.io' });
  await assert.rejects(asDeveloper.waitFor(1), (err) => ['FORBIDDEN', 'PROJECT_NOT_FOUND'].includes(appCode(err) ?? ''));
  asDeveloper.stop();
  live.close();
});

test('a stream whose level did not change goes on across unrelated membership changes', async () => {
  await seedMember(app, P, 'dev@test.io', 'developer');
  await seedUser(app, 'other@test.io');
  const live = dev.live();
  const from = await now(dev);
  const items = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: from }, h));
  await admin.trpc.members.set.mutate({ projectPath: P, email: 'other@test.io', role: 'reporter' });
  await admin.trpc.members.set.mutate({ projectPath: P, email: 'dev@test.io', role: 'developer' });
  await admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Still here' });
  await items.waitFor(1);
  assert.equal(items.errors.length, 0);
  items.stop();
  live.close();
});
