/**
 * No room to store an attachment (SQLite keeps them as files: a real file system that is full,
 * a tmpfs of its own under DATA_DIR/attachments) is a passing trouble, not a bad message: the
 * real SMTP listener answers 451 so the sender retries, nothing of the message is kept half-way
 * or recorded as done, and once there is room the retry makes exactly one ticket. Malformed mail
 * still goes to quarantine. Mounting needs root and a kernel that allows it; elsewhere, and on
 * PostgreSQL (attachments live in the database there), the test is skipped saying why.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { seedProject, startTestApp, TEST_ENGINE, type TestApp } from '../../testing/test-app';

const TO = 'incoming+acme-app-1-issue-@desk.test';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const skipWhy = TEST_ENGINE === 'pg' ? 'attachments are stored in the database on PostgreSQL, not as files' : !isRoot ? 'mounting a small file system needs root' : false;

let app: TestApp;
let attachments = '';
let mounted = false;
let refused: string | false = false;

before(async () => {
  if (skipWhy) return;
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedProject(app, 'acme/app');
  attachments = path.join(app.dataDir, 'attachments');
  mkdirSync(attachments, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', attachments], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    refused = `this machine refuses to mount a tmpfs: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().slice(0, 200)}`;
  }
});

after(async () => {
  if (mounted) execFileSync('umount', ['-l', attachments]);
  await app?.close();
});

/** One message, the same bytes at every try (as an MTA's queue keeps it), with a 200 KB attachment. */
const invoice = Buffer.alloc(200 * 1024, 'threadline invoice ');
const raw = [
  'From: Ada <ada@customer.test>',
  `To: ${TO}`,
  'Subject: Invoice attached',
  'Message-ID: <invoice-42@customer.test>',
  'Date: Tue, 01 Dec 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Please find the invoice attached.',
  '--b1',
  'Content-Type: application/pdf; name="invoice.pdf"',
  'Content-Disposition: attachment; filename="invoice.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  invoice.toString('base64').replace(/.{76}/g, '$&\r\n'),
  '--b1--',
  '',
].join('\r\n');

/** Sends `message` over SMTP; the server's answer (code and text), whether accepted or not. */
async function send(message: string): Promise<{ code: number; response: string }> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp?.port, secure: false, ignoreTLS: true });
  try {
    const info = await t.sendMail({ envelope: { from: 'ada@customer.test', to: [TO] }, raw: message });
    return { code: Number(info.response.slice(0, 3)), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string };
    if (!e.responseCode) throw err;
    return { code: e.responseCode, response: e.response ?? '' };
  } finally {
    t.close();
  }
}

async function count(query: string): Promise<number> {
  return Number((await app.dc.db.sqlGet<{ n: number }>(query))?.n);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

test('an attachment the disk has no room for: 451, nothing kept half-way; once there is room, the retry makes exactly one ticket', { skip: skipWhy }, async (t) => {
  if (refused) return t.skip(refused);
  const first = await send(raw);
  assert.equal(first.code, 451, `answered ${first.response}`);
  assert.equal(await count('select count(*) n from tickets'), 0);
  assert.equal(await count("select count(*) n from inbound_messages where status = 'quarantined'"), 0, 'not quarantined: it is not the message that is wrong');
  assert.equal(await count('select count(*) n from inbound_messages'), 0, 'not recorded: its retry is the one that counts');
  assert.deepEqual(filesUnder(attachments), [], 'no partial file left behind');

  // room again (the operator grew the volume); the node finds out by itself
  execFileSync('mount', ['-o', 'remount,size=4m', attachments], { stdio: 'pipe' });
  const deadline = Date.now() + 15_000;
  let retry = await send(raw);
  // 452 while the node still thinks the disk is full (it refuses before the message is sent)
  while (retry.code === 452 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    retry = await send(raw);
  }
  assert.match(retry.response, /^250 .*Ok: ticket/);
  assert.equal(await count("select count(*) n from tickets where title = 'Invoice attached'"), 1);
  assert.equal(await count("select count(*) n from attachments where filename = 'invoice.pdf'"), 1);
  assert.deepEqual((await app.dc.db.sqlAll<{ status: string }>('select status from inbound_messages')).map((r) => r.status), ['ticket']);
  // the MTA tries once more (it never saw our 250): still one ticket
  assert.match((await send(raw)).response, /^250 .*Ok: duplicate/);
  assert.equal(await count("select count(*) n from tickets where title = 'Invoice attached'"), 1);

  // malformed mail is still the message's fault: quarantined, answered 250
  const noSender = await send(`To: ${TO}\r\nSubject: Nobody wrote this\r\nMessage-ID: <nobody@customer.test>\r\n\r\nHello.\r\n`);
  assert.match(noSender.response, /^250 .*Ok: quarantined/);
});
