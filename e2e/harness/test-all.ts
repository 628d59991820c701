/**
 * `npm test`: installs missing test system packages, runs unit and integration tests (node's
 * test runner) and the Playwright e2e suite, then prints one combined `N passed, N failed` line
 * and exits non-zero on any failure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './system-packages';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
/** `--files=a.test.ts,b.test.ts`: only these test files (for a quick run of one area on both engines) */
const pick = process.argv.find((a) => a.startsWith('--files='))?.slice('--files='.length).split(',');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(ROOT, full));
  }
  return out;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function allTests(): string[] {
  const all = ['server', 'shared', 'client', 'db', 'e2e'].flatMap((d) => (existsSync(path.join(ROOT, d)) ? findTests(path.join(ROOT, d)) : []));
  return pick ? all.filter((f) => pick.some((p) => f.includes(p))) : all;
}

async function unitSuite(tmp: string): Promise<Counts> {
  return nodeTests(tmp, 'unit', allTests());
}

/**
 * The integration tests again, every app on its own fresh database of a private PostgreSQL
 * cluster (server/testing/test-app.ts reads THREADLINE_TEST_PG): same tests, same outcomes, on
 * the second engine.
 */
async function postgresSuite(tmp: string): Promise<Counts> {
  // Tests that start their own PostgreSQL (the cluster test, the events-order test) run once, in the first pass.
  const files = allTests().filter((f) => {
    const text = readFileSync(path.join(ROOT, f), 'utf8');
    // an app started directly, or through a testing helper that starts one (startDesk, startDeskWithSink)
    // (or one that reads the pass's PostgreSQL itself, as the migration tests do)
    return /\b(startTestApp|startDesk\w*|createDomain|testDatabaseUrl|THREADLINE_TEST_PG)\b/.test(text) && !/\bstartPostgres\(/.test(text);
  });
  const { startPostgres } = await import('../../server/testing/postgres');
  const pg = await startPostgres({ settings: { max_connections: 400 } });
  try {
    const template = 'threadline_template';
    const url = await pg.createDatabase(template);
    const { openDb } = await import('../../db/client');
    const db = await openDb(tmp, { databaseUrl: url }); // applies the migrations once
    await db.close();
    return await nodeTests(tmp, 'postgres', files, { THREADLINE_TEST_PG: pg.adminUrl, THREADLINE_TEST_PG_TEMPLATE: template });
  } finally {
    await pg.stop();
  }
}

async function nodeTests(tmp: string, name: string, files: string[], env: NodeJS.ProcessEnv = {}): Promise<Counts> {
  if (files.length === 0) {
    // counted as a failure: a run that tests nothing must not pass
    const why = name === 'postgres' ? ' (a test that starts its own PostgreSQL, such as db/pg-writes.test.ts, runs once, in the SQLite pass: --only=unit)' : '';
    console.error(`no test files for the ${name} pass${pick ? ` match --files=${pick.join(',')}` : ''}${why}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const tap = path.join(tmp, `${name}.tap`);
  const code = await run(process.execPath, [
    '--import', 'tsx', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], env);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const num = (k: string) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const counts = { passed: num('pass'), failed: num('fail') + num('cancelled'), skipped: num('skipped') + num('todo') };
  // A crash that reported nothing must still count as a failure.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function e2eSuite(tmp: string): Promise<Counts> {
  const report = path.join(tmp, 'e2e.json');
  const code = await run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  });
  if (!existsSync(report)) return { passed: 0, failed: 1, skipped: 0 };
  const stats = JSON.parse(readFileSync(report, 'utf8')).stats as { expected: number; unexpected: number; flaky: number; skipped: number };
  const counts = { passed: stats.expected, failed: stats.unexpected + stats.flaky, skipped: stats.skipped };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'threadline-tests-'));
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
try {
  ensureSystemPackages();
  const suites: [string, (t: string) => Promise<Counts>][] = [];
  if (only !== 'e2e' && only !== 'postgres') suites.push(['unit and integration (SQLite)', unitSuite]);
  if (only !== 'e2e' && only !== 'unit') suites.push(['integration on PostgreSQL', postgresSuite]);
  if (only !== 'unit' && only !== 'postgres') suites.push(['e2e (Playwright, Chromium)', e2eSuite]);
  for (const [name, suite] of suites) {
    process.stdout.write(`\n=== ${name} ===\n`);
    const c = await suite(tmp);
    process.stdout.write(`--- ${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped\n`);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
} catch (err) {
  process.stdout.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
  total.failed += 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const skipped = total.skipped ? `, ${total.skipped} skipped` : '';
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed${skipped}\n`);
process.exit(total.failed > 0 ? 1 : 0);
