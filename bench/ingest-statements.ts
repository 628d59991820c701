/**
 * `npm run bench -- ingest-statements [root] [count]`: the SQL statements one ingested message
 * costs, counted and timed per statement text, with the ingest pipeline in this process (SMTP
 * and HTTP left out). SQLite by default; BENCH_PG=1 starts a private PostgreSQL. CONC=8 messages
 * in flight. On PostgreSQL the time is the round trip, i.e. what a statement costs under the
 * cluster-wide write lock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
const root = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..'));
const N = Number(process.argv[3] ?? 200);
const stats = new Map<string, { n: number; ms: number }>();
let tracing = false;
let roundTrips = 0;
const rec = (sql: string, ms: number) => {
  if (!tracing) return;
  const k = sql.replace(/\s+/g, ' ').slice(0, 150);
  const s = stats.get(k) ?? { n: 0, ms: 0 };
  s.n++; s.ms += ms; stats.set(k, s);
};
// sqlite: wrap Statement methods
const proto = (Database as any).prototype;
const origPrepare = proto.prepare;
proto.prepare = function (src: string) {
  const st = origPrepare.call(this, src);
  if (!(st as any).__wrapped) {
    for (const m of ['run', 'get', 'all']) {
      const f = (st as any)[m].bind(st);
      (st as any)[m] = (...a: unknown[]) => { const t = performance.now(); try { return f(...a); } finally { rec(src, performance.now() - t); } };
    }
    (st as any).__wrapped = true;
  }
  return st;
};
const origExec = proto.exec;
proto.exec = function (src: string) { const t = performance.now(); try { return origExec.call(this, src); } finally { rec(src, performance.now() - t); } };
{
  const client = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const q = client.query;
  client.query = function (this: unknown, ...a: unknown[]) {
    const first = a[0] as string | { text?: string; name?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? first?.name ?? '?');
    const t = performance.now();
    // a round trip: a statement sent while this connection waits for no answer (with
    // node-postgres's pipeline, statements sent behind unanswered ones share their round trip)
    // a new round trip: nothing is on its way, or an answer came back since the last statement
    // was sent (this one may have waited for it)
    const self = this as { outstanding?: number; answered?: boolean };
    if (tracing && (!self.outstanding || self.answered)) roundTrips++;
    self.answered = false;
    self.outstanding = (self.outstanding ?? 0) + 1;
    const done = () => {
      self.outstanding = (self.outstanding ?? 1) - 1;
      self.answered = true;
    };
    const r = q.apply(this, a) as Promise<unknown> | undefined;
    if (r && typeof r.then === 'function') r.then(() => { done(); rec(text, performance.now() - t); }, done);
    else done();
    return r;
  };
}
const { createDomain } = await import(path.join(root, 'server/app.ts'));
const { loadConfig } = await import(path.join(root, 'server/config.ts'));
const { createProject } = await import(path.join(root, 'server/domain/projects/projects.ts'));
const { createMailCore } = await import(path.join(root, 'server/mail/runtime.ts'));
const { realisticMessage, rng } = await import(path.join(root, 'bench/lib.ts'));
let pgServer: { stop(): Promise<void> } | null = null;
if (process.env.BENCH_PG === '1') {
  const { startPostgres } = await import(path.join(root, 'server/testing/postgres.ts'));
  const running = await startPostgres();
  pgServer = running;
  process.env.DATABASE_URL = await running.createDatabase('stmts');
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stm-'));
const config = loadConfig({ DATA_DIR: dataDir, INCOMING_EMAIL: 'incoming+%{key}@bench.test', INGEST_RATE_LIMIT: '1000000', LOG_LEVEL: 'error', ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) });
const dc = await createDomain(config);
await createProject(dc, { path: 'acme/app' });
const core = await createMailCore(dc, config, { send: async () => ({}) } as never);
const TO = 'incoming+acme-app-1-issue-@bench.test';
const random = rng(7);
const msgs = Array.from({ length: N + 20 }, (_, i) => Buffer.from(realisticMessage(i, TO, random)));
await Promise.all(msgs.slice(0, 20).map((m) => core.ingest.receive(m, { source: 'smtp', envelopeTo: [TO] })));
tracing = true;
const t0 = performance.now();
const conc = Number(process.env.CONC ?? 8);
let next = 20;
await Promise.all(Array.from({ length: conc }, async () => { while (next < msgs.length) { const m = msgs[next++]!; await core.ingest.receive(m, { source: 'smtp', envelopeTo: [TO] }); } }));
const wall = performance.now() - t0;
tracing = false;
let tn = 0, tms = 0;
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
for (const [, s] of rows) { tn += s.n; tms += s.ms; }
console.log(`N=${N} wall=${wall.toFixed(0)}ms  statements/msg=${(tn / N).toFixed(1)}  stmt ms/msg=${(tms / N).toFixed(2)}${process.env.BENCH_PG === '1' ? `  round trips/msg=${(roundTrips / N).toFixed(1)}` : ''}`);
for (const [k, s] of rows.slice(0, Number(process.env.TOP ?? 45))) console.log(`${(s.n / N).toFixed(2).padStart(6)}/msg ${(s.ms / N).toFixed(3).padStart(7)}ms/msg  ${k}`);
await dc.db.close().catch(() => undefined);
await pgServer?.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
