/**
 * `npm start` never serves a stale build: a copy of the checkout is built, then its sources change
 * with modification times older than the build (a tarball or rsync of another release, a rollback,
 * a clock that was ahead) and a dependency is upgraded (package-lock.json): both builds count as
 * stale and the rebuild carries the change. The server's source maps name the real sources, so
 * stack traces in logs point at files that exist. A page opened before a client rebuild can still
 * load the lazy chunks its old index.html names.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from './build.mjs';

const copy = mkdtempSync(path.join(os.tmpdir(), 'threadline-build-'));
const INPUTS = ['server', 'db', 'shared', 'client', 'templates', 'package.json', 'package-lock.json', 'tsconfig.json', 'vite.config.ts'];

/** Runs `code` (an ES module body) with the copy's own build.mjs imported as `b`. */
function inCopy(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', `import * as b from './server/tools/build.mjs';\n${code}`], { cwd: copy, encoding: 'utf8' });
}
const staleness = () => JSON.parse(inCopy('console.log(JSON.stringify({ server: b.serverIsStale(), client: b.clientIsStale() }))')) as { server: boolean; client: boolean };

/** Writes `text` into the file in place, then sets its modification time an hour back. */
function changeWithOldTime(rel: string, edit: (text: string) => string): void {
  const file = path.join(copy, rel);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const anHourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(file, anHourAgo, anHourAgo);
}

before(() => {
  for (const p of INPUTS) cpSync(path.join(ROOT_DIR, p), path.join(copy, p), { recursive: true, preserveTimestamps: true });
  symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(copy, 'node_modules'));
  execFileSync(process.execPath, ['server/tools/build.mjs'], { cwd: copy, stdio: 'ignore' });
});
after(() => rmSync(copy, { recursive: true, force: true }));

test('a fresh build is not stale', () => {
  assert.deepEqual(staleness(), { server: false, client: false });
});

test("the server bundle's source maps name the checkout's own sources", () => {
  const map = JSON.parse(readFileSync(path.join(copy, 'dist-server', 'main.js.map'), 'utf8')) as { sources: string[] };
  const missing = map.sources.filter((s) => !s.includes('node_modules') && !existsSync(path.resolve(copy, 'dist-server', s)));
  assert.deepEqual(missing.slice(0, 3), []);
  assert.ok(map.sources.includes('../server/main.ts'));
});

test('sources changed with older modification times make the server stale, and the rebuild carries them', () => {
  changeWithOldTime('server/http.ts', (t) => t.replace(/export const VERSION = '[^']*';/, "export const VERSION = '9.9.9-from-the-past';"));
  assert.equal(staleness().server, true);
  execFileSync(process.execPath, ['server/tools/build.mjs'], { cwd: copy, stdio: 'ignore' });
  assert.equal(staleness().server, false);
  const bundle = inCopy("import { readdirSync, readFileSync } from 'node:fs'; console.log(readdirSync('dist-server').filter((f) => f.endsWith('.js')).some((f) => readFileSync('dist-server/' + f, 'utf8').includes('9.9.9-from-the-past')))");
  assert.equal(bundle.trim(), 'true');
});

test('an upgraded dependency (package-lock.json) makes the client stale: the client bundles its dependencies', () => {
  changeWithOldTime('package-lock.json', (t) => t.replace('"lockfileVersion"', '"x-upgraded": true,\n  "lockfileVersion"'));
  assert.equal(staleness().client, true);
});

test("a client rebuild keeps the previous build's chunks (a page opened before it still loads its routes) and records when they retired", () => {
  const assets = path.join(copy, 'dist', 'client', 'assets');
  const before = new Set(readdirSync(assets));
  const setupChunk = [...before].find((f) => f.startsWith('SetupPage-'));
  assert.ok(setupChunk, 'the setup page is a chunk of its own');
  changeWithOldTime('client/pages/SetupPage.tsx', (t) => t.replace('<h1>Set up Threadline</h1>', '<h1>Set up Threadline, rebuilt</h1>'));
  assert.equal(staleness().client, true);
  // as if the previous build had written it a moment ago (a rebuild right after a build)
  const now = new Date();
  utimesSync(path.join(assets, setupChunk), now, now);
  execFileSync(process.execPath, ['server/tools/build.mjs'], { cwd: copy, stdio: 'ignore' });
  const after = readdirSync(assets);
  const newSetup = after.filter((f) => f.startsWith('SetupPage-') && f !== setupChunk);
  assert.equal(newSetup.length, 1, 'the rebuild made a new setup chunk');
  assert.ok(after.includes(setupChunk), 'the old setup chunk is still there for pages opened before');
  const stamp = JSON.parse(readFileSync(path.join(copy, 'dist', 'client-build.json'), 'utf8')) as { retired: Record<string, number> };
  assert.ok(typeof stamp.retired[setupChunk] === 'number', 'its retirement is recorded (it goes a week later)');
  assert.equal(stamp.retired[newSetup[0]!], undefined);
});
