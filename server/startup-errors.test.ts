/**
 * An operator whose start fails reads one sentence naming the setting to change — a port in use,
 * a data folder that cannot be written, an invalid variable — and no stack trace; the server
 * (what `npm start` runs) and the `desk` CLI both exit non-zero.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, ROOT_DIR, SERVER_BUILD_DIR } from './tools/build.mjs';
import { freePort } from '../e2e/fixtures/dovecot';
import { childProcessEnv } from './config';

const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-startup-'));
const servers: net.Server[] = [];

before(() => ensureBuilt({ client: false, quiet: true }));
after(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs dist-server/<entry>.js to its exit (at most 20 s) and returns its exit code and stderr. */
function run(entry: 'main' | 'desk', env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(SERVER_BUILD_DIR, `${entry}.js`), ...args], {
      cwd: ROOT_DIR,
      env: childProcessEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit within 20 s:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

async function occupiedPort(): Promise<number> {
  const port = await freePort();
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return port;
}

const noStackTrace = (text: string) => assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace instead of a sentence:\n${text}`);

test('the HTTP port in use: the server names PORT and exits 1', async () => {
  const port = await occupiedPort();
  const smtp = await freePort();
  const r = await run('main', { PORT: String(port), DATA_DIR: path.join(dir, 'port'), SMTP_LISTEN: `127.0.0.1:${smtp}` });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`Threadline could not start: PORT: 127\\.0\\.0\\.1:${port} is already in use`));
  noStackTrace(r.stderr);
});

test('the SMTP port in use: the server names SMTP_LISTEN and exits 1', async () => {
  const smtp = await occupiedPort();
  const r = await run('main', { PORT: String(await freePort()), DATA_DIR: path.join(dir, 'smtp'), SMTP_LISTEN: `127.0.0.1:${smtp}` });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`Threadline could not start: SMTP_LISTEN: 127\\.0\\.0\\.1:${smtp} is already in use`));
  noStackTrace(r.stderr);
});

test('a DATA_DIR that cannot be written is named, by the server and by desk', async () => {
  // a file where the folder should be (root ignores permission bits, so chmod would not do)
  const blocked = path.join(dir, 'not-a-folder');
  writeFileSync(blocked, 'x');
  const dataDir = path.join(blocked, 'data');
  const r = await run('main', { PORT: String(await freePort()), DATA_DIR: dataDir, SMTP_LISTEN: 'off' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`Threadline could not start: DATA_DIR ${dataDir.replace(/[/.]/g, '\\$&')} cannot be written \\(ENOTDIR`));
  noStackTrace(r.stderr);
  const d = await run('desk', { DATA_DIR: dataDir }, ['create-project', '--path', 'acme/app']);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /^Error: DATA_DIR .* cannot be written \(ENOTDIR/);
});

test('an invalid variable: the message names it, without a stack trace', async () => {
  const r = await run('main', { PORT: 'abc', DATA_DIR: path.join(dir, 'config') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Threadline could not start: Invalid configuration:\n\s+PORT:/);
  noStackTrace(r.stderr);
});

test('listening for other machines without PUBLIC_URL: a warning says the links in email would lead nowhere', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(SERVER_BUILD_DIR, 'main.js')], {
    cwd: ROOT_DIR,
    env: childProcessEnv({ HOST: '0.0.0.0', PORT: String(port), DATA_DIR: path.join(dir, 'public-url'), SMTP_LISTEN: 'off', LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    for (const deadline = Date.now() + 20_000; !stderr.includes('PUBLIC_URL'); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() > deadline) throw new Error(`no warning about PUBLIC_URL:\n${stderr}`);
    }
    assert.match(stderr, /"level":"warn","msg":"PUBLIC_URL is not set: links in email/);
  } finally {
    child.kill('SIGKILL');
  }
});
