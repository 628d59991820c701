/**
 * Writes sent without waiting for their answer (db/later.ts), on SQLite or on the harness's
 * PostgreSQL pass: a read after them sees them, and a failed one fails its own job with its own
 * error (not PostgreSQL's "current transaction is aborted" of the statements behind it), rolling
 * back that job alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { like, sql } from 'drizzle-orm';
import { openDb, type Db, type Tx } from './client';
import { later } from './later';
import { prepared } from './prepared';
import { projects } from './schema';
import { testDatabaseUrl } from '../server/testing/test-app';

let db: Db;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'later-'));
  db = await openDb(dir, { databaseUrl: await testDatabaseUrl() });
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

// a statement built once, as the hot paths use them: a promise on both engines (a builder's
// `.run()` on SQLite runs, and throws, at once)
const insertProject = prepared<{ path: string; name: string }, unknown>('run', (q) =>
  q.insert(projects).values({ path: sql.placeholder('path'), name: sql.placeholder('name'), createdAt: 1 } as unknown as typeof projects.$inferInsert),
);
const add = (tx: Tx, p: string) => insertProject(tx, { path: p, name: p });
const paths = async (prefix: string) => (await db.select({ path: projects.path }).from(projects).where(like(projects.path, `${prefix}%`)).all()).map((r) => r.path).sort();
/** the driver's error code (drizzle wraps PostgreSQL's error as the cause of its own) */
const code = (err: unknown) => (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? String(err);

test('a read after writes sent without waiting sees them, and the commit keeps them', async () => {
  const seen = await db.write(async (tx) => {
    for (const p of ['l1/a', 'l1/b', 'l1/c']) later(tx, add(tx, p));
    return (await tx.select({ path: projects.path }).from(projects).where(like(projects.path, 'l1/%')).all()).length;
  });
  assert.equal(seen, 3);
  assert.deepEqual(await paths('l1/'), ['l1/a', 'l1/b', 'l1/c']);
});

test("a failed write sent without waiting fails its own job with its own error; the other jobs commit", async () => {
  await db.write((tx) => add(tx, 'l2/taken'));
  const outcomes: string[] = [];
  await db.write(async (tx) => {
    for (const job of [['l2/one'], ['l2/two', 'l2/taken', 'l2/three'], ['l2/four']]) {
      await db
        .savepoint(tx, async (sp) => {
          for (const p of job) later(sp, add(sp, p));
          // statements behind the failed one: on PostgreSQL they fail as "transaction aborted"
          await sp.select({ path: projects.path }).from(projects).where(like(projects.path, 'l2/%')).all();
        })
        .then(
          () => outcomes.push('ok'),
          (err: unknown) => outcomes.push(code(err)),
        );
    }
  });
  // 23505 / SQLITE_CONSTRAINT_UNIQUE: the duplicate path, not 25P02
  assert.equal(outcomes[0], 'ok');
  assert.match(outcomes[1] ?? '', /^(23505|SQLITE_CONSTRAINT_UNIQUE)$/);
  assert.equal(outcomes[2], 'ok');
  assert.deepEqual(await paths('l2/'), ['l2/four', 'l2/one', 'l2/taken']);
});

test('a failed write sent without waiting, outside any savepoint, fails the transaction with its error and keeps nothing', async () => {
  await assert.rejects(
    db.write(async (tx) => {
      later(tx, add(tx, 'l3/first'));
      later(tx, add(tx, 'l2/taken'));
      later(tx, add(tx, 'l3/after'));
    }),
    (err: unknown) => /^(23505|SQLITE_CONSTRAINT_UNIQUE)$/.test(code(err)),
  );
  assert.deepEqual(await paths('l3/'), []);
  // the connection is usable for the next write
  await db.write((tx) => add(tx, 'l3/next'));
  assert.deepEqual(await paths('l3/'), ['l3/next']);
});

test("a write's own error is reported when a statement awaited behind a failed unawaited write fails too", async () => {
  await db.write((tx) => add(tx, 'l4/taken'));
  await assert.rejects(
    db.write(async (tx) => {
      later(tx, add(tx, 'l4/taken'));
      // on PostgreSQL this one fails as "current transaction is aborted" (25P02)
      await tx.select().from(projects).where(like(projects.path, 'l4/%')).all();
    }),
    (err: unknown) => /^(23505|SQLITE_CONSTRAINT_UNIQUE)$/.test(code(err)),
  );
});

test('a job whose unawaited write failed rolls back alone, even around a nested savepoint it caught; the next job commits', async () => {
  await db.write((tx) => add(tx, 'l5/taken'));
  const out: string[] = [];
  await db.write(async (tx) => {
    for (const job of [['l5/taken', 'l5/x'], ['l5/y']]) {
      await db
        .savepoint(tx, async (sp) => {
          for (const p of job) later(sp, add(sp, p));
          await db.savepoint(sp, async (inner) => inner.select().from(projects).all()).catch(() => undefined);
          return sp.select().from(projects).all();
        })
        .then(
          () => out.push('ok'),
          (err: unknown) => out.push(code(err)),
        );
    }
  });
  assert.match(out[0] ?? '', /^(23505|SQLITE_CONSTRAINT_UNIQUE)$/);
  assert.equal(out[1], 'ok');
  assert.deepEqual(await paths('l5/'), ['l5/taken', 'l5/y']);
});

test('statements issued together in a write that takes no lock run in the order issued', async () => {
  await db.write(
    async (tx) => {
      for (const p of ['l6/1', 'l6/2', 'l6/3']) later(tx, add(tx, p));
    },
    { lock: false },
  );
  const rows = await db.select({ path: projects.path }).from(projects).where(like(projects.path, 'l6/%')).orderBy(projects.id).all();
  assert.deepEqual(rows.map((r) => r.path), ['l6/1', 'l6/2', 'l6/3']);
});
