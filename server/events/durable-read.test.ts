/**
 * Positions handed to clients (event seqs) are read only once durable: `readEventsAfter` and
 * `latestSeq` wait for `db.whenDurable()` after reading (on SQLite a commit is visible a moment
 * before its WAL sync ends; a seq taken back by a power cut would be reused for another event).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appendEvents, latestSeq, readEventsAfter } from './store';
import { startTestApp, seedProject, type TestApp } from '../testing/test-app';

let app: TestApp;
before(async () => {
  app = await startTestApp();
  await seedProject(app, 'acme/app');
});
after(() => app.close());

test('events and the latest seq are handed out only after the database says they are durable', async () => {
  const db = app.dc.db;
  await db.write((tx) => appendEvents(db, tx, [{ projectId: 1, ticketId: null, minAccess: 0, event: { type: 'saved_views.changed' } as never }], Date.now(), 'test'));
  const order: string[] = [];
  const waiting: (() => void)[] = [];
  const slow = Object.create(db) as typeof db;
  slow.whenDurable = () => new Promise<void>((r) => waiting.push(r));
  const read = readEventsAfter(slow, 1, 0, 10).then((e) => order.push(`events ${e.length}`));
  const latest = latestSeq(slow, 1).then((s) => order.push(`latest ${s > 0}`));
  // both reads reach the wait (a busy machine may take a while), and hand out nothing before it
  for (let i = 0; i < 500 && waiting.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(waiting.length, 2, 'both waited for durability after reading');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(order.length, 0, 'nothing is handed out before the commit is durable');
  order.push('durable');
  for (const r of waiting) r();
  await Promise.all([read, latest]);
  // both after durability; between themselves in either order
  assert.equal(order[0], 'durable');
  assert.deepEqual(order.slice(1).sort(), ['events 1', 'latest true']);
});
