/**
 * Group commit (server/domain/core/group-commit.ts), on both engines: concurrent jobs share one
 * transaction, a failing job rolls back alone and gets its own error, and a batch of one (which
 * runs without a savepoint, issue 14) keeps nothing of a failed job and everything of a good one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { createGroupCommit } from './group-commit';
import { projects } from '../../../db/schema';
import { startTestApp, type TestApp } from '../../testing/test-app';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(() => app.close());

const exists = async (path: string) => Boolean(await app.dc.db.select({ id: projects.id }).from(projects).where(eq(projects.path, path)).get());

test('jobs of one batch commit together; a failing job rolls back alone with its own error', async () => {
  const write = createGroupCommit(app.dc);
  const results = await Promise.allSettled(
    ['g/one', 'g/two', 'g/bad', 'g/three'].map((path) =>
      write(async (tx) => {
        await tx.insert(projects).values({ path, name: path, createdAt: 1 }).run();
        if (path === 'g/bad') throw new Error('bad job');
        return path;
      }),
    ),
  );
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['g/one', 'g/two', 'bad job', 'g/three'],
  );
  assert.deepEqual(await Promise.all(['g/one', 'g/two', 'g/bad', 'g/three'].map(exists)), [true, true, false, true]);
});

test('a batch of one: a failed job keeps nothing and gets its error; a good one commits', async () => {
  const write = createGroupCommit(app.dc);
  await assert.rejects(
    write(async (tx) => {
      await tx.insert(projects).values({ path: 's/failed', name: 'F', createdAt: 1 }).run();
      await tx.insert(projects).values({ path: 's/failed-2', name: 'F', createdAt: 1 }).run();
      throw new Error('alone');
    }),
    /alone/,
  );
  assert.equal(await exists('s/failed'), false);
  assert.equal(await exists('s/failed-2'), false);
  // a database error of the job itself (a duplicate path) is its error too
  await assert.rejects(write((tx) => tx.insert(projects).values({ path: 'g/one', name: 'dup', createdAt: 1 }).run()));
  assert.equal(await write(async (tx) => (await tx.insert(projects).values({ path: 's/ok', name: 'OK', createdAt: 1 }).returning({ id: projects.id }).get())!.id > 0), true);
  assert.equal(await exists('s/ok'), true);
});

test('the next batch starts once the previous one has committed, not once its commit is durable; each job settles only when its batch is', async () => {
  // A database whose commit becomes durable 30 ms after it is visible (as SQLite's WAL sync in
  // the thread pool can take on a busy disk): the second batch must not wait for that.
  const order: string[] = [];
  const db = app.dc.db;
  const slowSync = Object.create(db) as typeof db;
  slowSync.write = (fn, opts) =>
    db.write(fn, {
      ...opts,
      onCommitted: () => {
        order.push('committed');
        opts?.onCommitted?.();
      },
    }).then(async (v) => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('durable');
      return v;
    });
  const write = createGroupCommit({ ...app.dc, db: slowSync });
  let second: Promise<unknown> | null = null;
  const first = write(async (tx) => {
    order.push('batch 1 runs');
    await tx.insert(projects).values({ path: 'p/one', name: 'One', createdAt: 1 }).run();
    // queued while batch 1 runs: it goes into batch 2
    second = write(async (tx2) => {
      order.push('batch 2 runs');
      await tx2.insert(projects).values({ path: 'p/two', name: 'Two', createdAt: 1 }).run();
    }).then(() => order.push('job 2 settled'));
  }).then(() => order.push('job 1 settled'));
  await first;
  await second;
  assert.deepEqual(order, ['batch 1 runs', 'committed', 'batch 2 runs', 'committed', 'durable', 'job 1 settled', 'durable', 'job 2 settled']);
  assert.equal(await exists('p/two'), true);
});
