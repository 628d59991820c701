/**
 * The serialised writes on PostgreSQL run on a pipelined connection (db/client.ts): a write's
 * BEGIN, its savepoint, the statements it sends without waiting (db/later.ts) and the read
 * behind them go out together, before any answer comes back: one round trip under the
 * cluster-wide lock instead of one each. Seen on the wire: a proxy between the app and
 * PostgreSQL holds the server's answers and counts the client's messages meanwhile.
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { like, sql } from 'drizzle-orm';
import { openDb, type Db, type Tx } from './client';
import { later } from './later';
import { prepared } from './prepared';
import { projects } from './schema';
import { startPostgres, type RunningPostgres } from '../server/testing/postgres';

/** Frontend messages seen (a simple query 'Q' or the Sync 'S' ending an extended one), and answers held back on request. */
class Proxy extends EventEmitter {
  server!: net.Server;
  queries = 0;
  holding = false;
  private held: (() => void)[] = [];
  private sockets = new Set<net.Socket>();
  async listen(target: URL): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      this.sockets.add(client).add(upstream);
      let buf = Buffer.alloc(0);
      let started = false;
      client.on('data', (chunk) => {
        upstream.write(chunk);
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          // the startup message (and an SSL request) has no type byte
          const head = started ? 5 : 4;
          if (buf.length < head) break;
          const len = started ? buf.readInt32BE(1) + 1 : buf.readInt32BE(0);
          if (buf.length < len) break;
          if (started && (buf[0] === 0x51 || buf[0] === 0x53)) {
            this.queries++;
            this.emit('query');
          }
          if (!started && buf.readInt32BE(4) !== 80877103) started = true;
          buf = buf.subarray(len);
        }
      });
      upstream.on('data', (chunk) => {
        if (this.holding) this.held.push(() => client.write(chunk));
        else client.write(chunk);
      });
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        a.on('close', () => b.destroy());
        a.on('error', () => b.destroy());
      }
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }
  release(): void {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  }
  /** Resolves once `n` more queries than `from` were sent; rejects after 5 s (they were not: the client waited for an answer). */
  async sent(from: number, n: number): Promise<void> {
    const deadline = AbortSignal.timeout(5000);
    while (this.queries - from < n) await once(this, 'query', { signal: deadline });
  }
  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

let pg: RunningPostgres;
let db: Db;
const proxy = new Proxy();

before(async () => {
  pg = await startPostgres();
  const url = new URL(await pg.createDatabase('pg_pipeline'));
  const port = await proxy.listen(url);
  const via = new URL(url.href);
  via.hostname = '127.0.0.1';
  via.port = String(port);
  db = await openDb('', { databaseUrl: via.href });
});

after(async () => {
  proxy.release();
  await db?.close();
  proxy.close();
  await pg?.stop();
});

const insertProject = prepared<{ path: string; name: string }, unknown>('run', (q) =>
  q.insert(projects).values({ path: sql.placeholder('path'), name: sql.placeholder('name'), createdAt: 1 } as unknown as typeof projects.$inferInsert),
);
const add = (tx: Tx, p: string) => insertProject(tx, { path: p, name: p });
const count = async (tx: Tx, prefix: string) => (await tx.select({ path: projects.path }).from(projects).where(like(projects.path, `${prefix}%`)).all()).length;

test("a write's BEGIN, its unawaited inserts and the read behind them go out before any answer", async () => {
  // the connection is open and the statements are known to the server
  await db.write(async (tx) => {
    later(tx, add(tx, 'warm/a'));
    await count(tx, 'warm/');
  });
  proxy.holding = true;
  const from = proxy.queries;
  const done = db.write(async (tx) => {
    for (const p of ['w/a', 'w/b', 'w/c']) later(tx, add(tx, p));
    return count(tx, 'w/');
  });
  // BEGIN and the lock (one simple query), three inserts, the read: five, with no answer yet
  await proxy.sent(from, 5);
  proxy.release();
  assert.equal(await done, 3);
  assert.equal((await db.select().from(projects).where(like(projects.path, 'w/%')).all()).length, 3);
});

test("a group commit's savepoint goes out with its job's first statements", async () => {
  proxy.holding = true;
  const from = proxy.queries;
  const done = db.write(async (tx) =>
    db.savepoint(tx, async (sp) => {
      later(sp, add(sp, 's/a'));
      return count(sp, 's/');
    }),
  );
  // BEGIN + SAVEPOINT (one simple query), the insert, the read
  await proxy.sent(from, 3);
  proxy.release();
  assert.equal(await done, 1);
});
