/**
 * The admin's choice for mail already in a folder when a mailbox is added or pointed at another
 * one (a real, private Dovecot): "All mail already there" takes every message, read or not, in
 * batches with new mail between them, exactly once whatever restarts happen; "None — only new
 * mail" takes nothing that was there and leaves it as it was. The default ("Unread mail only")
 * is imap-existing.test.ts's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../../e2e/fixtures/dovecot';
import type { Session, TestApp } from '../../testing/test-app';
import { customerMail, imapAs, inboxOf, putMail, startDesk, ticketTitles, until } from '../../testing/mailbox-tests';

let dovecot: Dovecot;
let app: TestApp;
let admin: Session;

const settings = (name: string, user: string, existingMail: 'unread' | 'all' | 'none') => ({
  name,
  host: dovecot.host,
  port: dovecot.port,
  security: 'none' as const,
  username: user,
  password: dovecot.password,
  folder: 'INBOX',
  after: 'seen' as const,
  moveTo: 'Processed',
  existingMail,
});

/** The folder was opened (a checkpoint: what is there now is existing mail) and the backfill is over. */
const backfillDone = (name: string) => async () => {
  const row = await app.dc.db.sqlGet<{ v: number | null; b: number | null }>('select uidvalidity v, backfill_to b from mailboxes where name = ?', name);
  return !!row && row.v !== null && row.b === null;
};

async function count(query: string, ...params: unknown[]): Promise<number> {
  return Number((await app.dc.db.sqlGet<{ n: number }>(query, ...params))?.n);
}

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['every', 'fresh', 'moved', 'years', 'sparse', 'edited'] });
  // one customer writes all of this mail: more than the default 30 tickets a minute
  ({ app, admin } = await startDesk({ INGEST_RATE_LIMIT: '1000' }));
});

after(async () => {
  await app?.close();
  await dovecot?.destroy();
});

test('"All mail already there": every message becomes a ticket once, read or not, in batches, new mail too; flags are kept', async () => {
  await putMail(dovecot, 'every', customerMail('Old and read'), ['\\Seen']);
  await putMail(dovecot, 'every', customerMail('Old but unread'));
  await putMail(dovecot, 'every', customerMail('Old, read and answered'), ['\\Seen', '\\Answered', '$Label1']);
  await putMail(dovecot, 'every', customerMail('Old and deleted'), ['\\Seen', '\\Deleted']);
  // the same message twice (a copy filed back): one ticket, by its Message-ID
  await putMail(dovecot, 'every', customerMail('Old copy'), ['\\Seen']);
  await putMail(dovecot, 'every', customerMail('Old copy'));
  // more than one batch of existing mail
  for (let i = 1; i <= 24; i++) await putMail(dovecot, 'every', customerMail(`Archive ${String(i).padStart(2, '0')}`), ['\\Seen']);
  const added = await admin.trpc.mailSettings.addMailbox.mutate(settings('every', 'every', 'all'));
  const box = added.mailboxes.find((m) => m.name === 'every');
  assert.equal(box?.existingMail, 'all');
  await dovecot.deliver('every', customerMail('New during the backfill'));

  await until('the backfill to end', backfillDone('every'));
  const old = ['Old and read', 'Old but unread', 'Old copy', 'Old, read and answered', ...Array.from({ length: 24 }, (_, i) => `Archive ${String(i + 1).padStart(2, '0')}`)].sort();
  await until('every ticket', async () => (await ticketTitles(admin)).length === old.length + 1);
  assert.deepEqual(await ticketTitles(admin), [...old, 'New during the backfill'].sort());
  assert.equal(await count("select count(*) n from outbox where kind = 'thank_you'"), old.length + 1, 'one thank-you email per ticket');
  assert.equal(await count("select count(*) n from inbound_messages where source = 'imap:every' and subject = 'Old copy' and status = 'duplicate'"), 1);
  assert.equal(await count("select count(*) n from inbound_messages where source = 'imap:every' and subject = 'Old and deleted'"), 0, 'a message flagged \\Deleted is as good as gone: not fetched');

  // Taken messages are read now; nothing else about them changed, and the deleted one is as it was.
  await until('every taken message flagged', async () => (await inboxOf(dovecot, 'every')).every((m) => m.flags.has('\\Seen')));
  const inbox = await inboxOf(dovecot, 'every');
  assert.deepEqual([...(inbox.find((m) => m.subject === 'Old, read and answered')?.flags ?? [])].sort(), ['$Label1', '\\Answered', '\\Seen']);
  assert.deepEqual([...(inbox.find((m) => m.subject === 'Old and deleted')?.flags ?? [])].sort(), ['\\Deleted', '\\Seen']);
  assert.deepEqual([...(inbox.find((m) => m.subject === 'Old and read')?.flags ?? [])], ['\\Seen']);

  // As if a restart lost every step of the backfill's cursor: all of it again, and still nothing twice.
  const rows = await count("select count(*) n from inbound_messages where source = 'imap:every'");
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: true });
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set backfill_to = last_uid, backfill_from = 0 where name = 'every'`, tx));
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: false });
  await until('the repeated backfill to end', backfillDone('every'));
  await dovecot.deliver('every', customerMail('After the repeat'));
  await until('the message after the repeat', async () => (await ticketTitles(admin)).includes('After the repeat'));
  assert.equal((await ticketTitles(admin)).length, old.length + 2);
  assert.equal(await count("select count(*) n from inbound_messages where source = 'imap:every'"), rows + 1, 'committed messages were only acknowledged, not fetched again');
});

test('"None — only new mail": nothing already there is fetched or flagged; what arrives afterwards is taken, read or not', async () => {
  await putMail(dovecot, 'fresh', customerMail('There before, unread'));
  await putMail(dovecot, 'fresh', customerMail('There before, read'), ['\\Seen']);
  const added = await admin.trpc.mailSettings.addMailbox.mutate(settings('fresh', 'fresh', 'none'));
  const box = added.mailboxes.find((m) => m.name === 'fresh');
  await until('the backfill to end', backfillDone('fresh'));
  await putMail(dovecot, 'fresh', customerMail('After none, read at once'), ['\\Seen']);
  await dovecot.deliver('fresh', customerMail('After none'));
  await until('the new messages', async () => (await ticketTitles(admin)).filter((t) => t.startsWith('After none')).length === 2);
  // a new session (pause, resume) leaves the old mail alone too
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: true });
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: false });
  await dovecot.deliver('fresh', customerMail('After none and a resume'));
  await until('the message after the resume', async () => (await ticketTitles(admin)).includes('After none and a resume'));
  const inbound = await app.dc.db.sqlAll<{ subject: string }>("select subject from inbound_messages where source = 'imap:fresh' order by subject");
  assert.deepEqual(inbound.map((r) => r.subject), ['After none', 'After none and a resume', 'After none, read at once'], 'the old mail was never fetched');
  const before = (await inboxOf(dovecot, 'fresh')).filter((m) => m.subject.startsWith('There before'));
  assert.deepEqual(before.map((m) => [m.subject, [...m.flags]]), [['There before, unread', []], ['There before, read', ['\\Seen']]], 'nor flagged');
});

test('pointed at another folder with "All mail already there": that folder\'s mail, read or not, becomes tickets', async () => {
  await putMail(dovecot, 'moved', customerMail('In the other folder, read'), ['\\Seen']);
  const view = await admin.trpc.mailSettings.get.query();
  const fresh = view.mailboxes.find((m) => m.name === 'fresh');
  assert.equal(fresh?.existingMail, 'none');
  const edited = await admin.trpc.mailSettings.updateMailbox.mutate({ id: fresh?.id as number, ...settings('fresh', 'moved', 'all') });
  assert.equal(edited.mailboxes.find((m) => m.name === 'fresh')?.existingMail, 'all', 'stored and shown');
  await until('the other folder\'s read message', async () => (await ticketTitles(admin)).includes('In the other folder, read'));
});

/** `n` messages written straight into the user's maildir with `flags` (maildir letters), as years of mail migrated there. */
function fillMaildir(user: string, n: number, flags: string): void {
  const home = path.join(dovecot.dir, 'mail', user);
  const { uid, gid } = statSync(home);
  const maildir = path.join(home, 'Maildir');
  for (const d of [maildir, ...['cur', 'new', 'tmp'].map((s) => path.join(maildir, s))]) {
    mkdirSync(d, { recursive: true });
    chownSync(d, uid, gid);
  }
  for (let i = 1; i <= n; i++) {
    const file = path.join(maildir, 'cur', `1700000000.M${i}P1.test,S=100:2,${flags}`);
    writeFileSync(file, customerMail(`Years ago ${i}`));
    chownSync(file, uid, gid);
  }
}

test('"All mail already there" in a folder of thousands: searched a window of messages at a time, past windows with nothing to take', async () => {
  // 2,100 messages deleted but not expunged (nothing to take), then two to take
  fillMaildir('years', 2100, 'ST');
  await imapAs(dovecot, 'years', async (c) => {
    const box = await c.mailboxOpen('INBOX');
    assert.equal(box.exists, 2100);
  });
  await putMail(dovecot, 'years', customerMail('Years: read'), ['\\Seen']);
  await putMail(dovecot, 'years', customerMail('Years: unread'));
  await admin.trpc.mailSettings.addMailbox.mutate(settings('years', 'years', 'all'));
  await until('the backfill to end', backfillDone('years'));
  await until('both tickets', async () => (await ticketTitles(admin)).filter((t) => t.startsWith('Years: ')).length === 2);
  assert.equal(await count("select count(*) n from inbound_messages where source = 'imap:years'"), 2, 'nothing else was fetched');
});

/** The folder's next UID is at least `uid` (Dovecot's own tool), as years of mail since expunged leave it. */
function raiseNextUid(user: string, uid: number): void {
  execFileSync('doveadm', ['-c', dovecot.confPath, 'mailbox', 'update', '-u', user, '--min-next-uid', String(uid), 'INBOX'], { stdio: 'pipe' });
}

/** A TCP relay to Dovecot that counts the SEARCH commands going through it. */
async function searchCounter(port: number): Promise<{ port: number; searches(): number; close(): Promise<void> }> {
  let searches = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, dovecot.host);
    let partial = '';
    client.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\r\n');
      partial = lines.pop() ?? '';
      searches += lines.filter((l) => /^\S+ (UID )?SEARCH /i.test(l)).length;
    });
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      open.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        open.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, dovecot.host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    searches: () => searches,
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('unread mail already in a folder whose UIDs are sparse (a few messages under UIDs in the millions): a few SEARCHes, not one per 2,000 UIDs', async () => {
  await putMail(dovecot, 'sparse', customerMail('Sparse: read long ago'), ['\\Seen']);
  await putMail(dovecot, 'sparse', customerMail('Sparse: unread long ago'));
  raiseNextUid('sparse', 1_000_000);
  await putMail(dovecot, 'sparse', customerMail('Sparse: read last year'), ['\\Seen']);
  await putMail(dovecot, 'sparse', customerMail('Sparse: unread last year'));
  raiseNextUid('sparse', 3_000_000);
  await putMail(dovecot, 'sparse', customerMail('Sparse: unread last week'));
  const relay = await searchCounter(dovecot.port);
  try {
    await imapAs(dovecot, 'sparse', async (c) => assert.equal(Number((await c.mailboxOpen('INBOX')).uidNext), 3_000_001));
    await admin.trpc.mailSettings.addMailbox.mutate({ ...settings('sparse', 'sparse', 'unread'), port: relay.port });
    await until('the backfill to end', backfillDone('sparse'));
    await until('the unread tickets', async () => (await ticketTitles(admin)).filter((t) => t.startsWith('Sparse: ')).length === 3);
    assert.deepEqual((await ticketTitles(admin)).filter((t) => t.startsWith('Sparse: ')), ['Sparse: unread last week', 'Sparse: unread last year', 'Sparse: unread long ago']);
    // the new mail check, the backfill's window and its last, empty one: not ~1,500 windows of UIDs
    assert.ok(relay.searches() < 20, `${relay.searches()} SEARCH commands`);
  } finally {
    await relay.close();
  }
});

test('the choice applies when the mailbox is added: edited later to "All", a rebuilt folder (new UIDVALIDITY) still leaves the read mail alone (review 11)', async () => {
  // received (INTERNALDATE) a year ago: a rebuilt folder also takes what came since it was last read
  await putMail(dovecot, 'edited', customerMail('Read long before'), ['\\Seen'], new Date(Date.now() - 365 * 86_400_000));
  const added = await admin.trpc.mailSettings.addMailbox.mutate(settings('edited', 'edited', 'unread'));
  const box = added.mailboxes.find((m) => m.name === 'edited');
  await until('the backfill to end', backfillDone('edited'));
  await admin.trpc.mailSettings.updateMailbox.mutate({ id: box?.id as number, ...settings('edited', 'edited', 'all') });
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: true });
  // the server rebuilds the folder (a migration, a restored maildir): UIDs mean something else now
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set uidvalidity = uidvalidity + 1 where name = 'edited'`, tx));
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: false });
  await until('the rebuilt folder\'s backfill to end', backfillDone('edited'));
  await dovecot.deliver('edited', customerMail('After the rebuild'));
  await until('the new message', async () => (await ticketTitles(admin)).includes('After the rebuild'));
  assert.ok(!(await ticketTitles(admin)).includes('Read long before'), 'mail read before the mailbox was added became a ticket after an edit and a rebuild');
});

test('the choice is checked: anything but unread, all or none is refused with what is allowed', async () => {
  await assert.rejects(
    admin.trpc.mailSettings.addMailbox.mutate({ ...settings('odd', 'every', 'all'), existingMail: 'everything' as 'all' }),
    (err: Error) => err.message.includes('Mail already in the mailbox must be "unread", "all" or "none".'),
  );
  const { existingMail: _omitted, ...withoutChoice } = settings('plain', 'every', 'all');
  const added = await admin.trpc.mailSettings.addMailbox.mutate(withoutChoice);
  assert.equal(added.mailboxes.find((m) => m.name === 'plain')?.existingMail, 'unread', 'left out: unread, as every mailbox did before');
  await admin.trpc.mailSettings.removeMailbox.mutate({ id: added.mailboxes.find((m) => m.name === 'plain')?.id as number });
});
