/**
 * Mail already in a folder when Threadline starts watching it (a real, private Dovecot): a team
 * connecting the support mailbox it has used for years must not get a ticket, and send a
 * thank-you email, for every message ever read there. Unread messages become tickets (as with
 * GitLab's mail_room); read ones are left alone; everything that arrives afterwards is taken,
 * read or not; a restart in the middle takes nothing twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { ImapFlow } from 'imapflow';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../../e2e/fixtures/dovecot';
import type { Session, TestApp } from '../../testing/test-app';
import { customerMail, imapAs, putMail, startDesk, ticketTitles, until } from '../../testing/mailbox-tests';

let dovecot: Dovecot;
let app: TestApp;
let admin: Session;

/** A short IMAP session as `user`, as a person's mail client. */
const imap = <T>(user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> => imapAs(dovecot, user, fn);

/** APPENDs a message with its flags, as a mail client (or a migration tool) would. */
async function put(user: string, subject: string, flags: string[] = []): Promise<void> {
  await putMail(dovecot, user, customerMail(subject), flags);
}

async function inbox(user: string): Promise<{ subject: string; seen: boolean }[]> {
  return imap(user, async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const out: { subject: string; seen: boolean }[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, flags: true })) out.push({ subject: m.envelope?.subject ?? '', seen: m.flags?.has('\\Seen') ?? false });
      return out;
    } finally {
      lock.release();
    }
  });
}



const settings = (name: string, user: string) => ({ name, host: dovecot.host, port: dovecot.port, security: 'none' as const, username: user, password: dovecot.password, folder: 'INBOX', after: 'seen' as const, moveTo: 'Processed' });

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['desk', 'busy'] });
  ({ app, admin } = await startDesk());
});

after(async () => {
  await app?.close();
  await dovecot?.destroy();
});

test('a mailbox added with mail in it: unread messages become tickets, read ones are left alone, and later mail is taken read or not', async () => {
  await put('desk', 'Old and read', ['\\Seen']);
  await put('desk', 'Old but unread');
  await put('desk', 'Old, read and answered', ['\\Seen', '\\Answered']);
  const added = await admin.trpc.mailSettings.addMailbox.mutate(settings('desk', 'desk'));
  const box = added.mailboxes.find((m) => m.name === 'desk');
  assert.ok(box?.id);
  await until('the unread message', async () => (await ticketTitles(admin)).includes('Old but unread'));
  await until('the backfill to end', async () => (await app.dc.db.sqlGet<{ b: number | null }>("select backfill_to b from mailboxes where name = 'desk'"))?.b === null);

  // After the mailbox is watched: a message someone reads (or files) at once is still ours.
  await put('desk', 'New and already read', ['\\Seen']);
  await dovecot.deliver('desk', customerMail('New and unread'));
  await until('the new messages', async () => (await ticketTitles(admin)).length === 3);
  assert.deepEqual(await ticketTitles(admin), ['New and already read', 'New and unread', 'Old but unread']);
  const inbound = await app.dc.db.sqlAll<{ subject: string }>("select subject from inbound_messages where source = 'imap:desk' order by subject");
  assert.deepEqual(
    inbound.map((r) => r.subject),
    ['New and already read', 'New and unread', 'Old but unread'],
    'read mail from before was never fetched',
  );
  // Only what was taken is flagged; the read mail is as it was.
  await until('the last message to be flagged', async () => (await inbox('desk')).every((m) => m.seen));
  assert.deepEqual((await inbox('desk')).map((m) => m.subject), ['Old and read', 'Old but unread', 'Old, read and answered', 'New and already read', 'New and unread']);
  // one thank-you email per ticket, none for the old mail left alone
  const thanks = await app.dc.db.sqlAll<{ subject: string }>("select subject from outbox where kind = 'thank_you' order by subject");
  assert.equal(thanks.length, 3);
  assert.ok(thanks.every((t) => !/Old and read|Old, read/.test(t.subject)), JSON.stringify(thanks));

  // Pausing and resuming (a new session on the same checkpoint) takes nothing twice.
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box.id as number, paused: true });
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box.id as number, paused: false });
  await dovecot.deliver('desk', customerMail('After the resume'));
  await until('the message after the resume', async () => (await ticketTitles(admin)).includes('After the resume'));
  assert.equal((await ticketTitles(admin)).length, 4);
});

test('a restart in the middle of taking the existing unread mail: nothing twice, nothing left behind', async () => {
  for (let i = 1; i <= 3; i++) await put('busy', `Backlog ${i}`);
  await put('busy', 'Backlog read', ['\\Seen']);
  const added = await admin.trpc.mailSettings.addMailbox.mutate(settings('busy', 'busy'));
  const box = added.mailboxes.find((m) => m.name === 'busy');
  assert.ok(box?.id);
  await until('the backlog', async () => (await ticketTitles(admin)).filter((t) => t.startsWith('Backlog ')).length === 3);
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box.id as number, paused: true });
  // As if the node died after committing "Backlog 2" but before flagging it, with the backfill
  // not recorded as done: the next session must see it committed and only flag it.
  const row = await app.dc.db.sqlGet<{ last_uid: number }>("select last_uid from mailboxes where name = 'busy'");
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set backfill_to = ${row?.last_uid ?? 0} where name = 'busy'`, tx));
  await imap('busy', async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const uids = (await c.search({ header: { subject: 'Backlog 2' } }, { uid: true })) || [];
      assert.equal(uids.length, 1);
      await c.messageFlagsRemove({ uid: String(uids[0]) }, ['\\Seen'], { uid: true });
    } finally {
      lock.release();
    }
  });
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box.id as number, paused: false });
  await until('Backlog 2 flagged again', async () => (await inbox('busy')).find((m) => m.subject === 'Backlog 2')?.seen === true);
  await until('the backfill to end', async () => (await app.dc.db.sqlGet<{ b: number | null }>("select backfill_to b from mailboxes where name = 'busy'"))?.b === null);
  assert.deepEqual((await ticketTitles(admin)).filter((t) => t.startsWith('Backlog')), ['Backlog 1', 'Backlog 2', 'Backlog 3']);
  const dup = await app.dc.db.sqlGet<{ n: number }>("select count(*) n from inbound_messages where source = 'imap:busy' and subject = 'Backlog 2'");
  assert.equal(Number(dup?.n), 1, 'the second session found its row: no second ticket');
});
