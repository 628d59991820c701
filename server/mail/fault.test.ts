/**
 * Nothing lost, nothing doubled: the server is killed with SIGKILL in the middle of a burst of
 * 500 messages (SMTP, then IMAP), restarted, and every message ends up as exactly one ticket.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Db } from '../../db/client';
import { createDomain } from '../app';
import { loadConfig } from '../config';
import { createProject } from '../domain/projects/projects';
import { testDatabaseUrl } from '../testing/test-app';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../e2e/fixtures/dovecot';
import { serverProcess } from '../../e2e/fixtures/server-process';

const N = 500;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const dirs: string[] = [];
const dbs: Db[] = [];
let dovecot: Dovecot | null = null;

/**
 * A data directory with project acme/app, on this test run's engine (on PostgreSQL a fresh
 * database, passed to the server as DATABASE_URL), and this process's own connection to it.
 */
async function freshStore(): Promise<{ dataDir: string; env: Record<string, string>; db: Db }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-fault-'));
  dirs.push(dataDir);
  const databaseUrl = await testDatabaseUrl();
  const dc = await createDomain(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }));
  dbs.push(dc.db);
  await createProject(dc, { path: 'acme/app' });
  return { dataDir, env: { DATABASE_URL: databaseUrl }, db: dc.db };
}

function message(tag: string, i: number): string {
  return `From: burst${i}@customer.test\r\nTo: ${TO}\r\nSubject: ${tag} ${i}\r\nMessage-ID: <${tag}-${i}@customer.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nMessage number ${i}.\r\n`;
}

/** tickets per title, read from the database directly (committed rows only) */
async function ticketCounts(db: Db, tag: string): Promise<Map<string, number>> {
  const rows = await db.sqlAll<{ title: string; n: number }>('select title, count(*) n from tickets where title like ? group by title', `${tag} %`);
  return new Map(rows.map((r) => [r.title, Number(r.n)]));
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertExactlyOnce(counts: Map<string, number>, tag: string): void {
  const missing: number[] = [];
  const doubled: string[] = [];
  for (let i = 0; i < N; i++) {
    const n = counts.get(`${tag} ${i}`) ?? 0;
    if (n === 0) missing.push(i);
    if (n > 1) doubled.push(`${tag} ${i} ×${n}`);
  }
  assert.deepEqual({ missing, doubled }, { missing: [], doubled: [] });
}

before(() => ensureDovecotInstalled());
after(async () => {
  await dovecot?.destroy();
  for (const db of dbs) await db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('SMTP: kill -9 mid-burst, the senders retry what was not acknowledged, every message is one ticket', async () => {
  const { dataDir, env, db } = await freshStore();
  const server = await serverProcess(dataDir, { ...env, INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await server.start();
  const acked = new Set<number>();
  const send = async (i: number) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true, connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 5000 });
    try {
      await t.sendMail({ envelope: { from: `burst${i}@customer.test`, to: [TO] }, raw: message('smtp', i) });
      acked.add(i);
    } catch {
      // not acknowledged: a real MTA keeps it and retries later
    } finally {
      t.close();
    }
  };
  const queue = Array.from({ length: N }, (_, i) => i);
  let killed = false;
  const workers = Array.from({ length: 8 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      await send(i);
      if (!killed && acked.size >= 150) {
        killed = true;
        await server.kill9();
      }
    }
  });
  await Promise.all(workers);
  assert.ok(killed, 'the server was killed during the burst');
  assert.ok(acked.size < N, 'some messages were not acknowledged while the server was down');
  // Whatever got a 250 is already a ticket, before any restart.
  const afterKill = await ticketCounts(db, 'smtp');
  for (const i of acked) assert.equal(afterKill.get(`smtp ${i}`), 1, `acknowledged message ${i} was stored`);
  await server.start();
  for (let round = 0; round < 5 && acked.size < N; round++) {
    const retry = Array.from({ length: N }, (_, i) => i).filter((i) => !acked.has(i));
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = retry.shift(); i !== undefined; i = retry.shift()) await send(i);
    }));
  }
  assert.equal(acked.size, N, 'every message acknowledged after the restart');
  assertExactlyOnce(await ticketCounts(db, 'smtp'), 'smtp');
  await server.stop();
});

test('IMAP: kill -9 mid-burst, restart, every delivered message is one ticket', async () => {
  dovecot = await startDovecot({ users: ['desk'] });
  for (let i = 0; i < N; i++) await dovecot.deliver('desk', message('imap', i));
  const { dataDir, env, db } = await freshStore();
  const server = await serverProcess(dataDir, {
    ...env,
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    IMAP_MAILBOXES: `imap://desk:${dovecot.password}@${dovecot.host}:${dovecot.port}/INBOX?name=desk`,
  });
  await server.start();
  await until(async () => (await ticketCounts(db, 'imap')).size >= 120, 60_000, 'the first tickets');
  await server.kill9();
  const atKill = (await ticketCounts(db, 'imap')).size;
  assert.ok(atKill < N, `killed mid-burst (${atKill} of ${N} done)`);
  await server.start();
  await until(async () => (await ticketCounts(db, 'imap')).size >= N, 90_000, 'all tickets after restart');
  assertExactlyOnce(await ticketCounts(db, 'imap'), 'imap');
  await server.stop();
});
