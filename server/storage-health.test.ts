/**
 * A node that cannot store mail leaves the load balancer's rotation by itself and comes back by
 * itself: the real server on a DATA_DIR that is a small file system of its own (tmpfs), filled
 * up, then emptied, then made to refuse new files, then writable again. /healthz answers 503 with the
 * reason meanwhile, and SMTP refuses a message before it is sent (452), as Postfix does.
 * Mounting needs root (as the test machines run); elsewhere the test is skipped, saying why.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Db } from '../db/client';
import { createDomain } from './app';
import { loadConfig } from './config';
import { createProject } from './domain/projects/projects';
import { noRoomToStore, storageProblemOf, watchStorage } from './storage-health';
import { TEST_ENGINE, testDatabaseUrl } from './testing/test-app';
import { serverProcess, type ServerProcess } from '../e2e/fixtures/server-process';

const TO = 'incoming+acme-app-1-issue-@desk.test';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Why this machine cannot run the file-system tests, or false: they mount a tmpfs and set the
 * immutable flag, which needs root and a kernel that lets this process do so (a container without
 * CAP_SYS_ADMIN, or an overlay file system without the flag, refuses).
 */
function cannotRun(): string | false {
  // PostgreSQL nodes store mail in the database and watch no DATA_DIR (storage-engines.test.ts)
  if (TEST_ENGINE === 'pg') return 'SQLite only: a PostgreSQL node stores mail in the database';
  if (!isRoot) return 'mounting a small file system and the immutable flag need root';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-storage-probe-'));
  const plain = mkdtempSync(path.join(os.tmpdir(), 'threadline-storage-probe-'));
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
    execFileSync('chattr', ['+i', dir], { stdio: 'pipe' });
    execFileSync('chattr', ['-i', dir], { stdio: 'pipe' });
    // the quota test sets it on a folder of the usual temp directory's file system
    execFileSync('chattr', ['+i', plain], { stdio: 'pipe' });
    execFileSync('chattr', ['-i', plain], { stdio: 'pipe' });
    return false;
  } catch (err) {
    return `this machine refuses it: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().slice(0, 200)}`;
  } finally {
    if (mounted) execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  }
}
const skipWhy = cannotRun();
const mounts: string[] = [];
const immutable: string[] = [];
const dirs: string[] = [];
const dbs: Db[] = [];
const servers: ServerProcess[] = [];

after(async () => {
  for (const s of servers) await s.kill9();
  for (const db of dbs) await db.close();
  for (const d of immutable) execFileSync('chattr', ['-i', d]);
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Health {
  ok: boolean;
  storage: string;
  reason?: string;
  message?: string;
}

async function health(server: ServerProcess): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

/** Polls /healthz (a balancer's probe) until it answers `status`; the node decides by itself. */
async function healthBecomes(server: ServerProcess, status: number): Promise<Health> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const h = await health(server);
    if (h.status === status) return h.body;
    if (Date.now() > deadline) throw new Error(`/healthz stayed ${h.status} ${JSON.stringify(h.body)}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function send(server: ServerProcess, subject: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true });
  try {
    await t.sendMail({ envelope: { from: 'ada@customer.test', to: [TO] }, raw: `From: ada@customer.test\r\nTo: ${TO}\r\nSubject: ${subject}\r\n\r\nHello.\r\n` });
  } finally {
    t.close();
  }
}

test('disk full, then DATA_DIR not writable: /healthz 503 with the reason and SMTP 452; each time back to 200 and 250 by itself', { skip: skipWhy }, async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-storage-'));
  dirs.push(dataDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', dataDir]);
  mounts.push(dataDir);
  const databaseUrl = await testDatabaseUrl();
  const dc = await createDomain(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }));
  dbs.push(dc.db);
  await createProject(dc, { path: 'acme/app' });
  // the largest message is 4 MB: the node needs 6 MB free to take one
  const server = await serverProcess(dataDir, { DATABASE_URL: databaseUrl, INCOMING_EMAIL: 'incoming+%{key}@desk.test', MAX_EMAIL_SIZE: String(4 * 1024 * 1024) });
  servers.push(server);
  await server.start();
  const first = await health(server);
  assert.equal(first.status, 200);
  assert.equal(first.body.storage, 'ok');
  await send(server, 'Before the disk filled up');

  // fill the disk up to 5 MB free: another process's files, as in real life
  const { bavail, bsize } = statfsSync(dataDir);
  const filler = path.join(dataDir, 'filler');
  writeFileSync(filler, Buffer.alloc(bavail * bsize - 5 * 1024 * 1024));
  const full = await healthBecomes(server, 503);
  assert.equal(full.ok, false);
  assert.equal(full.storage, 'disk-full');
  assert.equal(full.reason, 'disk-full');
  assert.match(full.message ?? '', /has 5\.\d MB free, less than the 6\.0 MB needed to store the largest message/);
  await assert.rejects(send(server, 'While the disk is full'), (err: Error & { responseCode?: number }) => {
    assert.equal(err.responseCode, 452);
    assert.match(err.message, /Insufficient system storage/);
    return true;
  });

  rmSync(filler);
  const freed = await healthBecomes(server, 200);
  assert.deepEqual([freed.ok, freed.storage, freed.reason], [true, 'ok', undefined]);
  await send(server, 'After space was freed');

  // The folder refuses new files (immutable: a remount read-only is refused while the database
  // is open, and root passes permission checks). The node cannot store a new attachment there.
  execFileSync('chattr', ['+i', dataDir]);
  immutable.push(dataDir);
  const readOnly = await healthBecomes(server, 503);
  assert.equal(readOnly.reason, 'data-dir-not-writable');
  assert.match(readOnly.message ?? '', /DATA_DIR \(.*\) cannot be written \(EPERM\)/);
  await assert.rejects(send(server, 'While not writable'), (err: Error & { responseCode?: number }) => err.responseCode === 452);

  execFileSync('chattr', ['-i', dataDir]);
  immutable.pop();
  assert.equal((await healthBecomes(server, 200)).storage, 'ok');
  await send(server, 'Writable again');

  const titles = (await dc.db.sqlAll<{ title: string }>('select title from tickets order by id')).map((r) => r.title);
  assert.deepEqual(titles, ['Before the disk filled up', 'After space was freed', 'Writable again']);
  await server.stop();
});

test('a store refused for lack of room that free space does not show (a quota) counts at once; only a file written in DATA_DIR brings the node back', { skip: skipWhy }, async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-quota-'));
  dirs.push(dataDir);
  const storage = watchStorage({ dataDir, maxEmailSize: 1024, intervalMs: 60_000 });
  try {
    assert.equal((await storage.check()).problem, null);
    storage.reportFailure(Object.assign(new Error('Disk quota exceeded'), { code: 'EDQUOT' }));
    assert.equal(storage.state().problem, 'disk-full', 'at once, not at the next check');
    assert.match(storage.state().message ?? '', /Storing a message failed: the disk holding DATA_DIR .* is full \(EDQUOT\)/);
    // still refused: the check's probe file cannot be written either
    execFileSync('chattr', ['+i', dataDir]);
    immutable.push(dataDir);
    storage.reportFailure(Object.assign(new Error('Disk quota exceeded'), { code: 'EDQUOT' }));
    assert.equal((await storage.check()).problem, 'data-dir-not-writable');
    execFileSync('chattr', ['-i', dataDir]);
    immutable.pop();
    assert.equal((await storage.check()).problem, null, 'the probe file was written: back by itself');
    assert.deepEqual(readdirSync(dataDir), [], 'the probe file is removed');
    storage.reportFailure(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
    assert.equal(storage.state().problem, null, 'not a storage problem');
  } finally {
    storage.stop();
  }
});

test('a store that failed for lack of room or on a read-only file system counts as such; other failures do not', () => {
  assert.equal(storageProblemOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })), 'disk-full');
  assert.equal(storageProblemOf(new Error('write failed', { cause: Object.assign(new Error('no space'), { code: 'EDQUOT' }) })), 'disk-full');
  assert.equal(storageProblemOf(Object.assign(new Error('read-only file system'), { code: 'EROFS' })), 'data-dir-not-writable');
  // PostgreSQL out of room (drizzle keeps the driver's error as the cause): no room to store the
  // message (ingest answers 4xx), but not this node's DATA_DIR (its /healthz stays as it is)
  const pgFull = new Error('Failed query: insert into …', { cause: Object.assign(new Error('could not extend file "base/16384/16397": No space left on device'), { code: '53100' }) });
  assert.equal(storageProblemOf(pgFull), null);
  assert.equal(noRoomToStore(pgFull), true);
  assert.equal(noRoomToStore(Object.assign(new Error('no space'), { code: 'ENOSPC' })), true);
  assert.equal(noRoomToStore(Object.assign(new Error('syntax error'), { code: '42601' })), false);
  // the database's own refusal is not the disk's state (the listener's 451 test: query_only)
  assert.equal(storageProblemOf(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' })), null);
  assert.equal(storageProblemOf(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' })), null);
  assert.equal(storageProblemOf(new Error('a bug')), null);
});
