/** IMAP ingest against a real, private Dovecot: IDLE push, checkpoint, outage, move, bad mail. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { ProjectEventEnvelope } from '../../../shared/events';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../../e2e/fixtures/dovecot';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

let dovecot: Dovecot;
let app: TestApp;
let rep: Session;
const TO = 'incoming+acme-app-1-issue-@desk.test';

function mail(subject: string, extra = ''): string {
  const id = `<${subject.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}@customer.test>`;
  return `From: Carol <carol@customer.test>\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n${extra}\r\nHello about ${subject}\r\n`;
}

async function titles(): Promise<string[]> {
  return (await rep.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 })).items.map((t) => t.title);
}

async function waitForTitles(wanted: string[], ms = 15_000): Promise<void> {
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  const live = rep.live();
  const sub = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: 'acme/app', lastEventId: '0' }, h));
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const have = new Set(sub.items.map((i) => (i.data.event.type === 'ticket.created' ? i.data.event.ticket.title : '')));
      if (wanted.every((w) => have.has(w))) return;
      if (Date.now() > deadline) throw new Error(`missing tickets: ${wanted.filter((w) => !have.has(w)).join(', ')} (lastEventId ${lastEventId})`);
      await sub.waitFor(sub.items.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
    }
  } finally {
    sub.stop();
    live.close();
  }
}

async function flagsOf(user: string, folder = 'INBOX'): Promise<{ subject: string; seen: boolean }[]> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  await c.connect();
  const lock = await c.getMailboxLock(folder).catch(() => null);
  if (!lock) {
    await c.logout();
    return [];
  }
  try {
    const out: { subject: string; seen: boolean }[] = [];
    for await (const m of c.fetch('1:*', { envelope: true, flags: true })) out.push({ subject: m.envelope?.subject ?? '', seen: m.flags?.has('\\Seen') ?? false });
    return out;
  } catch {
    return [];
  } finally {
    lock.release();
    await c.logout();
  }
}

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['desk', 'archive', 'shredder'] });
  const base = `imap://%s:${dovecot.password}@${dovecot.host}:${dovecot.port}/INBOX`;
  app = await startTestApp({
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    MAX_EMAIL_SIZE: '65536',
    IMAP_MAILBOXES: [
      `${base.replace('%s', 'desk')}?name=desk`,
      `${base.replace('%s', 'archive')}?name=archive&after=move&moveTo=Done`,
      `${base.replace('%s', 'shredder')}?name=shredder&after=delete`,
    ].join(' '),
  });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  await Promise.all(app.mail.imap.map((w) => w.ready()));
});

after(async () => {
  await app?.close();
  await dovecot?.destroy();
});

test('a delivered message becomes a ticket pushed by IDLE, and is flagged \\Seen after commit', async () => {
  await dovecot.deliver('desk', mail('IDLE push'));
  await waitForTitles(['IDLE push']);
  const flags = await flagsOf('desk');
  assert.deepEqual(flags.filter((f) => f.subject === 'IDLE push'), [{ subject: 'IDLE push', seen: true }]);
});

test('mail delivered while Dovecot is down is picked up after it comes back', async () => {
  await dovecot.stop();
  for (const s of ['While down 1', 'While down 2', 'While down 3']) await dovecot.deliver('desk', mail(s));
  await dovecot.start();
  await waitForTitles(['While down 1', 'While down 2', 'While down 3'], 30_000);
  const all = await titles();
  for (const s of ['While down 1', 'While down 2', 'While down 3']) assert.equal(all.filter((t) => t === s).length, 1);
});

test('one bad message never blocks the mailbox: it is quarantined and the next one still arrives', async () => {
  await dovecot.deliver('desk', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x0a, 0x0a, 0x41]));
  await dovecot.deliver('desk', mail('After the bad one'));
  await waitForTitles(['After the bad one']);
  // The bad one may finish after the good one (parsing runs in a worker pool, one task per worker):
  // it is waited for, then there must be exactly one.
  const quarantined = async () => Number((await app.dc.db.sqlGet<{ n: number }>("select count(*) n from inbound_messages where status = 'quarantined' and source = 'imap:desk'"))?.n);
  for (let i = 0; i < 100 && (await quarantined()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await quarantined(), 1);
});

test('an oversized message is fetched only as far as its header, rejected, and the mailbox goes on', async () => {
  await dovecot.deliver('desk', mail('Way too big', '').replace('Hello about Way too big', 'x'.repeat(200_000)));
  await dovecot.deliver('desk', mail('After the big one'));
  await waitForTitles(['After the big one']);
  const row = (await app.dc.db.sqlGet<{ status: string; reason: string; size: number }>("select status, reason, size from inbound_messages where subject = 'Way too big'"))!;
  assert.deepEqual({ status: row.status, reason: row.reason }, { status: 'rejected', reason: 'EmailTooLarge' });
  assert.ok(row.size > 200_000, 'the real size is recorded');
  const stored = await app.dc.db.sqlGet<{ n: number }>("select length(r.bytes) n from raw_messages r join inbound_messages i on i.sha256 = r.sha256 where i.subject = 'Way too big'");
  assert.ok(Number(stored?.n) < 10_000, 'only the header part was kept');
});

test('after=move moves processed mail to the configured folder', async () => {
  await dovecot.deliver('archive', mail('Move me'));
  await waitForTitles(['Move me']);
  for (let i = 0; i < 50 && (await flagsOf('archive', 'Done')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual((await flagsOf('archive', 'Done')).map((m) => m.subject), ['Move me']);
  assert.deepEqual(await flagsOf('archive', 'INBOX'), []);
});

test('after=delete deletes and expunges processed mail', async () => {
  await dovecot.deliver('shredder', mail('Delete me'));
  await waitForTitles(['Delete me']);
  for (let i = 0; i < 50 && (await flagsOf('shredder')).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await flagsOf('shredder'), []);
});

test('mailbox health is reported per mailbox', async () => {
  const health = await app.dc.db.sqlAll<{ name: string; state: string; last_uid: number }>('select name, state, last_uid from mailboxes order by name');
  assert.deepEqual(health.map((h) => h.name), ['archive', 'desk', 'shredder']);
  assert.ok(health.every((h) => h.state === 'idle' && h.last_uid >= 1), JSON.stringify(health));
});

test('the same Message-ID through SMTP and IMAP is one ticket', async () => {
  const raw = mail('Both ways');
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
  await t.sendMail({ envelope: { from: 'carol@customer.test', to: [TO] }, raw });
  await dovecot.deliver('desk', raw);
  await dovecot.deliver('desk', mail('Marker after both'));
  await waitForTitles(['Marker after both']);
  assert.equal((await titles()).filter((x) => x === 'Both ways').length, 1);
  const dup = await app.dc.db.sqlGet<{ n: number }>("select count(*) n from inbound_messages where status = 'duplicate' and subject = 'Both ways'");
  assert.equal(Number(dup?.n), 1);
});
