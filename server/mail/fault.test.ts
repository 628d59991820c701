/**
 * Nothing lost, nothing doubled: the server is killed with SIGKILL in the middle of a burst of
 * 500 messages (SMTP, then IMAP), restarted, and every message ends up as exactly one ticket.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { createDomain } from '../app';
import { loadConfig } from '../config';
import { createProject } from '../domain/projects';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../e2e/fixtures/dovecot';
import { serverProcess } from '../../e2e/fixtures/server-process';

const N = 500;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const dirs: string[] = [];
let dovecot: Dovecot | null = null;

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-fault-'));
  dirs.push(dir);
  const dc = createDomain(loadConfig({ DATA_DIR: dir }));
  createProject(dc, { path: 'acme/app' });
  dc.db.$client.close();
  return dir;
}

function message(tag: string, i: number): string {
  return `From: burst${i}@customer.test\r\nTo: ${TO}\r\nSubject: ${tag} ${i}\r\nMessage-ID: <${tag}-${i}@customer.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nMessage number ${i}.\r\n`;
}

/** tickets per title, read from the database file directly */
function ticketCounts(dataDir: string, tag: string): Map<string, number> {
  const db = new Database(path.join(dataDir, 'threadline.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('select title, count(*) n from tickets where title like ? group by title').all(`${tag} %`) as { title: string; n: number }[];
    return new Map(rows.map((r) => [r.title, r.n]));
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
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
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('SMTP: kill -9 mid-burst, the senders retry what was not acknowledged, every message is one ticket', async () => {
  const dataDir = freshDataDir();
  const server = await serverProcess(dataDir, { INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
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
  const afterKill = ticketCounts(dataDir, 'smtp');
  for (const i of acked) assert.equal(afterKill.get(`smtp ${i}`), 1, `acknowledged message ${i} was stored`);
  await server.start();
  for (let round = 0; round < 5 && acked.size < N; round++) {
    const retry = Array.from({ length: N }, (_, i) => i).filter((i) => !acked.has(i));
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = retry.shift(); i !== undefined; i = retry.shift()) await send(i);
    }));
  }
  assert.equal(acked.size, N, 'every message acknowledged after the restart');
  assertExactlyOnce(ticketCounts(dataDir, 'smtp'), 'smtp');
  await server.stop();
});

test('IMAP: kill -9 mid-burst, restart, every delivered message is one ticket', async () => {
  dovecot = await startDovecot({ users: ['desk'] });
  for (let i = 0; i < N; i++) await dovecot.deliver('desk', message('imap', i));
  const dataDir = freshDataDir();
  const server = await serverProcess(dataDir, {
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    IMAP_MAILBOXES: `imap://desk:${dovecot.password}@${dovecot.host}:${dovecot.port}/INBOX?name=desk`,
  });
  await server.start();
  await until(() => ticketCounts(dataDir, 'imap').size >= 120, 60_000, 'the first tickets');
  await server.kill9();
  const atKill = ticketCounts(dataDir, 'imap').size;
  assert.ok(atKill < N, `killed mid-burst (${atKill} of ${N} done)`);
  await server.start();
  await until(() => ticketCounts(dataDir, 'imap').size >= N, 90_000, 'all tickets after restart');
  assertExactlyOnce(ticketCounts(dataDir, 'imap'), 'imap');
  await server.stop();
});
