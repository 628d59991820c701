/**
 * `npm run bench -- start`: how long an installed checkout takes to be usable, exactly as an
 * operator types it: `npm start` until `/healthz` answers 200 (on an existing data directory,
 * build already done), and `npm run desk -- <command>` until it exits (a read and a write).
 * Median and max of several runs each; the machine's load average beside them, since the
 * figures move with it. `BENCH_COMPARE=/other/checkout` measures another checkout (e.g. a
 * worktree of the previous commit) the same way, its runs interleaved with this one's so both
 * see the same machine load. Results: bench/results/start.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../e2e/fixtures/dovecot';
import { writeResults } from './lib';

const ROOTS = [path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), ...(process.env.BENCH_COMPARE ? [path.resolve(process.env.BENCH_COMPARE)] : [])];
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const NPM = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

interface Checkout {
  root: string;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  start: number[];
  deskRead: number[];
  deskWrite: number[];
}

function checkout(root: string): Checkout {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-start-'));
  const env = { ...process.env, DATA_DIR: dataDir, SMTP_LISTEN: 'off', IMAP_MAILBOXES: '', LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
  return { root, env, dataDir, start: [], deskRead: [], deskWrite: [] };
}

function npm(c: Checkout, args: string[]): number {
  const s = performance.now();
  const r = spawnSync(NPM[0] as string, [...NPM.slice(1), ...args], { cwd: c.root, env: c.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${c.root} (${r.status}):\n${r.stdout}${r.stderr}`);
  return performance.now() - s;
}

/** `npm start` → first 200 from /healthz; then SIGTERM to the whole process group. */
async function timeStart(c: Checkout): Promise<number> {
  const port = await freePort();
  const s = performance.now();
  const child = spawn(NPM[0] as string, [...NPM.slice(1), 'start'], { cwd: c.root, env: { ...c.env, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${out}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return performance.now() - s;
      } catch {
        // not listening yet
      }
      if (performance.now() - s > 60_000) throw new Error(`no /healthz within 60 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { runs: s.length, median: Math.round(s[Math.floor((s.length - 1) / 2)] as number), min: Math.round(s[0] as number), max: Math.round(s[s.length - 1] as number) };
};

// Installed checkouts with data: the first start builds what is missing and migrates the database.
const checkouts = ROOTS.map(checkout);
for (const c of checkouts) {
  npm(c, ['run', 'desk', '--', 'create-admin', '--email', 'bench@bench.test', '--password', 'bench-password-1', '--name', 'Bench']);
  npm(c, ['run', 'desk', '--', 'create-project', '--path', 'acme/app']);
  await timeStart(c);
}

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const loadBefore = load();
for (let i = 0; i < RUNS; i++) {
  for (const c of checkouts) {
    c.start.push(await timeStart(c));
    c.deskRead.push(npm(c, ['run', 'desk', '--', 'service-desk', '--project', 'acme/app']));
    c.deskWrite.push(npm(c, ['run', 'desk', '--', 'create-project', '--path', `bench/p${i}`]));
  }
}
const loadAfter = load();
for (const c of checkouts) rmSync(c.dataDir, { recursive: true, force: true });

const figures = (c: Checkout) => ({
  root: c.root,
  npmStartToHealthzMs: { ...stats(c.start), target: 1500 },
  deskServiceDeskShowMs: { ...stats(c.deskRead), target: 700 },
  deskCreateProjectMs: { ...stats(c.deskWrite), target: 700 },
});
const results = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, loadAvg1_5_15: { before: loadBefore, after: loadAfter } },
  ...figures(checkouts[0] as Checkout),
  ...(checkouts[1] ? { compared: figures(checkouts[1]) } : {}),
};
console.log(JSON.stringify(results, null, 2));
console.log(`written to ${writeResults('start', results)}`);
process.exit(0);
