/**
 * The one door to the database, on either engine (docs/decisions/010-two-engines.md).
 *
 * - `DATABASE_URL=postgres://…` selects PostgreSQL (node-postgres); otherwise SQLite in
 *   `<dataDir>/threadline.db` (better-sqlite3), the embedded default.
 * - Domain code is written once against the query builder `Q` (drizzle's async SQLite API; the
 *   PostgreSQL builder answers the same calls) and the table bindings in `./schema`.
 * - Reads (`db.select()…`) go to a connection that sees committed data only and cannot write:
 *   SQLite's second, read-only connection (WAL) or PostgreSQL's read-only pool.
 * - Writes happen only inside `db.write(fn)`: one transaction at a time per process (a queue), and
 *   on PostgreSQL one at a time across every node (a transaction-scoped advisory lock), exactly
 *   SQLite's single-writer rule. So the rules written for one writer hold on both engines, and
 *   event sequence numbers become visible in order (no gaps for a reader).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { laterMark, settleLater } from './later';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import { PgDatabase, PgDeleteBase, PgInsertBase, PgSelectBase, PgUpdateBase } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { bindDialect, type Dialect } from './schema';

export { type Dialect } from './schema';

/** The query API domain code uses, inside and outside transactions. Always `await` it. */
export type Q = SqliteRemoteDatabase<Record<string, never>>;
/** A write transaction's handle (the same API as `Q`). */
export type Tx = Q;

export interface Db extends Q {
  /** which engine this is ('sqlite' | 'pg'); (drizzle's own `dialect` field is its SQL builder) */
  readonly engine: Dialect;
  /**
   * Runs `fn` in one write transaction and commits; rolls back if it throws. Transactions never
   * interleave: the next one starts after this one ends (across nodes on PostgreSQL). Keep slow
   * work (rendering, network) out of `fn`: it holds the write lock.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, opts?: WriteOptions): Promise<T>;
  /**
   * Did `tx` take the cluster-wide write lock? Events may be appended only in such a
   * transaction (their `seq` order must be commit order). Always true on SQLite.
   */
  serialised(tx: Tx): boolean;
  /** A nested transaction: rolls back alone when `fn` throws. Only inside `write`. */
  savepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Rows of a raw SQL query (drizzle `sql` template) on `q` (a Tx, or the reader by default). */
  rows<T = Record<string, unknown>>(query: SQL, q?: Q): Promise<T[]>;
  /** Runs a raw statement on `q` (a Tx; only inside `write`). */
  exec(query: SQL, q: Tx): Promise<void>;
  /** Raw SQL with `?` placeholders, for tests and operator tools: rows from the reader. */
  sqlAll<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
  sqlGet<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T | undefined>;
  /**
   * Registers `cb` for commits by other processes or nodes (SQLite: another process wrote the
   * file; PostgreSQL: a NOTIFY on `channel`). Returns a function that stops listening.
   */
  listen(channel: string, cb: (payload: string) => void): () => void;
  /** Sends `payload` to every node's `listen(channel)` when `tx` commits (PostgreSQL only). */
  notify(tx: Tx, channel: string, payload: string): Promise<void>;
  /** Sends `payload` to every node's `listen(channel)` now, outside any transaction (PostgreSQL only). */
  publish(channel: string, payload: string): Promise<void>;
  /**
   * Resolves once every commit made so far is on disk. On SQLite a commit is visible to readers
   * while its WAL sync (in the thread pool) still runs; whatever is read and then handed to
   * others as a position (event seqs) waits for this, so a power cut cannot take back a seq a
   * client has seen. Immediate on PostgreSQL, where a commit is durable when it returns.
   */
  whenDurable(): Promise<void>;
  /** Does the database answer? (for /healthz) */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** the better-sqlite3 writer connection (SQLite only; operator tools and tests) */
  readonly sqlite?: Database.Database;
}

export interface WriteOptions {
  /**
   * false: on PostgreSQL, this transaction does not take the cluster-wide write lock and runs
   * beside the serialised ones (on its own queue and connection). Only for writes that are safe
   * under concurrency by themselves — content-addressed blobs, inserts guarded by a unique key,
   * updates of rows nobody else writes — and that append no events. On SQLite every write is
   * serialised anyway (one writer connection).
   */
  lock?: boolean;
  /**
   * With `lock: false`: the transaction sends COPY (a large blob), which a pipelined connection
   * cannot carry; it runs on a plain one. Other writes without the lock are pipelined too.
   */
  copy?: boolean;
  /**
   * Called once the transaction has committed, before `write()` resolves: on SQLite the commit is
   * then visible but its WAL sync (in the thread pool) may still run. A group commit starts its
   * next batch here, so that batch's transaction overlaps the previous one's fsync.
   */
  onCommitted?: () => void;
}

// db/ beside this module, or beside the compiled server (dist-server/) one level up alike.
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'db');
export const DB_FILE_NAME = 'threadline.db';

export interface OpenOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite under dataDir */
  databaseUrl?: string | undefined;
  /** pool sizes (PostgreSQL) */
  readPool?: number;
  writePool?: number;
}

export async function openDb(dataDir: string, opts: OpenOptions = {}): Promise<Db> {
  const url = opts.databaseUrl ?? '';
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url, opts);
  if (url && !/^sqlite:/i.test(url)) throw new Error('DATABASE_URL must start with postgres:// (or be empty for SQLite in DATA_DIR)');
  return openSqlite(dataDir);
}

/** The migrations the last `openDb` of this process applied, by name (for the start's log line). */
export let migrationsApplied: readonly string[] = [];

/** Of the folder's migrations (its journal, in order), the names of the last `applied`. */
function lastMigrations(folder: string, applied: number): string[] {
  if (applied <= 0) return [];
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .slice(-applied)
    .map((e) => e.tag);
}

/** A FIFO lock: one holder at a time, in arrival order. */
function createMutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

/** `?` placeholders → `$1…`, outside quoted strings. */
function numberPlaceholders(text: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SQLite

function openSqliteConnection(file: string, readonly: boolean): Database.Database {
  const conn = new Database(file, readonly ? { readonly: true } : {});
  if (!readonly) conn.pragma('journal_mode = WAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  // NORMAL: a commit writes the WAL but does not fsync it on this thread (better-sqlite3 is
  // synchronous: FULL blocked the event loop ~3 ms per commit). `write()` fsyncs the WAL in the
  // thread pool before it resolves, so a commit we acknowledge (an SMTP 250, an IMAP \Seen)
  // still survives a power cut; checkpoints sync the WAL first and the database after.
  if (!readonly) conn.pragma('synchronous = NORMAL');
  // Checkpoints (copying the WAL into the database file, then syncing it) run in a thread of
  // their own (`walCheckpointer`); the writer does one itself only if that falls far behind.
  if (!readonly) conn.pragma(`wal_autocheckpoint = ${WAL_SAFETY_CHECKPOINT_PAGES}`);
  cacheStatements(conn);
  return conn;
}

/** Pages the WAL may reach before the writer checkpoints on the event loop itself (40 MB). */
const WAL_SAFETY_CHECKPOINT_PAGES = 10_000;
/**
 * How often the checkpointer thread moves committed pages into the database file. Not more
 * often: a checkpoint that copies the whole WAL makes the next commit start the WAL afresh, and
 * that commit syncs the WAL header on the event loop (~twice a second at most, this way).
 */
const CHECKPOINT_EVERY_MS = 500;
/** The writer's own threshold, as SQLite's default, when the checkpointer cannot run. */
const WAL_DEFAULT_CHECKPOINT_PAGES = 1000;

/**
 * A thread with its own connection that checkpoints the WAL every CHECKPOINT_EVERY_MS (PASSIVE:
 * it never blocks the writer or readers). With SQLite's default (every 1,000 pages, in the
 * committing connection) the event loop copied and fsynced ~4 MB every fifth of a second during
 * a mail burst, stalling everything for a few milliseconds each time. Started on the first
 * write, so read-only CLI commands start no thread; it never keeps the process alive.
 */
function walCheckpointer(file: string, writer: Database.Database): { start(): void; close(): Promise<void> } {
  let worker: Worker | null = null;
  let failed = false;
  let closing = false;
  // Without the thread, the writer checkpoints as SQLite does by default (on the event loop).
  const fallBack = (why: string) => {
    if (failed || closing) return;
    failed = true;
    worker = null;
    try {
      if (writer.open) writer.pragma(`wal_autocheckpoint = ${WAL_DEFAULT_CHECKPOINT_PAGES}`);
    } catch {
      // closed meanwhile
    }
    process.emitWarning(`the WAL checkpointer thread stopped (${why}); the writer checkpoints by itself`, 'ThreadlineWarning');
  };
  return {
    start() {
      if (worker || failed || closing) return;
      try {
        worker = new Worker(CHECKPOINTER_SOURCE, {
          eval: true,
          workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: CHECKPOINT_EVERY_MS },
          stdout: false,
          stderr: false,
        });
      } catch (err) {
        fallBack(err instanceof Error ? err.message : String(err));
        return;
      }
      worker.unref();
      worker.on('error', (err) => fallBack(err.message));
      worker.on('exit', (code) => fallBack(`exit code ${code}`));
    },
    async close() {
      closing = true;
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}

const CHECKPOINTER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
// NORMAL: a checkpoint syncs the WAL before copying and the database file before the WAL is reused
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy (the writer's safety checkpoint runs): next time
  }
}, workerData.everyMs);
`;

function openSqlite(dataDir: string): Db {
  bindDialect('sqlite');
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, DB_FILE_NAME);
  const writer = openSqliteConnection(file, false);
  const folder = path.join(here, 'migrations');
  const done = () => {
    try {
      return Number((writer.prepare('select count(*) n from __drizzle_migrations').get() as { n: number }).n);
    } catch {
      return 0; // a new database: no table yet
    }
  };
  const before = done();
  migrateSqlite(drizzleSqlite({ client: writer }), { migrationsFolder: folder });
  migrationsApplied = lastMigrations(folder, done() - before);
  const reader = openSqliteConnection(file, true);
  const wq = drizzleSqlite({ client: writer }) as unknown as Q;
  const rq = drizzleSqlite({ client: reader }) as unknown as Q;
  const exclusive = createMutex();
  const durable = walSync(`${file}-wal`);
  const checkpointer = walCheckpointer(file, writer);
  /** the sync covering the latest commit (syncs finish in order, so it covers all before it) */
  let lastSync: Promise<void> = Promise.resolve();
  let depth = 0;
  let closed = false;

  const extra: Omit<Db, keyof Q> = {
    engine: 'sqlite',
    sqlite: writer,
    serialised: () => true,
    async write(fn, opts) {
      let synced: Promise<void> = Promise.resolve();
      const result = await exclusive(async () => {
        if (closed) throw new Error('database is closed');
        checkpointer.start();
        writer.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn(wq);
          const deferred = await settleLater(wq);
          if (deferred) throw deferred.err;
          writer.exec('COMMIT');
          synced = durable.after();
          lastSync = synced.catch(() => undefined);
          opts?.onCommitted?.();
          return value;
        } catch (err) {
          // a write sent without waiting (db/later.ts) that failed is the cause to report
          const deferred = await settleLater(wq);
          if (writer.inTransaction) writer.exec('ROLLBACK');
          throw deferred ? deferred.err : err;
        }
      });
      // The next transaction may already run while the WAL is being synced; this one is
      // reported done (and acknowledged by its caller) only once its commit is on disk.
      await synced;
      return result;
    },
    async savepoint(_tx, fn) {
      const name = `sp${++depth}`;
      writer.exec(`SAVEPOINT ${name}`);
      const mark = laterMark(wq);
      try {
        const result = await fn(wq);
        const deferred = await settleLater(wq, mark);
        if (deferred) throw deferred.err;
        writer.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        // a write sent without waiting (db/later.ts) that failed is the cause to report
        const deferred = await settleLater(wq, mark);
        if (writer.inTransaction) {
          writer.exec(`ROLLBACK TO ${name}`);
          writer.exec(`RELEASE ${name}`);
        }
        throw deferred ? deferred.err : err;
      } finally {
        depth--;
      }
    },
    async rows(query, q) {
      return (await (q ?? rq).all(query)) as never[];
    },
    async exec(query, q) {
      await q.run(query);
    },
    async sqlAll(text, ...params) {
      return reader.prepare(text).all(...params) as never[];
    },
    async sqlGet(text, ...params) {
      return reader.prepare(text).get(...params) as never;
    },
    listen(_channel, cb) {
      // Another process (the CLI's `desk ingest`, an MTA pipe) committed: PRAGMA data_version
      // changes on this connection when someone else writes the file.
      const read = () => writer.pragma('data_version', { simple: true }) as number;
      let last = read();
      const timer = setInterval(() => {
        if (closed) return;
        const now = read();
        if (now !== last) {
          last = now;
          cb('');
        }
      }, 200);
      timer.unref();
      return () => clearInterval(timer);
    },
    async notify() {
      // one process per file: commits wake this process's bus directly
    },
    async publish() {
      // one node: nobody else to tell
    },
    whenDurable() {
      return lastSync;
    },
    async ping() {
      try {
        reader.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await exclusive(async () => {
        closed = true;
      });
      await checkpointer.close();
      await durable.close();
      reader.close();
      writer.close();
    },
  };
  return Object.assign(rq, extra) as Db;
}

/**
 * fsync of the WAL file in the thread pool, shared by the commits that wait for it: `after()`
 * resolves once a sync that started after the call has finished (it covers every commit made
 * before the call). Commits arriving while a sync runs share the next one.
 */
function walSync(walFile: string): { after(): Promise<void>; close(): Promise<void> } {
  let handle: Promise<FileHandle> | null = null;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const sync = async () => {
    handle ??= open(walFile, 'r');
    await (await handle).sync();
  };
  const start = (): Promise<void> => {
    const run = sync().finally(() => {
      if (running === run) running = null;
    });
    running = run;
    return run;
  };
  return {
    after() {
      if (!running) return start();
      // the running sync may have started before this commit: wait for the next one
      next ??= running.then(
        () => {
          next = null;
          return start();
        },
        () => {
          next = null;
          return start();
        },
      );
      return next;
    },
    async close() {
      await Promise.allSettled([running, next]);
      await (await handle?.catch(() => null))?.close();
      handle = null;
    },
  };
}

/**
 * drizzle prepares every query anew and better-sqlite3 keeps no cache, so compiling SQL was a
 * large share of ingest time. Statements are cached by SQL text; sharing one is safe because
 * every call runs to completion synchronously (we never hold an iterator open).
 */
function cacheStatements(sqlite: Database.Database, max = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      // drizzle switches some statements to raw (array) mode; start every use in the default mode
      if (stmt.reader) stmt.raw(false);
      return stmt;
    }
    stmt = prepare(source);
    cache.set(source, stmt);
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
    return stmt;
  }) as typeof sqlite.prepare;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** How long a write may wait for the cluster-wide lock, or sit idle inside a transaction. */
const WRITE_STALL_MS = 30_000;

/** Advisory lock keys (any fixed 64-bit numbers; documented in decision 010). */
export const PG_LOCK = { write: 7_410_001, migrate: 7_410_002 } as const;

/** node-postgres and drizzle's adapter for it, loaded only when PostgreSQL is used (on SQLite, starting skips their import). */
async function loadPg() {
  const [{ default: pg }, { drizzle }, { migrate }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres'), import('drizzle-orm/node-postgres/migrator')]);
  // bigint (count(*), sums) as numbers: every value we store fits in 2^53.
  pg.types.setTypeParser(20, (v) => Number(v));
  return { pg, drizzlePg: drizzle, migratePg: migrate };
}

/**
 * drizzle's SQLite builders end in `.get()` / `.all()` / `.run()`; the PostgreSQL builders are
 * only awaited. Giving them the same three endings lets one domain run on both engines.
 */
let pgPatched = false;
function patchPgBuilders(): void {
  if (pgPatched) return;
  pgPatched = true;
  type Exec = { execute(): Promise<unknown> };
  for (const cls of [PgSelectBase, PgInsertBase, PgUpdateBase, PgDeleteBase] as unknown as { prototype: Record<string, unknown> }[]) {
    Object.assign(cls.prototype, {
      async get(this: Exec) {
        const r = await this.execute();
        return Array.isArray(r) ? r[0] : r;
      },
      all(this: Exec) {
        return this.execute();
      },
      run(this: Exec) {
        return this.execute();
      },
    });
  }
  type Raw = { execute(q: SQL): Promise<{ rows: unknown[] }> };
  Object.assign((PgDatabase as unknown as { prototype: Record<string, unknown> }).prototype, {
    async all(this: Raw, q: SQL) {
      return (await this.execute(q)).rows;
    },
    async get(this: Raw, q: SQL) {
      return (await this.execute(q)).rows[0];
    },
    run(this: Raw, q: SQL) {
      return this.execute(q);
    },
  });
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Db> {
  const { pg, drizzlePg, migratePg } = await loadPg();
  bindDialect('pg');
  patchPgBuilders();
  const migrator = new pg.Client({ connectionString: url });
  await migrator.connect();
  try {
    // Several nodes starting at once: one migrates, the others wait and then find nothing to do.
    await migrator.query('select pg_advisory_lock($1)', [PG_LOCK.migrate]);
    const folder = path.join(here, 'migrations-pg');
    const done = async () => {
      const table = await migrator.query<{ t: string | null }>("select to_regclass('drizzle.__drizzle_migrations')::text as t");
      if (!table.rows[0]?.t) return 0; // a new database: no table yet
      return Number((await migrator.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations')).rows[0]?.n ?? 0);
    };
    const before = await done();
    await migratePg(drizzlePg({ client: migrator }), { migrationsFolder: folder });
    migrationsApplied = lastMigrations(folder, (await done()) - before);
  } finally {
    await migrator.query('select pg_advisory_unlock($1)', [PG_LOCK.migrate]).catch(() => undefined);
    await migrator.end().catch(() => undefined);
  }

  const readPool = new pg.Pool({
    connectionString: url,
    max: opts.readPool ?? 8,
    keepAlive: true,
    // the reader can never write: a write outside `db.write` is a bug, caught loudly
    options: '-c default_transaction_read_only=on',
  });
  // Nothing may hold the cluster-wide write lock for long: a node that freezes mid-transaction
  // (a paused VM, a partition) is cut off by the server, and a writer that has waited this long
  // for the lock gives up (the caller answers "try again later": SMTP 451, an error in the UI).
  const writeSettings = `-c idle_in_transaction_session_timeout=${WRITE_STALL_MS} -c lock_timeout=${WRITE_STALL_MS}`;
  // The serialised writes (one at a time per node: `exclusive`) run on a pipelined connection
  // (node-postgres's `pipeline`): a statement goes out without waiting for the answers to those
  // before it, so statements a write issues together (`Promise.all`), and the BEGIN or SAVEPOINT
  // in front of them, cost one round trip under the cluster-wide lock instead of one each.
  const lockedPool = new pg.Pool({ connectionString: url, max: 1, keepAlive: true, options: writeSettings, pipeline: true });
  // Writes that take no lock run beside them, one at a time per node (`loose`), pipelined too:
  // a message's receipt (its raw bytes and pending row) is one round trip, not four, before
  // the SMTP answer. COPY of large blobs, which a pipeline cannot carry, runs on a plain
  // connection (`copy: true`).
  const loosePool = new pg.Pool({ connectionString: url, max: 1, keepAlive: true, options: writeSettings, pipeline: true });
  const writePool = new pg.Pool({ connectionString: url, max: Math.max(1, (opts.writePool ?? 3) - 2), keepAlive: true, options: writeSettings });
  // an idle client that errors (the server restarted) must not crash the process
  readPool.on('error', () => undefined);
  writePool.on('error', () => undefined);
  loosePool.on('error', () => undefined);
  lockedPool.on('error', () => undefined);
  nameStatements(readPool);
  const rq = drizzlePg({ client: readPool }) as unknown as Q;
  const exclusive = createMutex();
  const named = new WeakSet<object>();
  /** writes that take no cluster-wide lock queue separately: they never wait behind the lock */
  const loose = createMutex();
  const txStates = new WeakMap<object, PgTxState>();
  const lockedTx = new WeakSet<object>();
  let closed = false;

  // LISTEN needs its own connection, reconnected when it drops.
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.Client | null = null;
  let connecting: pg.Client | null = null;
  let listenReady: Promise<void> | null = null;
  let everListened = false;
  let listenQueue: Promise<unknown> = Promise.resolve();
  const wakeAll = () => {
    for (const set of listeners.values()) for (const cb of set) cb('');
  };
  async function connectListener(): Promise<void> {
    while (!closed) {
      const client = new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
      connecting = client;
      client.on('error', () => undefined);
      try {
        await client.connect();
        client.on('notification', (m) => {
          for (const cb of listeners.get(m.channel) ?? []) cb(m.payload ?? '');
        });
        for (const ch of listeners.keys()) await client.query(`LISTEN ${pgIdent(ch)}`);
        connecting = null;
        if (closed) {
          await client.end().catch(() => undefined);
          return;
        }
        listenClient = client;
        // Registered only once listening: a failed attempt above never starts a second loop.
        client.on('end', () => {
          if (listenClient === client) listenClient = null;
          if (!closed) listenReady = connectListener();
        });
        // Commits made while we were not listening sent notifications nobody heard: wake everyone.
        if (everListened) wakeAll();
        everListened = true;
        return;
      } catch {
        connecting = null;
        await client.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  // A silently dropped socket (a NAT, a firewall) never says 'end': ask the server now and then.
  const heartbeat = setInterval(() => {
    const client = listenClient;
    if (!client) return;
    const answered = client.query('select 1').then(() => true, () => false);
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref());
    void Promise.race([answered, timeout]).then((ok) => {
      if (!ok && listenClient === client) void client.end().catch(() => undefined);
    });
  }, 15_000);
  heartbeat.unref();

  const extra: Omit<Db, keyof Q> = {
    engine: 'pg',
    serialised: (tx) => lockedTx.has(tx),
    write(fn, opts) {
      const lock = opts?.lock ?? true;
      return (lock ? exclusive : loose)(async () => {
        if (closed) throw new Error('database is closed');
        const client = await (lock ? lockedPool : opts?.copy ? writePool : loosePool).connect();
        if (!named.has(client)) {
          named.add(client);
          nameStatements(client);
        }
        let broken = false;
        // A checked-out client has no listener of the pool's: without ours, a dropped connection
        // ('error' on the client) would crash the process. The failed query rejects anyway.
        const onError = () => {
          broken = true;
        };
        client.on('error', onError);
        try {
          // BEGIN (and the lock) go with the transaction's first round trip: in front of a
          // SAVEPOINT (a group commit's first job) in the same simple query, else just before
          // the first statement; a transaction that ran nothing sends neither it nor COMMIT.
          const state: PgTxState = { client, depth: 0, release: null, notifications: [], begin: lock ? `BEGIN; SELECT pg_advisory_xact_lock(${PG_LOCK.write})` : 'BEGIN', beginError: null, chain: Promise.resolve() };
          const tx = drizzlePg({ client: beginningFirst(client, state) }) as unknown as Tx;
          txStates.set(tx, state);
          if (lock) lockedTx.add(tx);
          try {
            const result = await fn(tx);
            // a failed BEGIN (the lock timed out, the connection failed) fails the transaction
            // even where the caller caught the statement's error (a group commit's job)
            if (state.beginError) throw state.beginError;
            // COMMIT releases every savepoint still open; the notifications go in the same round
            // trip. It goes out behind the writes still unanswered (db/later.ts): should one of
            // them fail, PostgreSQL answers COMMIT in the aborted transaction by rolling it back,
            // and the failure is what the caller gets.
            const notes = state.notifications.map(([ch, payload]) => `SELECT pg_notify(${client.escapeLiteral(ch)}, ${client.escapeLiteral(payload)}); `);
            if (!pipelined(client)) {
              // a plain connection: every statement answered before COMMIT is handed over
              const failed = await settleLater(tx);
              if (failed) throw failed.err;
              await state.chain;
            }
            const commit = state.begin === null || notes.length ? client.query(`${state.begin === null ? '' : `${state.begin}; `}${notes.join('')}COMMIT`) : null;
            commit?.catch(() => undefined);
            const deferred = await settleLater(tx);
            if (deferred) {
              await commit?.catch(() => undefined);
              throw deferred.err;
            }
            const answer = (await commit) as pg.QueryResult | pg.QueryResult[] | null;
            const last = Array.isArray(answer) ? answer[answer.length - 1] : answer;
            if (last && last.command !== 'COMMIT') throw new Error(`the transaction was not committed (${last.command})`);
            opts?.onCommitted?.();
            return result;
          } catch (err) {
            // What made the transaction fail: a failed BEGIN (the lock wait), else a write sent
            // without waiting (db/later.ts), else the error itself. The statements after either
            // of the first two fail as "current transaction is aborted", which says nothing.
            const deferred = await settleLater(tx);
            // (on a plain connection, statements still queued behind the failure go first)
            await state.chain;
            const cause = state.beginError ?? (deferred ? deferred.err : err);
            // BEGIN failed after it ran (the lock timed out): this connection may be inside an
            // aborted transaction, so it is closed rather than handed to the next write
            if (state.beginError) broken = true;
            else if (state.begin === null)
              await client.query('ROLLBACK').catch(() => {
                broken = true;
              });
            throw cause;
          }
        } catch (err) {
          broken = broken || isConnectionError(err);
          throw err;
        } finally {
          client.off('error', onError);
          client.release(broken ? true : undefined);
        }
      });
    },
    async savepoint(tx, fn) {
      const state = txStates.get(tx);
      if (!state) throw new Error('savepoint outside a write transaction');
      const { client } = state;
      const name = `sp${++state.depth}`;
      // A savepoint that succeeded is released lazily: with the next SAVEPOINT (one round trip
      // for both), or by COMMIT. Until then the statements that follow run inside it, which
      // changes nothing: it is nested in every savepoint still open, so rolling back any of
      // those rolls it back too, and COMMIT keeps it.
      const release = state.release ? `RELEASE SAVEPOINT ${state.release}; ` : '';
      state.release = null;
      const open = (begin: string | null) => client.query(`${begin ? `${begin}; ` : ''}${release}SAVEPOINT ${name}`);
      // Pipelined (the serialised writes): `fn`'s first statements go out right behind the
      // savepoint, without waiting for its answer. Should it fail (the BEGIN in front of it could
      // not take the lock), they fail too, in the aborted transaction, and its error is the one
      // that counts. Elsewhere the savepoint is waited for first.
      let opened: Promise<unknown>;
      if (pipelined(client)) {
        opened = sendBegin(state, open);
        opened.catch(() => undefined);
      } else {
        try {
          await state.chain;
          await sendBegin(state, open);
        } catch (err) {
          state.depth--;
          throw err;
        }
        opened = Promise.resolve();
      }
      // notifications queued inside are dropped with it, as PostgreSQL drops a rolled-back pg_notify
      const notified = state.notifications.length;
      const mark = laterMark(tx);
      try {
        let result: Awaited<ReturnType<typeof fn>> | undefined;
        let failure: { err: unknown } | null = null;
        try {
          result = await fn(tx);
        } catch (err) {
          failure = { err };
        }
        const openFailure = await opened.then(() => null, (err: unknown) => ({ err }));
        // a write sent without waiting (db/later.ts) failed first: the statements after it failed because of it
        const cause = openFailure ?? (await settleLater(tx, mark)) ?? failure;
        if (!cause) {
          // releasing this one releases a pending one nested in it
          state.release = name;
          return result as Awaited<ReturnType<typeof fn>>;
        }
        // a pending release is nested in this savepoint: rolled back with it
        state.release = null;
        state.notifications.length = notified;
        // with no savepoint to go back to, the transaction is aborted and fails as a whole
        // (on a plain connection, statements still queued behind the failure go first)
        await state.chain;
        if (!openFailure) await client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
        throw cause.err;
      } finally {
        state.depth--;
      }
    },
    async rows(query, q) {
      return (await (q ?? rq).all(query)) as never[];
    },
    async exec(query, q) {
      await q.run(query);
    },
    async sqlAll(text, ...params) {
      return (await readPool.query(numberPlaceholders(text), params)).rows;
    },
    async sqlGet(text, ...params) {
      return (await readPool.query(numberPlaceholders(text), params)).rows[0];
    },
    listen(channel, cb) {
      let set = listeners.get(channel);
      const fresh = !set;
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(cb);
      if (!listenReady) listenReady = connectListener();
      // one LISTEN at a time: node-postgres deprecates a query sent while another one runs
      else if (fresh) listenQueue = listenQueue.then(() => listenReady).then(() => listenClient?.query(`LISTEN ${pgIdent(channel)}`)).catch(() => undefined);
      return () => {
        set.delete(cb);
      };
    },
    async notify(tx, channel, payload) {
      // sent with the COMMIT (one round trip less), which is when PostgreSQL delivers it anyway
      const state = txStates.get(tx);
      if (!state) throw new Error('notify outside a write transaction');
      state.notifications.push([channel, payload]);
    },
    async publish(channel, payload) {
      if (closed) return;
      await writePool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async whenDurable() {
      // a commit is on disk when COMMIT returns
    },
    async ping() {
      try {
        await readPool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await exclusive(async () => {
        closed = true;
      });
      await loose(async () => undefined);
      clearInterval(heartbeat);
      await listenClient?.end().catch(() => undefined);
      await connecting?.end().catch(() => undefined);
      await Promise.all([readPool.end(), writePool.end(), loosePool.end(), lockedPool.end()]);
    },
  };
  return Object.assign(rq, extra) as Db;
}

/** A PostgreSQL write transaction's connection and what it defers to later round trips. */
interface PgTxState {
  client: pg.PoolClient;
  /** BEGIN (and the lock), until sent with the first round trip; then null */
  begin: string | null;
  /** why sending it failed: every later statement fails with it, and so does the commit */
  beginError: unknown;
  /** savepoints open (their names are `sp1`, `sp2`, … by depth) */
  depth: number;
  /** a savepoint that succeeded and is not released yet (see `savepoint`) */
  release: string | null;
  /** `pg_notify` calls, sent with the COMMIT */
  notifications: [channel: string, payload: string][];
  /** on a plain (not pipelined) connection: the statements issued so far, run one at a time */
  chain: Promise<void>;
}

/**
 * Runs `send` with the transaction's BEGIN when it is still to be sent (for `send` to put in
 * front of its own simple query), else with null. Once BEGIN failed, nothing more is sent.
 */
async function sendBegin<T>(state: PgTxState, send: (begin: string | null) => Promise<T>): Promise<T> {
  if (state.beginError) throw state.beginError;
  const begin = state.begin;
  state.begin = null;
  if (begin === null) return send(null);
  try {
    return await send(begin);
  } catch (err) {
    // the rest of the simple query did not run either; the transaction is unusable
    state.beginError = err;
    throw err;
  }
}

/**
 * The connection as a transaction's statements see it: the first one is preceded by BEGIN (its
 * own message: a statement with parameters cannot share a simple query). On a pipelined
 * connection (the serialised writes) they go out together; on a plain one (writes without the
 * lock) one after another. When BEGIN fails (the lock timed out) the statement behind it fails
 * with BEGIN's error: PostgreSQL ran it in the aborted transaction, or not at all.
 */
function beginningFirst(client: pg.PoolClient, state: PgTxState): pg.PoolClient {
  const wrapped = Object.create(client) as pg.PoolClient;
  const query = client.query as unknown as (...a: unknown[]) => Promise<unknown>;
  (wrapped as { query: unknown }).query = (...args: unknown[]) => {
    if (!pipelined(client)) {
      // A plain connection takes one statement at a time (node-postgres deprecates queueing
      // more): statements issued together (Promise.all, db/later.ts) run one after another, in
      // the order issued, BEGIN first.
      const run = state.chain.then(async () => {
        if (state.begin !== null || state.beginError) await sendBegin(state, (begin) => query.call(client, begin ?? ''));
        return query.apply(client, args);
      });
      state.chain = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    }
    if (state.begin === null && !state.beginError) return query.apply(client, args);
    if (state.beginError) return Promise.reject(state.beginError);
    // Pipelined: the statement is handed over right behind BEGIN, never after its answer (a
    // statement issued meanwhile would overtake it); they go out together.
    const begun = sendBegin(state, (begin) => query.call(client, begin));
    const result = query.apply(client, args) as unknown;
    return begun.then(
      () => result,
      (err: unknown) => {
        // (a custom query such as a COPY is answered through its own handlers)
        if (result instanceof Promise) result.catch(() => undefined);
        throw err;
      },
    );
  };
  return wrapped;
}

/** A connection of the pipelined pool (node-postgres's `pipeline` option). */
function pipelined(client: pg.PoolClient): boolean {
  return (client as { pipeline?: boolean }).pipeline === true;
}

/**
 * Statements drizzle sends are named after their SQL text, so each connection parses and plans
 * one only the first time (node-postgres then sends Bind/Execute alone): fewer bytes and less
 * server work per statement, which counts most under the cluster-wide write lock. Bounded: texts
 * beyond the first 2,000 distinct ones (multi-row inserts vary) go unnamed as before.
 */
const statementNames = new Map<string, string>();
function nameStatements<T extends { query: (...args: never[]) => unknown }>(target: T): T {
  const query = target.query.bind(target) as (...args: unknown[]) => unknown;
  (target as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (config && typeof config === 'object' && !(config as { name?: string }).name && typeof (config as { text?: unknown }).text === 'string') {
      const text = (config as { text: string }).text;
      let name = statementNames.get(text);
      if (!name && statementNames.size < 2000 && text.length < 8000) {
        name = `tl_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
        statementNames.set(text, name);
      }
      if (name) return query({ ...config, name }, ...rest);
    }
    return query(config, ...rest);
  };
  return target;
}

function pgIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad channel name ${name}`);
  return name;
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code.startsWith('08') || code === '57P01' || code === 'ECONNRESET' || code === 'ECONNREFUSED';
}
