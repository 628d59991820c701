/**
 * `npm run bench -- cluster` (issue 9, item 8): three Threadline nodes on one private PostgreSQL,
 * each its own process, beside one node on SQLite, measured the same way in the same run:
 *
 *   1. SMTP end-of-DATA on node a → `ticket.created` at a WebSocket client of node c, p50/p99 over
 *      sequential samples (target p99 ≤ 150 ms);
 *   2. ingest spread over the nodes: realistic 5–50 KB messages round-robin over pooled SMTP
 *      transports to every node, messages/s from the first send to the last `ticket.created` seen
 *      by a client of every node (target ≥ 300/s), and the tickets in the database (0 lost/doubled);
 *   3. fan-out: subscribers spread evenly over the nodes, notes posted over tRPC/HTTP on node a
 *      one after another, from the mutation's answer to each client's onData, p50/p99 (target
 *      p99 ≤ 100 ms).
 *
 * The load generator — SMTP sending and the WebSocket clients — is a child process
 * (bench/cluster-load.ts), so its work does not share this process's event loop; the notes of (3)
 * are posted from here, whose event loop is otherwise idle, and the two processes' wall clocks are
 * compared (bench/lib.ts wallNow). Every process (PostgreSQL and its backends, each node, the load
 * generator, this process) is charged the CPU seconds it used in each measured window, so a missed
 * target shows where the cores went.
 *
 * Smaller runs: BENCH_CLUSTER_COUNT (ingest messages, 2000), BENCH_CLUSTER_LATENCY (samples, 200),
 * BENCH_CLUSTER_SUBSCRIBERS (500), BENCH_CLUSTER_NOTES (100), BENCH_CLUSTER_NOTE_SPACING_MS (50),
 * BENCH_CLUSTER_SMTP_CONNECTIONS (in total, split over the nodes; 24), BENCH_CLUSTER_ENGINES
 * (sqlite,pg: SQLite first, so that removing PostgreSQL's data at its end cannot slow the other
 * set-up's fsyncs; the SQLite node's dir is removed only at the very end).
 * BENCH_CLUSTER_CPU_PROF=<dir> writes a V8 CPU profile of node a and of the SQLite node there
 * (bench/cpu-profile.mjs). Results: bench/results/cluster.json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DB_FILE_NAME } from '../db/client';
import { ROOT_DIR } from '../server/paths';
import { startPostgres, type RunningPostgres } from '../server/testing/postgres';
import { serverProcess, type ServerProcess } from '../e2e/fixtures/server-process';
import type { FanoutConfig, FanoutResult, IngestConfig, IngestResult, LatencyConfig, LatencyResult, LoadNode } from './cluster-load';
import { benchSession, childPids, machineBusyCpuSeconds, mainThreadCpuSeconds, procCpuSeconds, summary, wallNow, writeResults } from './lib';

const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const COUNT = num('BENCH_CLUSTER_COUNT', 2000);
const LATENCY_SAMPLES = num('BENCH_CLUSTER_LATENCY', 200);
const LATENCY_WARMUP = 10;
const SUBSCRIBERS = num('BENCH_CLUSTER_SUBSCRIBERS', 500);
const NOTES = num('BENCH_CLUSTER_NOTES', 100);
const NOTE_SPACING_MS = num('BENCH_CLUSTER_NOTE_SPACING_MS', 50);
const SMTP_CONNECTIONS = num('BENCH_CLUSTER_SMTP_CONNECTIONS', 24);
const ENGINES = (process.env.BENCH_CLUSTER_ENGINES ?? 'sqlite,pg').split(',').map((s) => s.trim()) as Array<'pg' | 'sqlite'>;
const CPU_PROF_DIR = process.env.BENCH_CLUSTER_CPU_PROF ? path.resolve(process.env.BENCH_CLUSTER_CPU_PROF) : '';

const PROJECT = 'acme/app';
const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password' };
const AGENT = { email: 'agent@bench.test', password: 'bench-agent-password' };
const TARGETS = { smtpToEventP99Ms: 150, ingestPerSecond: 300, fanOutP99Ms: 100 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// ---- everything started here is registered for cleanup, also when something throws ---------------

const tmpDirs: string[] = [];
const servers: ServerProcess[] = [];
const loadChildren = new Set<ChildProcess>();
let postgres: RunningPostgres | null = null;

function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

async function stopServer(s: ServerProcess): Promise<void> {
  await Promise.race([s.stop(), sleep(15_000).then(() => s.kill9())]).catch(() => undefined);
}

/** One stop at a time: a second stop() while the first runs would remove the data dir under it. */
let stoppingPostgres: Promise<void> | null = null;
function stopPostgres(): Promise<void> {
  const pgNow = postgres;
  if (!pgNow) return stoppingPostgres ?? Promise.resolve();
  stoppingPostgres ??= pgNow
    .stop()
    .catch(() => undefined)
    .finally(() => {
      postgres = null;
      stoppingPostgres = null;
    });
  return stoppingPostgres;
}

let aborting = false;
let cleaning: Promise<void> | null = null;
/** Stops everything this run started; the same promise for every caller (error path and signal). */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of loadChildren) c.kill('SIGKILL');
    await Promise.all(servers.splice(0).map(stopServer));
    await stopPostgres();
    for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  })();
  return cleaning;
}

// last resort when the process ends some other way: no node or load process may outlive the bench
process.on('exit', () => {
  for (const c of loadChildren) c.kill('SIGKILL');
  for (const s of servers) {
    const pid = s.pid();
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`\n${sig}: cleaning up`);
    aborting = true;
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- processes --------------------------------------------------------------------------------------

/** `desk <command>` through the CLI, as an operator would seed a cluster; one line of JSON back. */
function desk(args: string[], env: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/cli/desk.ts'), ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`desk ${args[0]} exited ${code}: ${err || out}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? 'null'));
      } catch {
        reject(new Error(`desk ${args[0]} printed no JSON: ${out}`));
      }
    });
  });
}

interface LoadProcess {
  pid: number;
  /** resolves when the child writes `{"type": <type>}` */
  on(type: string): Promise<void>;
  send(msg: object): void;
  result: Promise<unknown>;
}

function startLoad(mode: 'latency' | 'ingest' | 'fanout', config: object): LoadProcess {
  const resultFile = path.join(tmp('threadline-bench-load-'), 'result.json');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'bench/cluster-load.ts'), mode, JSON.stringify(config), resultFile], {
    cwd: ROOT_DIR,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  loadChildren.add(child);
  const waiting = new Map<string, () => void>();
  const happened = new Set<string>();
  let result: unknown;
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let msg: { type?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      return void log(`  [load] ${line}`);
    }
    if (msg.type === 'result') result = JSON.parse(readFileSync(resultFile, 'utf8'));
    else if (msg.type) {
      happened.add(msg.type);
      waiting.get(msg.type)?.();
    }
  });
  const exited = new Promise<unknown>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      loadChildren.delete(child);
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`load generator (${mode}) exited ${code ?? signal} without a result`));
    });
  });
  return {
    pid: child.pid!,
    on: (type) =>
      new Promise<void>((resolve, reject) => {
        if (happened.has(type)) return resolve();
        waiting.set(type, resolve);
        exited.catch(reject);
      }),
    send: (msg) => child.stdin!.write(`${JSON.stringify(msg)}\n`),
    result: exited,
  };
}

// ---- CPU accounting ---------------------------------------------------------------------------------

interface Cluster {
  engine: 'pg' | 'sqlite';
  label: string;
  nodes: Array<LoadNode & { proc: ServerProcess }>;
  address: string;
  /** tickets whose title starts with `prefix`: rows and distinct titles */
  countTickets(prefix: string): Promise<{ rows: number; distinct: number }>;
  postmasterPid: number | null;
  /** PostgreSQL only: samples who holds the cluster-wide write lock until the returned stop() */
  sampleWriteLock?: () => () => Promise<WriteLockSamples>;
  close(): Promise<void>;
}

interface WriteLockSamples {
  samples: number;
  /** share of samples in which some backend held the write lock */
  heldShare: number;
  /** what the holder was doing, as a share of the samples in which it was held */
  holderDoing: Record<string, number>;
  /** backends waiting for the lock, on average */
  meanWaiters: number;
}

const MACHINE = '(machine)';

/** CPU seconds used so far by each node, by PostgreSQL (postmaster, backends, reaped backends), by us. */
function cpuSnapshot(c: Cluster, extra: Record<string, number | undefined> = {}): Record<string, number> {
  const snap: Record<string, number> = {};
  for (const n of c.nodes) {
    snap[`node ${n.name}`] = procCpuSeconds(n.proc.pid());
    // not added to the total: already inside the node's figure
    snap[`node ${n.name}: main thread`] = mainThreadCpuSeconds(n.proc.pid());
  }
  if (c.postmasterPid) {
    snap.postgres = procCpuSeconds(c.postmasterPid, true) + childPids(c.postmasterPid).reduce((s, p) => s + (procCpuSeconds(p, true) || 0), 0);
  }
  for (const [k, pid] of Object.entries(extra)) snap[k] = procCpuSeconds(pid);
  snap.orchestrator = procCpuSeconds(process.pid);
  snap[MACHINE] = machineBusyCpuSeconds();
  return snap;
}

/** CPU used between two snapshots, as cores busy on average over the window. */
function cpuWindow(before: Record<string, number>, after: Record<string, number>, seconds: number) {
  const cores: Record<string, number> = {};
  const r = (x: number) => Math.round(x * 100) / 100;
  let total = 0;
  for (const k of Object.keys(before)) {
    if (k === MACHINE) continue;
    const used = (after[k] ?? NaN) - (before[k] ?? NaN);
    if (!Number.isFinite(used)) continue;
    cores[k] = r(used / seconds);
    if (!k.endsWith(': main thread')) total += used;
  }
  const machine = (after[MACHINE] ?? NaN) - (before[MACHINE] ?? NaN);
  return {
    seconds: Math.round(seconds * 10) / 10,
    coresBusy: cores,
    totalCoresBusy: r(total / seconds),
    // everything else on the machine (another job's tests would show here)
    otherProcessesCoresBusy: Number.isFinite(machine) ? r(Math.max(0, machine - total) / seconds) : null,
    machineCores: os.cpus().length,
  };
}

/** Waits until every node (and PostgreSQL) is nearly idle: the background work of a phase (thank-you
 * emails, index upkeep) must not be charged to the next. */
async function settle(c: Cluster, maxMs = 120_000): Promise<number> {
  const t0 = Date.now();
  let prev = cpuSnapshot(c);
  for (;;) {
    await sleep(1000);
    const now = cpuSnapshot(c);
    const busy = Object.keys(now).some((k) => k !== 'orchestrator' && k !== MACHINE && !k.endsWith(': main thread') && (now[k]! - prev[k]!) > 0.08);
    prev = now;
    if (!busy || Date.now() - t0 > maxMs) return Date.now() - t0;
  }
}

// ---- the two set-ups ----------------------------------------------------------------------------------

function nodeEnv(extra: Record<string, string>, name: string, profile: boolean): Record<string, string> {
  const env: Record<string, string> = {
    NODE_NAME: name,
    INCOMING_EMAIL: 'incoming+%{key}@bench.test',
    INGEST_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  if (profile && CPU_PROF_DIR) {
    // Node 20 refuses --cpu-prof in NODE_OPTIONS: a preload starts the profiler instead
    mkdirSync(CPU_PROF_DIR, { recursive: true });
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${path.join(ROOT_DIR, 'bench/cpu-profile.mjs')}`.trim();
    env.CPU_PROFILE_FILE = path.join(CPU_PROF_DIR, `node-${name}-${Date.now()}.cpuprofile`);
  }
  return env;
}

async function seed(env: Record<string, string>): Promise<number> {
  await desk(['create-admin', '--email', ADMIN.email, '--password', ADMIN.password, '--name', 'Admin'], env);
  const project = (await desk(['create-project', '--path', PROJECT, '--name', 'Acme App'], env)) as { id: number };
  await desk(['create-user', '--email', AGENT.email, '--password', AGENT.password, '--name', 'Agent'], env);
  await desk(['add-member', '--project', PROJECT, '--email', AGENT.email, '--role', 'developer'], env);
  return project.id;
}

async function serviceDeskAddress(url: string): Promise<string> {
  const s = await benchSession(url, AGENT.email, AGENT.password);
  return (await s.http.serviceDesk.get.query({ projectPath: PROJECT })).address;
}

async function startPgCluster(): Promise<Cluster> {
  postgres = await startPostgres({ settings: { max_connections: 400 } });
  const databaseUrl = await postgres.createDatabase('bench');
  const postmasterPid = Number(readFileSync(path.join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const projectId = await seed({ DATABASE_URL: databaseUrl, DATA_DIR: tmp('threadline-bench-cluster-cli-'), LOG_LEVEL: 'warn' });
  const nodes: Cluster['nodes'] = [];
  for (const name of ['a', 'b', 'c']) {
    const proc = await serverProcess(tmp(`threadline-bench-cluster-${name}-`), nodeEnv({ DATABASE_URL: databaseUrl }, name, name === 'a'));
    servers.push(proc);
    nodes.push({ name, url: proc.url, smtpPort: proc.smtpPort, proc });
  }
  await Promise.all(nodes.map((n) => n.proc.start()));
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  sql.on('error', () => undefined);
  return {
    engine: 'pg',
    label: 'PostgreSQL, 3 nodes',
    nodes,
    address: await serviceDeskAddress(nodes[0]!.url),
    postmasterPid,
    async countTickets(prefix) {
      const { rows } = await sql.query<{ rows: number; distinct: number }>(
        'select count(*)::int "rows", count(distinct title)::int "distinct" from tickets where project_id = $1 and title like $2',
        [projectId, `${prefix}%`],
      );
      return rows[0]!;
    },
    sampleWriteLock() {
      // Every ~20 ms: the backend holding pg_advisory_xact_lock(7410001) (db/client.ts PG_LOCK.write),
      // its state and wait event, and how many wait for it. Shows whether the one-writer-at-a-time
      // lock is busy, and with what: executing SQL, waiting for the node's next statement
      // ("idle in transaction / Client:ClientRead"), or flushing the commit (IO:WALSync…).
      let running = true;
      let samples = 0;
      let held = 0;
      let waiters = 0;
      const doing = new Map<string, number>();
      const loop = (async () => {
        while (running) {
          const { rows } = await sql.query<{ state: string; wt: string | null; we: string | null; granted: boolean }>(
            `select a.state, a.wait_event_type wt, a.wait_event we, l.granted
               from pg_locks l join pg_stat_activity a on a.pid = l.pid
              where l.locktype = 'advisory' and l.classid = 0 and l.objid = 7410001 and l.objsubid = 1`,
          ).catch(() => ({ rows: [] }));
          samples++;
          const holder = rows.find((r) => r.granted);
          waiters += rows.filter((r) => !r.granted).length;
          if (holder) {
            held++;
            const k = `${holder.state}${holder.wt ? ` / ${holder.wt}:${holder.we}` : ''}`;
            doing.set(k, (doing.get(k) ?? 0) + 1);
          }
          await sleep(20);
        }
      })();
      return async () => {
        running = false;
        await loop;
        const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : 0);
        return {
          samples,
          heldShare: share(held, samples),
          holderDoing: Object.fromEntries([...doing.entries()].sort((x, y) => y[1] - x[1]).map(([k, n]) => [k, share(n, held)])),
          meanWaiters: Math.round((waiters / Math.max(1, samples)) * 100) / 100,
        };
      };
    },
    async close() {
      await sql.end().catch(() => undefined);
      await Promise.all(nodes.map((n) => stopServer(n.proc)));
      servers.splice(0);
      await stopPostgres();
    },
  };
}

async function startSqliteNode(): Promise<Cluster> {
  const dataDir = tmp('threadline-bench-cluster-sqlite-');
  const projectId = await seed({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const proc = await serverProcess(dataDir, nodeEnv({}, 'sqlite', true));
  servers.push(proc);
  await proc.start();
  const node = { name: 'sqlite', url: proc.url, smtpPort: proc.smtpPort, proc };
  return {
    engine: 'sqlite',
    label: 'SQLite, 1 node',
    nodes: [node],
    address: await serviceDeskAddress(node.url),
    postmasterPid: null,
    async countTickets(prefix) {
      // read-only beside the running node (WAL: sees committed data only)
      const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare('select count(*) "rows", count(distinct title) "distinct" from tickets where project_id = ? and title like ?')
          .get(projectId, `${prefix}%`) as { rows: number; distinct: number };
      } finally {
        db.close();
      }
    },
    async close() {
      await stopServer(proc);
      servers.splice(0);
    },
  };
}

// ---- the three measurements --------------------------------------------------------------------------

const user = AGENT;
const plain = (n: Cluster['nodes'][number]): LoadNode => ({ name: n.name, url: n.url, smtpPort: n.smtpPort });

async function measureLatency(c: Cluster) {
  const a = c.nodes[0]!;
  const last = c.nodes[c.nodes.length - 1]!;
  const cfg: LatencyConfig = { project: PROJECT, address: c.address, user, smtpNode: plain(a), wsNode: plain(last), samples: LATENCY_SAMPLES, warmup: LATENCY_WARMUP };
  const load = startLoad('latency', cfg);
  await load.on('measuring');
  const before = cpuSnapshot(c, { load: load.pid });
  const t0 = performance.now();
  await load.on('measured');
  const cpu = cpuWindow(before, cpuSnapshot(c, { load: load.pid }), (performance.now() - t0) / 1000);
  load.send({ go: true });
  const r = (await load.result) as LatencyResult;
  return {
    from: `SMTP end-of-DATA on node ${a.name}`,
    to: `ticket.created on a WebSocket client of node ${last.name}`,
    warmupSamples: LATENCY_WARMUP,
    endOfDataToEventMs: { ...summary(r.endOfDataToEventMs), targetP99: TARGETS.smtpToEventP99Ms },
    endOfDataToSmtp250Ms: summary(r.endOfDataToAckMs),
    timeouts: r.timeouts,
    cpu,
  };
}

async function measureIngest(c: Cluster) {
  const cfg: IngestConfig = { project: PROJECT, address: c.address, user, nodes: c.nodes.map(plain), count: COUNT, connections: SMTP_CONNECTIONS, timeoutMs: 300_000 };
  const load = startLoad('ingest', cfg);
  await load.on('measuring');
  const before = cpuSnapshot(c, { load: load.pid });
  const stopSampling = c.sampleWriteLock?.();
  const t0 = performance.now();
  await load.on('measured');
  const cpu = cpuWindow(before, cpuSnapshot(c, { load: load.pid }), (performance.now() - t0) / 1000);
  const writeLock = await stopSampling?.();
  load.send({ go: true });
  const r = (await load.result) as IngestResult;
  const seenMs = Math.max(...Object.values(r.allSeenMsPerNode));
  const db = await c.countTickets('Bench message ');
  return {
    messages: r.count,
    megabytes: Math.round((r.bytes / 1e6) * 10) / 10,
    smtpConnections: { total: SMTP_CONNECTIONS, perNode: Math.max(1, Math.round(SMTP_CONNECTIONS / c.nodes.length)) },
    messagesPerSecond: Number.isFinite(seenMs) ? Math.round((r.count / seenMs) * 1000) : 0,
    targetPerSecond: TARGETS.ingestPerSecond,
    measuredAs: 'first send → the last ticket.created seen by a WebSocket client of every node',
    acceptedPerSecond: Math.round((r.count / r.allAcceptedMs) * 1000),
    allSeenMsPerNode: Object.fromEntries(Object.entries(r.allSeenMsPerNode).map(([k, v]) => [k, Math.round(v)])),
    acceptedPerNode: r.acceptedPerNode,
    sendFailures: r.sendFailures,
    firstFailures: r.firstFailures,
    clients: { seenPerNode: r.seenPerNode, doubledPerNode: r.doubledPerNode },
    database: { tickets: db.rows, distinctTitles: db.distinct, lost: r.count - db.distinct, doubled: db.rows - db.distinct },
    cpu,
    ...(writeLock ? { postgresWriteLock: writeLock } : {}),
  };
}

async function measureFanout(c: Cluster) {
  const a = c.nodes[0]!;
  const poster = await benchSession(a.url, user.email, user.password);
  const ticket = await poster.http.tickets.create.mutate({ projectPath: PROJECT, title: 'Fan-out bench ticket' });
  const cfg: FanoutConfig = { project: PROJECT, address: c.address, user, nodes: c.nodes.map(plain), subscribers: SUBSCRIBERS, timeoutMs: 60_000 };
  const load = startLoad('fanout', cfg);
  await load.on('ready');
  const before = cpuSnapshot(c, { load: load.pid });
  const t0 = performance.now();
  const posted: Array<{ id: number; sent: number; resolved: number }> = [];
  for (let i = 0; i < NOTES; i++) {
    const sent = wallNow();
    const note = await poster.http.notes.create.mutate({ projectPath: PROJECT, iid: ticket.iid, body: `Fan-out ${i}`, internal: false });
    posted.push({ id: note.id, sent, resolved: wallNow() });
    await sleep(NOTE_SPACING_MS);
  }
  load.send({ noteIds: posted.map((p) => p.id) });
  await load.on('measured');
  const cpu = cpuWindow(before, cpuSnapshot(c, { load: load.pid }), (performance.now() - t0) / 1000);
  load.send({ go: true });
  const r = (await load.result) as FanoutResult;
  const fromResolved: number[] = [];
  const fromSent: number[] = [];
  const fromAt: number[] = [];
  const perNote: number[] = [];
  for (const p of posted) {
    const got = r.receivedAt[String(p.id)] ?? [];
    for (const t of got) {
      fromResolved.push(t - p.resolved);
      fromSent.push(t - p.sent);
      fromAt.push(t - (r.at[String(p.id)] ?? NaN));
    }
    if (got.length) perNote.push(Math.max(...got) - p.resolved);
  }
  const commit = summary(posted.map((p) => p.resolved - p.sent));
  return {
    subscribers: r.subscribers,
    perNode: r.perNode,
    notes: posted.length,
    spacingMs: NOTE_SPACING_MS,
    postedOn: `node ${a.name} (tRPC over HTTP, from the orchestrator)`,
    commitToClientMs: { ...summary(fromResolved), min: Math.round(Math.min(...fromResolved) * 100) / 100, targetP99: TARGETS.fanOutP99Ms, from: 'the notes.create mutation resolved at the poster' },
    requestToClientMs: { ...summary(fromSent), from: 'the notes.create request sent' },
    transactionToClientMs: { ...summary(fromAt.filter(Number.isFinite)), from: "the event's `at` (server clock when the write was asked for), as the live bench" },
    lastClientPerNoteMs: summary(perNote),
    mutationMs: commit,
    missing: r.missing,
    duplicates: r.duplicates,
    errors: r.errors,
    cpu,
  };
}

async function runEngine(engine: 'pg' | 'sqlite') {
  log(`\n== ${engine === 'pg' ? 'PostgreSQL, three nodes' : 'SQLite, one node'} ==`);
  const t0 = Date.now();
  const c = engine === 'pg' ? await startPgCluster() : await startSqliteNode();
  try {
    log(`  up in ${Date.now() - t0} ms: ${c.nodes.map((n) => `${n.name} ${n.url} smtp ${n.smtpPort}`).join('; ')}; address ${c.address}`);
    const settled: Record<string, number> = {};
    settled.start = await settle(c);
    log(`  1. SMTP → event latency (${LATENCY_SAMPLES} samples after ${LATENCY_WARMUP} warm-up)`);
    const latency = await measureLatency(c);
    log(`     p50 ${latency.endOfDataToEventMs.p50} ms, p99 ${latency.endOfDataToEventMs.p99} ms`);
    settled.afterLatency = await settle(c);
    log(`  2. ingest of ${COUNT} realistic messages over ${c.nodes.length} SMTP listener(s)`);
    const ingest = await measureIngest(c);
    log(`     ${ingest.messagesPerSecond} messages/s; database: ${JSON.stringify(ingest.database)}`);
    settled.afterIngest = await settle(c);
    log(`  3. fan-out to ${SUBSCRIBERS} subscribers, ${NOTES} notes`);
    const fanOut = await measureFanout(c);
    log(`     p50 ${fanOut.commitToClientMs.p50} ms, p99 ${fanOut.commitToClientMs.p99} ms (missing ${fanOut.missing})`);
    const outputs = Object.fromEntries(c.nodes.map((n) => [n.name, n.proc.output().split('\n').filter((l) => /"level":"(warn|error)"|Error/.test(l)).slice(-5)]));
    return { label: c.label, nodes: c.nodes.length, smtpToEvent: latency, ingest, fanOut, settleMs: settled, nodeWarnings: outputs };
  } catch (err) {
    for (const n of c.nodes) log(`--- node ${n.name} output (last 3000 chars) ---\n${n.proc.output().slice(-3000)}`);
    throw err;
  } finally {
    await c.close();
  }
}

// ---- main ---------------------------------------------------------------------------------------------

type EngineResult = Awaited<ReturnType<typeof runEngine>>;
const results: Partial<Record<'pg' | 'sqlite', EngineResult>> = {};
let failed = false;
try {
  for (const [i, e] of ENGINES.entries()) {
    if (aborting) throw new Error('interrupted');
    if (i > 0) {
      // the previous set-up's writes reach the disk before the next one measures fsyncs
      execFileSync('sync');
      await sleep(2000);
    }
    results[e] = await runEngine(e);
  }
} catch (err) {
  failed = true;
  log(`cluster bench failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await cleanup();
}
if (failed) process.exit(1);

const fmt = (v: number | undefined, unit = '') => (v === undefined || Number.isNaN(v) ? '—' : `${v}${unit}`);
const row = (figure: string, f: (r: EngineResult) => string, target: string) =>
  `| ${figure} | ${results.pg ? f(results.pg) : '—'} | ${results.sqlite ? f(results.sqlite) : '—'} | ${target} |`;
const table = [
  '| figure | PostgreSQL 3 nodes | SQLite 1 node | target |',
  '|---|---|---|---|',
  row(`SMTP end-of-DATA (a) → ticket.created (client of c), p50 / p99, ${LATENCY_SAMPLES} samples`, (r) => `${fmt(r.smtpToEvent.endOfDataToEventMs.p50)} / ${fmt(r.smtpToEvent.endOfDataToEventMs.p99, ' ms')}`, `p99 ≤ ${TARGETS.smtpToEventP99Ms} ms`),
  row('  of which end-of-DATA → 250, p50 / p99', (r) => `${fmt(r.smtpToEvent.endOfDataToSmtp250Ms.p50)} / ${fmt(r.smtpToEvent.endOfDataToSmtp250Ms.p99, ' ms')}`, ''),
  row(`ingest, ${COUNT} realistic mails round-robin, first send → last ticket.created`, (r) => `${r.ingest.messagesPerSecond}/s`, `≥ ${TARGETS.ingestPerSecond}/s`),
  row('  all accepted (250) rate', (r) => `${r.ingest.acceptedPerSecond}/s`, ''),
  row('  tickets in the database (lost / doubled)', (r) => `${r.ingest.database.tickets} (${r.ingest.database.lost} / ${r.ingest.database.doubled})`, `${COUNT} (0 / 0)`),
  row(`fan-out, ${SUBSCRIBERS} subscribers, ${NOTES} notes: commit (mutation resolved) → onData, p50 / p99`, (r) => `${fmt(r.fanOut.commitToClientMs.p50)} / ${fmt(r.fanOut.commitToClientMs.p99, ' ms')}`, `p99 ≤ ${TARGETS.fanOutP99Ms} ms`),
  row("  from the event's `at` (as the live bench), p50 / p99", (r) => `${fmt(r.fanOut.transactionToClientMs.p50)} / ${fmt(r.fanOut.transactionToClientMs.p99, ' ms')}`, ''),
  row('  note mutation round trip, p50 / p99', (r) => `${fmt(r.fanOut.mutationMs.p50)} / ${fmt(r.fanOut.mutationMs.p99, ' ms')}`, ''),
  row('  missing / duplicate deliveries', (r) => `${r.fanOut.missing} / ${r.fanOut.duplicates}`, '0 / 0'),
  row('cores busy during ingest (of the machine)', (r) => `${r.ingest.cpu.totalCoresBusy} of ${r.ingest.cpu.machineCores}`, ''),
].join('\n');

let commit: string | null = process.env.BENCH_COMMIT ?? null;
try {
  commit ??= execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  // not a git checkout
}
const out = {
  when: new Date().toISOString(),
  commit,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  config: { count: COUNT, latencySamples: LATENCY_SAMPLES, latencyWarmup: LATENCY_WARMUP, subscribers: SUBSCRIBERS, notes: NOTES, noteSpacingMs: NOTE_SPACING_MS, smtpConnections: SMTP_CONNECTIONS, postgresSettings: { max_connections: 400 } },
  targets: TARGETS,
  note: 'Every process runs on the same machine: PostgreSQL, the nodes, the load generator (its own process) and this orchestrator share its cores.',
  postgres3Nodes: results.pg ?? null,
  sqlite1Node: results.sqlite ?? null,
  table,
};
console.log(JSON.stringify(out, null, 2));
console.log(`\n${table}\n`);
console.log(`written to ${writeResults('cluster', out)}`);
process.exit(0);
