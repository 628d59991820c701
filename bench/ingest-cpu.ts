/**
 * `npm run bench -- ingest-cpu [root] [count]`: CPU time the server process spends per ingested
 * message (all threads: main, render workers, SQLite), read from /proc. Unlike messages/s it
 * hardly moves when other jobs share the machine, so two checkouts can be compared (A/B) on a
 * busy machine: `npm run bench -- ingest-cpu /path/to/other/checkout`.
 *
 * BENCH_PG=1 runs it on a private PostgreSQL and reports that server's CPU too, by process kind;
 * BENCH_PG_PERF=<file> records `perf record -g` of PostgreSQL's processes during the measured run
 * (`perf report -i <file> --children`); BENCH_PG_STATEMENTS=1 lists the statements per message
 * from pg_stat_statements (by execution time, or by count with BENCH_PG_STATEMENTS_ORDER=calls).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const root = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..'));
const N = Number(process.argv[3] ?? 800);
const { serverProcess } = await import(path.join(root, 'e2e/fixtures/server-process.ts'));
const { realisticMessage, rng } = await import(path.join(root, 'bench/lib.ts'));
const { default: nodemailer } = await import('nodemailer');
const { prepareLoad } = (await import(path.join(path.dirname(new URL(import.meta.url).pathname), 'smtp-load.ts'))) as typeof import('./smtp-load');
// BENCH_PG=1: the server on a private PostgreSQL; its CPU (postmaster and backends) is reported too
let postgres: { stop(): Promise<void>; dataDir: string } | null = null;
const pgEnv: Record<string, string> = {};
if (process.env.BENCH_PG === '1') {
  const { startPostgres } = await import(path.join(root, 'server/testing/postgres.ts'));
  // BENCH_PG_STATEMENTS=1: pg_stat_statements counts every statement of the measured run
  const statements = process.env.BENCH_PG_STATEMENTS === '1';
  postgres = await startPostgres(statements ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } } : {});
  pgEnv.DATABASE_URL = await (postgres as unknown as { createDatabase(n: string): Promise<string> }).createDatabase('cpuab');
  if (statements) await pgQuery('create extension pg_stat_statements');
}
async function pgQuery(text: string): Promise<Record<string, unknown>[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgEnv.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}
const pgCpu = () => (postgres ? (libMod.postgresCpuSeconds(postgres.dataDir) as number) : 0);
const libMod = await import(path.join(root, 'bench/lib.ts'));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cpuab-'));
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'server/cli/desk.ts'), 'create-project', '--path', 'acme/app'], { cwd: root, env: { ...process.env, ...pgEnv, DATA_DIR: dataDir } });
const TO = 'incoming+acme-app-1-issue-@bench.test';
// BENCH_CPU_PROF=<file.cpuprofile>: a V8 CPU profile of the server's main thread (bench/cpu-profile.mjs)
const prof = process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--import ${path.join(root, 'bench/cpu-profile.mjs')}`, CPU_PROFILE_FILE: path.resolve(process.env.BENCH_CPU_PROF) } : {};
// BENCH_PERF=<file>: `perf record -g` of the server's threads during the measured run, with V8's map of
// JIT-compiled functions (--perf-basic-prof): real CPU per thread, unlike the sampling profiler's wall time
const perfServer = process.env.BENCH_PERF ? { NODE_OPTIONS: '--perf-basic-prof' } : {};
// BENCH_V8_TRACE=<file>: V8's log of optimisations and deoptimisations in the server (all threads),
// to find functions that the compiler optimises again and again
const v8Trace = process.env.BENCH_V8_TRACE ? { NODE_OPTIONS: `--import ${path.join(root, 'bench/v8-trace.mjs')}` } : {};
const server = await serverProcess(dataDir, { INCOMING_EMAIL: 'incoming+%{key}@bench.test', INGEST_RATE_LIMIT: '1000000', LOG_LEVEL: 'error', ...prof, ...perfServer, ...v8Trace, ...pgEnv });
await server.start();
const ticks = () => {
  const f = readFileSync(`/proc/${server.pid()}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (clock ticks, all threads)
};
const random = rng(7);
const msgs = Array.from({ length: N }, (_, i) => realisticMessage(i, TO, random));
const pool = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 8, maxMessages: Infinity });
// Warm-up: 50 messages, or BENCH_WARMUP=<n> (the compiler keeps optimising functions that run
// once per message for thousands of messages: a long-running server has paid that long since)
{
  const warm = Number(process.env.BENCH_WARMUP ?? 50);
  const wl = await prepareLoad('127.0.0.1', server.smtpPort, Array.from({ length: warm }, (_, i) => ({ from: `w${i}@bench.test`, to: TO, raw: realisticMessage(N + i, TO, random).replace('Message-ID: <', 'Message-ID: <warm') })), 8);
  await wl.run();
}
/** CPU ticks per thread name (main thread = the process id) */
const threads = () => {
  const out = new Map<string, number>();
  const pid = server.pid();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(name, (out.get(name) ?? 0) + Number(f[11]) + Number(f[12]));
    } catch {
      // gone
    }
  }
  return out;
};
// BENCH_CONNECTIONS=<n>: SMTP connections of the load generator (8, as the ingest bench)
const load = await prepareLoad('127.0.0.1', server.smtpPort, msgs.map((raw: string, i: number) => ({ from: `c${i}@bench.test`, to: TO, raw })), Number(process.env.BENCH_CONNECTIONS ?? 8));
/** PostgreSQL CPU ticks per process kind (backends by application, walwriter, checkpointer, …) */
const pgProcs = () => {
  const out = new Map<string, number>();
  if (!postgres) return out;
  const pid = Number(readFileSync(path.join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  for (const p of [pid, ...libMod.childPids(pid)]) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // "postgres: threadline cpuab 127.0.0.1(4711) idle" → "backend"; "postgres: walwriter" → "walwriter"
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const kind = p === pid ? 'postmaster(+reaped)' : /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(cmd) ? 'backends' : cmd.replace(/^postgres: /, '').split(' ')[0]!;
      const t = Number(f[11]) + Number(f[12]) + (p === pid ? Number(f[13]) + Number(f[14]) : 0);
      out.set(kind, (out.get(kind) ?? 0) + t);
    } catch {
      // exited meanwhile
    }
  }
  return out;
};
// BENCH_PG_PERF=<file>: `perf record -g` of PostgreSQL's processes during the measured run
let perf: import('node:child_process').ChildProcess | null = null;
if (postgres && process.env.BENCH_PG_PERF) {
  const { spawn } = await import('node:child_process');
  const pid = Number(readFileSync(path.join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  perf = spawn('perf', ['record', '-g', '-F', '999', '-o', path.resolve(process.env.BENCH_PG_PERF), '-p', [pid, ...libMod.childPids(pid)].join(',')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
}
if (process.env.BENCH_PERF) {
  const { spawn } = await import('node:child_process');
  perf = spawn('perf', ['record', '-g', '-F', '999', '-o', path.resolve(process.env.BENCH_PERF), '-p', String(server.pid())], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
}
if (process.env.BENCH_PG_STATEMENTS === '1') await pgQuery('select pg_stat_statements_reset()');
const pg0 = pgProcs();
const th0 = threads();
const t0 = ticks();
const p0 = pgCpu();
const w0 = performance.now();
await load.run();
const wall = (performance.now() - w0) / 1000;
const cpu = (ticks() - t0) / 100;
const th1 = threads();
const perThread = Object.fromEntries([...th1].map(([k, v]) => [k, Math.round(((v - (th0.get(k) ?? 0)) / 100 / N) * 1000 * 100) / 100]).filter(([, v]) => (v as number) > 0.05));
const pgSeconds = pgCpu() - p0;
const pgByProcess = Object.fromEntries([...pgProcs()].map(([k, v]) => [k, Math.round(((v - (pg0.get(k) ?? 0)) / 100 / N) * 1000 * 100) / 100]).filter(([, v]) => (v as number) > 0.05));
if (perf) {
  perf.kill('SIGINT');
  await new Promise((r) => perf!.once('exit', r));
}
process.stdout.write(`${JSON.stringify({ root, N, cpuSeconds: cpu, cpuMsPerMessage: Math.round((cpu / N) * 1000 * 100) / 100, ...(postgres ? { postgresCpuMsPerMessage: Math.round((pgSeconds / N) * 1000 * 100) / 100, postgresCpuMsPerMessageByProcess: pgByProcess } : {}), wallPerSecond: Math.round(N / wall), load1m: Math.round((os.loadavg()[0] as number) * 100) / 100, cpuMsPerMessageByThread: perThread })}\n`);
if (process.env.BENCH_PG_STATEMENTS === '1') {
  // statements per message and their execution time in the backend (not the round trip)
  const rows = await pgQuery(`select calls, total_exec_time, query from pg_stat_statements where query not like '%pg_stat_statements%' order by ${process.env.BENCH_PG_STATEMENTS_ORDER === 'calls' ? 'calls' : 'total_exec_time'} desc`);
  const calls = rows.reduce((n, r) => n + Number(r.calls), 0);
  const ms = rows.reduce((n, r) => n + Number(r.total_exec_time), 0);
  process.stdout.write(`statements/message ${(calls / N).toFixed(1)}, execution ${(ms / N).toFixed(2)} ms/message\n`);
  for (const r of rows.slice(0, Number(process.env.TOP ?? 30))) {
    process.stdout.write(`${(Number(r.calls) / N).toFixed(2).padStart(6)}/msg ${(Number(r.total_exec_time) / N).toFixed(3).padStart(7)}ms/msg  ${String(r.query).replace(/\s+/g, ' ').slice(0, 140)}\n`);
  }
}
pool.close();
const serverPid = server.pid();
await server.stop();
if (process.env.BENCH_V8_TRACE) (await import('node:fs')).writeFileSync(process.env.BENCH_V8_TRACE, server.output());
// --perf-basic-prof also writes V8's log of each isolate into the server's working directory
if (process.env.BENCH_PERF) for (const f of readdirSync(root)) if (f.startsWith('isolate-') && f.includes(`-${serverPid}-`)) rmSync(path.join(root, f), { force: true });
await postgres?.stop();
// a run's data directory holds thousands of tickets (hundreds of MB): not kept
rmSync(dataDir, { recursive: true, force: true });
