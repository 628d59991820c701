/**
 * `npm start` stopped the way supervisors stop it: a SIGTERM to npm's own process (Docker's PID 1,
 * `kill <pid>`) must stop the server too — drained, ports freed — not leave it running orphaned.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, ROOT_DIR } from './build.mjs';
import { freePort } from '../../e2e/fixtures/dovecot';

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
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SMTP_LISTEN: 'off', LOG_LEVEL: 'warn' },
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
