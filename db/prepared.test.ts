/**
 * Statements built once (db/prepared.ts) store what the builder would: on SQLite, or on the
 * harness's PostgreSQL pass (testDatabaseUrl), the same checks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { openDb, type Db } from './client';
import { inboundMessages } from './schema';
import { prepared } from './prepared';
import { testDatabaseUrl } from '../server/testing/test-app';

let db: Db;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'prepared-'));
  db = await openDb(dir, { databaseUrl: await testDatabaseUrl() });
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = prepared<{ source: string; sha256: string; size: number; envelopeTo: string[] | null; receivedAt: number }, { id: number }>('get', (q) =>
  q
    .insert(inboundMessages)
    .values({ source: sql.placeholder('source'), sha256: sql.placeholder('sha256'), size: sql.placeholder('size'), envelopeTo: sql.placeholder('envelopeTo'), receivedAt: sql.placeholder('receivedAt'), status: 'pending' } as never)
    .returning({ id: inboundMessages.id }),
);

test('a null JSON value is stored as SQL NULL, an array as JSON, the same statement reused', async () => {
  const rows = await db.write(async (tx) => [
    await insert(tx, { source: 'cli', sha256: 'a'.repeat(64), size: 1, envelopeTo: null, receivedAt: 1 }),
    await insert(tx, { source: 'cli', sha256: 'b'.repeat(64), size: 2, envelopeTo: ['x@desk.test'], receivedAt: 2 }),
    await insert(tx, { source: 'cli', sha256: 'c'.repeat(64), size: 3, envelopeTo: null, receivedAt: 3 }),
  ]);
  const stored = await db.rows<{ id: number; isNull: unknown }>(sql`select ${inboundMessages.id} as "id", (${inboundMessages.envelopeTo} is null) as "isNull" from ${inboundMessages} order by ${inboundMessages.id}`);
  assert.deepEqual(
    stored.map((r) => Boolean(r.isNull)),
    [true, false, true],
    'null is SQL NULL, not the text or JSON "null"',
  );
  const second = await db.select().from(inboundMessages).where(eq(inboundMessages.id, (rows[1] as { id: number }).id)).get();
  assert.deepEqual(second?.envelopeTo, ['x@desk.test']);
  assert.equal(second?.status, 'pending');
});

test('a value left undefined is refused, not bound as NULL', async () => {
  await assert.rejects(
    db.write(async (tx) => insert(tx, { source: 'cli', sha256: 'd'.repeat(64), size: 1, envelopeTo: undefined as never, receivedAt: 1 })),
    /no value for envelopeTo/,
  );
});

test("each run is on its caller's own transaction: a rolled-back one leaves nothing", async () => {
  // built with the first transaction's connection; the next transactions may have others
  await db.write(async (tx) => insert(tx, { source: 'cli', sha256: 'e'.repeat(64), size: 5, envelopeTo: null, receivedAt: 5 }));
  for (let i = 0; i < 4; i++) {
    await assert.rejects(
      db.write(async (tx) => {
        await insert(tx, { source: 'rolled-back', sha256: 'f'.repeat(64), size: 6, envelopeTo: null, receivedAt: 6 });
        throw new Error('undo');
      }),
      /undo/,
    );
    // and a transaction running beside another (PostgreSQL: another pool connection)
    await Promise.all([
      db.write(async (tx) => insert(tx, { source: 'beside', sha256: String(i).repeat(64), size: 7, envelopeTo: null, receivedAt: 7 }), { lock: false }),
      db.write(async (tx) => insert(tx, { source: 'beside', sha256: String(i + 5).repeat(64), size: 7, envelopeTo: null, receivedAt: 7 })),
    ]);
  }
  assert.equal((await db.select().from(inboundMessages).where(eq(inboundMessages.source, 'rolled-back')).all()).length, 0);
  assert.equal((await db.select().from(inboundMessages).where(eq(inboundMessages.source, 'beside')).all()).length, 8);
});
