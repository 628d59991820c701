/**
 * Trap 1 of decision 010: better-sqlite3 is synchronous and has one connection per handle. With
 * an async domain, a write transaction that awaits must not let other work run on its
 * connection: other writers wait their turn, readers (a separate read-only connection) see only
 * committed rows, and a rollback undoes only its own transaction's work.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DB_FILE_NAME, migrationsApplied, openDb } from './client';
import { projects } from './schema';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SQLite: awaited write transactions never interleave; readers see committed data only', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-writes-'));
  const db = await openDb(dir);
  try {
    const order: string[] = [];
    const a = db
      .write(async (tx) => {
        order.push('a:start');
        await tx.insert(projects).values({ path: 'acme/rolled-back', name: 'X', createdAt: 1 }).run();
        await sleep(30); // other work gets the event loop here
        order.push('a:fail');
        throw new Error('boom');
      })
      .catch((e: Error) => e.message);
    const b = db.write(async (tx) => {
      order.push('b:start');
      await tx.insert(projects).values({ path: 'acme/kept', name: 'Y', createdAt: 1 }).run();
      await sleep(5);
      order.push('b:end');
    });
    await sleep(10);
    const during = await db.select().from(projects).all();
    assert.equal(during.length, 0, 'a reader must not see an uncommitted row');
    assert.equal(await a, 'boom');
    await b;
    assert.deepEqual(order, ['a:start', 'a:fail', 'b:start', 'b:end']);
    const paths = (await db.select({ path: projects.path }).from(projects).all()).map((r) => r.path);
    assert.deepEqual(paths, ['acme/kept'], "b's row survives a's rollback; a's row is gone");
    await assert.rejects(async () => db.insert(projects).values({ path: 'acme/sneaky', name: 'Z', createdAt: 1 }).run(), /readonly/i, 'writes outside db.write fail loudly');
    // savepoints roll back alone
    await db.write(async (tx) => {
      await db.savepoint(tx, async (sp) => {
        await sp.insert(projects).values({ path: 'acme/inner', name: 'I', createdAt: 1 }).run();
      });
      await db.savepoint(tx, async (sp) => {
        await sp.insert(projects).values({ path: 'acme/inner-failed', name: 'F', createdAt: 1 }).run();
        throw new Error('inner');
      }).catch(() => undefined);
    });
    const after = (await db.select({ path: projects.path }).from(projects).all()).map((r) => r.path).sort();
    assert.deepEqual(after, ['acme/inner', 'acme/kept']);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite: the WAL is checkpointed by a thread of its own, not by the committing event loop', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-ckpt-'));
  const db = await openDb(dir);
  try {
    const sqlite = db.sqlite as NonNullable<typeof db.sqlite>;
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 10_000, "the writer's own checkpoints are only a safety net");
    // ~2,400 pages of WAL (more than SQLite's default checkpoint threshold of 1,000)
    const big = 'x'.repeat(40_000);
    for (let i = 0; i < 240; i++) {
      await db.write(async (tx) => {
        await tx.insert(projects).values({ path: `acme/p${i}`, name: big, createdAt: i }).run();
      });
    }
    // Pages reach the database file only by checkpoints. The writer would run none before 10,000
    // pages, and this test runs none: the file grows because the checkpointer thread copies them.
    const dbFile = path.join(dir, DB_FILE_NAME);
    let size = statSync(dbFile).size;
    for (let i = 0; i < 100 && size < 9_000_000; i++) {
      await sleep(50);
      size = statSync(dbFile).size;
    }
    assert.ok(size >= 9_000_000, `the database file holds the ~10 MB written (${size} bytes)`);
    const rows = await db.select({ path: projects.path }).from(projects).all();
    assert.equal(rows.length, 240);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite: whenDurable() waits for the WAL sync of every commit made so far', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-durable-'));
  const db = await openDb(dir);
  try {
    await db.whenDurable(); // nothing committed yet: at once
    let pending: Promise<void> | null = null;
    let settledAtCommit: boolean | null = null;
    const written = db.write(
      async (tx) => {
        await tx.insert(projects).values({ path: 'acme/durable', name: 'D', createdAt: 1 }).run();
      },
      {
        onCommitted: () => {
          // committed and visible, its sync started in the thread pool: not durable yet
          const p = db.whenDurable();
          pending = p;
          let settled = false;
          void p.then(() => (settled = true));
          void Promise.resolve().then(() => (settledAtCommit = settled));
        },
      },
    );
    // visible to readers before it is durable...
    await new Promise((r) => setImmediate(r));
    assert.equal(settledAtCommit, false, 'whenDurable() is pending while the commit is being synced');
    await pending;
    await written;
    assert.equal((await db.select().from(projects).all()).length, 1);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new database reports every migration it applied, in order; opening it again reports none', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-migrations-'));
  try {
    const db = await openDb(dir);
    const journal = JSON.parse(readFileSync(path.join(import.meta.dirname, 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    assert.deepEqual(migrationsApplied, journal.entries.map((e) => e.tag));
    await db.close();
    const again = await openDb(dir);
    assert.deepEqual(migrationsApplied, []);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
