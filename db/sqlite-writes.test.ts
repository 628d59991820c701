/**
 * Trap 1 of decision 010: better-sqlite3 is synchronous and has one connection per handle. With
 * an async domain, a write transaction that awaits must not let other work run on its
 * connection: other writers wait their turn, readers (a separate read-only connection) see only
 * committed rows, and a rollback undoes only its own transaction's work.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDb } from './client';
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
