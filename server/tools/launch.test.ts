/**
 * `npm start` stopped the way supervisors stop it: a SIGTERM to npm's own process (Docker's PID 1,
 * `kill <pid>`) must stop the server too — drained, ports freed — not leave it running orphaned.
 * Started without its dependencies (no `npm install` yet, or a pull that added one), it says to
 * run `npm install` instead of dying on an import.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, ROOT_DIR } from './build.mjs';
import { freePort } from '../../e2e/fixtures/dovecot';
import { childProcessEnv } from '../config';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-launch-'));
let serverPid = 0;
after(() => {
  if (serverPid) {
    try {
      process.kill(serverPid, 'SIGKILL');
    } catch {
      // stopped as it should
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('SIGTERM to `npm start` itself stops the server it started', async () => {
  await ensureBuilt({ quiet: true });
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT_DIR,
    env: childProcessEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SMTP_LISTEN: 'off', LOG_LEVEL: 'warn' }),
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/healthz`;
  for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 50))) {
    try {
      const health = (await (await fetch(url)).json()) as { node: string };
      serverPid = Number(health.node.split(':')[1]); // <name>:<pid>:<random>
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('npm start did not answer /healthz within 20 s');
    }
  }
  assert.ok(serverPid > 0 && serverPid !== npm.pid, 'the server runs in a process of its own below npm');
  npm.kill('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (running(serverPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(running(serverPid), false, 'the server kept running after npm was stopped');
  await assert.rejects(fetch(url), 'the port is free again');
});

/** launch.mjs and build.mjs in a checkout of their own whose node_modules is the real one, with `marked` changed by `edit` */
function checkoutWith(edit: (markedDir: string) => void, without = 'marked'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-deps-'));
  for (const f of ['server/tools/launch.mjs', 'server/tools/build.mjs', 'package.json']) cpSync(path.join(ROOT_DIR, f), path.join(dir, f), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const entry of readdirSync(path.join(ROOT_DIR, 'node_modules'))) {
    if (entry !== without) symlinkSync(path.join(ROOT_DIR, 'node_modules', entry), path.join(dir, 'node_modules', entry));
  }
  edit(path.join(dir, 'node_modules', without));
  return dir;
}

test('started without a dependency installed, it says to run npm install (exit 1), and warns when one differs from package.json', () => {
  const missing = checkoutWith(() => {});
  const differs = checkoutWith((marked) => {
    mkdirSync(marked);
    writeFileSync(path.join(marked, 'package.json'), '{ "name": "marked", "version": "0.0.1" }');
  });
  try {
    const a = spawnSync(process.execPath, ['server/tools/launch.mjs', 'desk', '--help'], { cwd: missing, encoding: 'utf8' });
    assert.equal(a.status, 1);
    assert.match(a.stderr, /dependencies are not installed \(marked\): run `npm install` first/);
    const b = spawnSync(process.execPath, ['server/tools/launch.mjs', 'desk', '--help'], { cwd: differs, encoding: 'utf8' });
    assert.match(b.stderr, /Warning: installed dependencies differ from package\.json: marked 0\.0\.1 \(package\.json: \d+\.\d+\.\d+\)\. Run `npm install`\./);
  } finally {
    rmSync(missing, { recursive: true, force: true });
    rmSync(differs, { recursive: true, force: true });
  }
});

test('installed without the development dependencies, a start that must build says so instead of a missing-module error', () => {
  const noEsbuild = checkoutWith(() => {}, 'esbuild');
  try {
    const r = spawnSync(process.execPath, ['server/tools/launch.mjs', 'desk', '--help'], { cwd: noEsbuild, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /building needs the development dependencies \(Vite, esbuild\): run `npm install` without --omit=dev/);
  } finally {
    rmSync(noEsbuild, { recursive: true, force: true });
  }
});
