/**
 * Trap 2 of decision 010: on PostgreSQL a sequence value taken by one transaction can become
 * visible after a higher one taken by another. Eight "nodes" (each its own Db: its own pools and
 * LISTEN connection) commit events concurrently with random delays inside their transactions,
 * while subscribers on other Db instances read "events after my last seq" as fast as they can,
 * the way the live feed does. Every subscriber must see every event exactly once, in seq order.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDb, type Db } from './client';
import { projects } from './schema';
import { appendEvents, EVENTS_CHANNEL, readEventsAfter } from '../server/events/store';
import { startPostgres, type RunningPostgres } from '../server/testing/postgres';

let pg: RunningPostgres;
let url: string;

before(async () => {
  pg = await startPostgres({ settings: { max_connections: 200 } });
  url = await pg.createDatabase('events_order');
});

after(async () => {
  await pg?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('events from 8 concurrent writers reach every subscriber once, in order, with no gaps', { timeout: 120_000 }, async () => {
  const writers: Db[] = [];
  for (let i = 0; i < 8; i++) writers.push(await openDb('', { databaseUrl: url, readPool: 1, writePool: 1 }));
  const readers: Db[] = [];
  for (let i = 0; i < 3; i++) readers.push(await openDb('', { databaseUrl: url, readPool: 2, writePool: 1 }));
  const first = writers[0] as Db;
  const projectId = await first.write(async (tx) => {
    const row = await tx.insert(projects).values({ path: 'acme/app', name: 'App', createdAt: Date.now() }).returning({ id: projects.id }).get();
    return (row as { id: number }).id;
  });

  const PER_WRITER = 40;
  let writing = true;
  const seen: number[][] = readers.map(() => []);
  const subscribers = readers.map(async (db, i) => {
    const got = seen[i] as number[];
    let last = 0;
    let woken = true;
    let wake: (() => void) | null = null;
    const stop = db.listen(EVENTS_CHANNEL, () => {
      woken = true;
      wake?.();
    });
    try {
      for (;;) {
        const done = !writing;
        // Poll as well as listen: a reader that reads between another transaction's seq and
        // its commit is exactly what would expose a gap.
        if (!woken) await Promise.race([new Promise<void>((r) => (wake = r)), sleep(3)]);
        woken = false;
        for (;;) {
          const batch = await readEventsAfter(db, projectId, last, 100);
          if (batch.length === 0) break;
          for (const e of batch) {
            got.push(e.seq);
            last = e.seq;
          }
        }
        if (done) break;
      }
    } finally {
      stop();
    }
  });

  await Promise.all(
    writers.map(async (db, w) => {
      for (let n = 0; n < PER_WRITER; n++) {
        await db.write(async (tx) => {
          await sleep(Math.random() * 6);
          await appendEvents(db, tx, [{ projectId, ticketId: null, minAccess: 0, event: { type: 'test', writer: w, n } as never }], Date.now(), `w${w}`);
          // a delay between taking the seq and committing: the window in which gaps appear
          await sleep(Math.random() * 6);
        });
      }
    }),
  );
  writing = false;
  await Promise.all(subscribers);

  const all = (await first.sqlAll<{ seq: number }>('select seq from events where project_id = ? order by seq', projectId)).map((r) => Number(r.seq));
  assert.equal(all.length, 8 * PER_WRITER);
  for (const [i, got] of seen.entries()) {
    assert.deepEqual(got, all, `subscriber ${i} must see every committed event once, in seq order`);
  }
  await Promise.all([...writers, ...readers].map((db) => db.close()));
});

test('a write that takes no cluster lock cannot append events, and runs beside a locked one', { timeout: 60_000 }, async () => {
  const db = await openDb('', { databaseUrl: url });
  const other = await openDb('', { databaseUrl: url, readPool: 1, writePool: 2 });
  const projectId = (await db.sqlGet<{ id: number }>("select id from projects where path = 'acme/app'"))!.id;
  await assert.rejects(
    db.write(async (tx) => {
      assert.equal(db.serialised(tx), false);
      await appendEvents(db, tx, [{ projectId, ticketId: null, minAccess: 0, event: { type: 'test' } as never }], Date.now(), 'loose');
    }, { lock: false }),
    /took no lock/,
    'seq order is commit order only under the lock (trap 2)',
  );
  // a locked write on another node holds the lock while an unlocked one commits meanwhile
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const lockTaken = new Promise<void>((r) => (locked = r));
  const holder = other.write(async (tx) => {
    assert.equal(other.serialised(tx), true);
    locked();
    await held;
  });
  await lockTaken;
  const t0 = Date.now();
  await db.write(async (tx) => {
    await tx.insert(projects).values({ path: 'acme/loose', name: 'L', createdAt: Date.now() }).run();
  }, { lock: false });
  assert.ok(Date.now() - t0 < 5_000, 'the unlocked write did not wait for the lock');
  release();
  await holder;
  await Promise.all([db.close(), other.close()]);
});

test('a write transaction that fails rolls back alone; the next one starts after it ended', { timeout: 60_000 }, async () => {
  const db = await openDb('', { databaseUrl: url });
  const order: string[] = [];
  const a = db
    .write(async (tx) => {
      order.push('a:start');
      await tx.insert(projects).values({ path: 'acme/rolled-back', name: 'X', createdAt: Date.now() }).run();
      await sleep(50);
      order.push('a:fail');
      throw new Error('boom');
    })
    .catch((e: Error) => e.message);
  const b = db.write(async (tx) => {
    order.push('b:start');
    await tx.insert(projects).values({ path: 'acme/kept', name: 'Y', createdAt: Date.now() }).run();
  });
  // a reader never sees a's uncommitted row
  const during = await db.sqlAll("select path from projects where path = 'acme/rolled-back'");
  assert.equal(await a, 'boom');
  await b;
  assert.deepEqual(order, ['a:start', 'a:fail', 'b:start']);
  assert.equal(during.length, 0);
  const paths = (await db.sqlAll<{ path: string }>("select path from projects where path like 'acme/%' order by path")).map((r) => r.path);
  assert.ok(paths.includes('acme/kept'));
  assert.ok(!paths.includes('acme/rolled-back'));
  await assert.rejects(
    db.sqlAll("insert into projects (path, name, created_at) values ('acme/sneaky', 'Z', 1)"),
    /read-only/,
    'the reader must refuse writes',
  );
  await db.close();
});

test('a write whose connection the server kills fails alone: no crash, and the next write works', { timeout: 60_000 }, async () => {
  const db = await openDb('', { databaseUrl: url });
  const admin = await openDb('', { databaseUrl: url, readPool: 1, writePool: 1 });
  let killed = 0;
  const victim = db.write(async (tx) => {
    await tx.insert(projects).values({ path: 'acme/killed', name: 'K', createdAt: Date.now() }).run();
    // while this transaction is open, the server ends its connection (a failover, an admin)
    killed = (
      await admin.sqlAll<{ ok: boolean }>(
        "select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and state = 'idle in transaction' and pid <> pg_backend_pid()",
      )
    ).length;
    await sleep(100);
    await tx.insert(projects).values({ path: 'acme/killed-2', name: 'K2', createdAt: Date.now() }).run();
  });
  await assert.rejects(victim, /Failed query/, 'the write fails (its connection was ended)');
  assert.equal(killed, 1, 'exactly our open write transaction was ended');
  await db.write(async (tx) => {
    await tx.insert(projects).values({ path: 'acme/after-kill', name: 'A', createdAt: Date.now() }).run();
  });
  const paths = (await db.sqlAll<{ path: string }>("select path from projects where path like 'acme/%kill%' order by path")).map((r) => r.path);
  assert.deepEqual(paths, ['acme/after-kill']);
  await Promise.all([db.close(), admin.close()]);
});
