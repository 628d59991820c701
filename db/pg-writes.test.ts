/**
 * PostgreSQL write transactions (db/client.ts) fold bookkeeping into fewer round trips (issue 14):
 * BEGIN and the cluster-wide lock in one, a savepoint that succeeded released with the next
 * SAVEPOINT or by COMMIT, `notify` sent with the COMMIT. The outcomes must be those of the plain
 * sequence: savepoints roll back alone (nested ones too), a failed transaction keeps nothing and
 * notifies nobody, a committed one notifies with its payload intact.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsApplied, openDb, PG_LOCK, type Db } from './client';
import { later } from './later';
import { projects } from './schema';
import { startPostgres, type RunningPostgres } from '../server/testing/postgres';

let pg: RunningPostgres;
let db: Db;
let dbUrl: string;

before(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase('pg_writes');
  db = await openDb('', { databaseUrl: dbUrl });
  firstMigrations = migrationsApplied;
});
let firstMigrations: readonly string[] = [];

test('a new database reports every migration it applied, in order; opening it again reports none', async () => {
  const journal = JSON.parse(readFileSync(path.join(import.meta.dirname, 'migrations-pg', 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  assert.deepEqual(firstMigrations, journal.entries.map((e) => e.tag));
  const again = await openDb('', { databaseUrl: dbUrl });
  assert.deepEqual(migrationsApplied, []);
  await again.close();
});

after(async () => {
  await db?.close();
  await pg?.stop();
});

const add = (tx: Parameters<Parameters<Db['write']>[0]>[0], path: string) => tx.insert(projects).values({ path, name: path, createdAt: 1 }).run();
const paths = async () => (await db.select({ path: projects.path }).from(projects).all()).map((r) => r.path).sort();

test('savepoints roll back alone, in any order and nesting, with lazy releases', async () => {
  await db.write(async (tx) => {
    assert.equal(db.serialised(tx), true);
    await db.savepoint(tx, (sp) => add(sp, 'a/ok1'));
    await db.savepoint(tx, async (sp) => {
      await add(sp, 'a/failed1');
      throw new Error('job 2');
    }).catch(() => undefined);
    await db.savepoint(tx, (sp) => add(sp, 'a/ok2'));
    // statements between savepoints, after a succeeded one
    await add(tx, 'a/between');
    // nested: an inner success rolled back by its outer failure; an inner failure alone
    await db.savepoint(tx, async (outer) => {
      await db.savepoint(outer, (inner) => add(inner, 'a/inner-of-failed'));
      await add(outer, 'a/outer-failed');
      throw new Error('outer');
    }).catch(() => undefined);
    await db.savepoint(tx, async (outer) => {
      await add(outer, 'a/outer-ok');
      await db.savepoint(outer, async (inner) => {
        await add(inner, 'a/inner-failed');
        throw new Error('inner');
      }).catch(() => undefined);
      await db.savepoint(outer, (inner) => add(inner, 'a/inner-ok'));
    });
    // a failure after a success: rolls back only itself
    await db.savepoint(tx, async (sp) => {
      await add(sp, 'a/ok2'); // unique path: the INSERT fails inside the savepoint
    }).catch(() => undefined);
    await add(tx, 'a/last');
  });
  assert.deepEqual(await paths(), ['a/between', 'a/inner-ok', 'a/last', 'a/ok1', 'a/ok2', 'a/outer-ok']);
});

test('a failed transaction keeps nothing, notifies nobody; a committed one notifies once with its payload, without those of failed savepoints', async () => {
  const got: string[] = [];
  const stop = db.listen('threadline_test', (payload) => got.push(payload));
  await new Promise((r) => setTimeout(r, 300)); // LISTEN is in place
  await assert.rejects(
    db.write(async (tx) => {
      await db.savepoint(tx, (sp) => add(sp, 'b/rolled-back'));
      await db.notify(tx, 'threadline_test', 'never');
      throw new Error('boom');
    }),
    /boom/,
  );
  const payload = `{"o":"node'1\\\\","p":[1,2]} it's \\ "quoted" é`;
  await db.write(async (tx) => {
    await db.savepoint(tx, (sp) => add(sp, 'b/kept'));
    await db.notify(tx, 'threadline_test', payload);
    // a notification of a savepoint that rolls back is dropped with it (as pg_notify's would be)
    await db.savepoint(tx, async (sp) => {
      await db.notify(sp, 'threadline_test', 'rolled back with its savepoint');
      throw new Error('job failed');
    }).catch(() => undefined);
    await db.notify(tx, 'threadline_test', 'second');
  });
  for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  stop();
  assert.deepEqual(got, [payload, 'second']);
  const now = await paths();
  assert.ok(now.includes('b/kept') && !now.includes('b/rolled-back'));
  // a write that takes no lock works the same way
  await db.write(async (tx) => {
    assert.equal(db.serialised(tx), false);
    await db.savepoint(tx, (sp) => add(sp, 'c/loose'));
    await db.savepoint(tx, async (sp) => {
      await add(sp, 'c/loose-failed');
      throw new Error('x');
    }).catch(() => undefined);
  }, { lock: false });
  assert.ok((await paths()).includes('c/loose') && !(await paths()).includes('c/loose-failed'));
});

test('BEGIN goes with the first round trip; when it fails (the lock wait cut off) the transaction fails even if its job caught the error, and the next one works', async () => {
  const pgmod = (await import('pg')).default;
  // the lock is held by another session, as another node mid-transaction
  const other = new pgmod.Client({ connectionString: dbUrl });
  await other.connect();
  try {
    await other.query('select pg_advisory_lock($1)', [PG_LOCK.write]);
    // cancelled: the connection lives on inside an aborted transaction (a COMMIT there would
    // quietly roll back); terminated: the connection is gone
    const cutOff = async (how: 'pg_cancel_backend' | 'pg_terminate_backend') => {
      for (let i = 0; i < 200; i++) {
        const waiting = await other.query("select pid from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and pid <> pg_backend_pid()");
        if (waiting.rows.length) return void (await other.query(`select ${how}($1)`, [waiting.rows[0].pid]));
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('no write waited for the lock');
    };
    // a group commit's shape: the first job's SAVEPOINT carries BEGIN and the lock; the job's
    // error is caught, yet the transaction must not report success
    const caught = db.write(async (tx) => {
      await db.savepoint(tx, (sp) => add(sp, 'd/never')).catch(() => undefined);
      return 'committed?';
    });
    await cutOff('pg_cancel_backend');
    await assert.rejects(caught, /cancel/);
    // a plain transaction: BEGIN goes just before its first statement
    const plain = db.write((tx) => add(tx, 'd/never-either'));
    await cutOff('pg_terminate_backend');
    await assert.rejects(plain);
    // statements and writes sent without waiting (db/later.ts) behind the waiting BEGIN: they
    // fail as "current transaction is aborted"; the caller hears why (57014, the cancel)
    const behind = db.write(async (tx) => {
      later(tx, add(tx, 'd/never-later-a'));
      later(tx, add(tx, 'd/never-later-b'));
      return tx.select().from(projects).all();
    });
    await cutOff('pg_cancel_backend');
    await assert.rejects(behind, (err: unknown) => (err as { code?: string }).code === '57014' || (err as { cause?: { code?: string } }).cause?.code === '57014');
    await other.query('select pg_advisory_unlock($1)', [PG_LOCK.write]);
    // the broken connections were dropped: the next writes work
    await db.write((tx) => add(tx, 'd/after'));
    await db.write(async (tx) => {
      await db.savepoint(tx, (sp) => add(sp, 'd/after-savepoint'));
    });
    // a transaction that ran nothing commits nothing and still answers
    assert.equal(await db.write(async () => 'empty'), 'empty');
    const now = await paths();
    assert.ok(now.includes('d/after') && now.includes('d/after-savepoint'));
    assert.ok(!now.includes('d/never') && !now.includes('d/never-either') && !now.some((p) => p.startsWith('d/never-later')));
  } finally {
    await other.end();
  }
});
