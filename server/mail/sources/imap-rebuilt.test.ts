/**
 * A mailbox rebuilt (new UIDVALIDITY: a server migration, a restored maildir) while Threadline
 * was stopped: a message that arrived in the gap and that someone read in webmail was never
 * processed, so it is still taken (SPEC §3), though read mail that was there before the mailbox
 * was added is not (review round 8's reproduction).
 */
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../../e2e/fixtures/dovecot';
import type { Session, TestApp } from '../../testing/test-app';
import { customerMail, startDesk, ticketTitles, until } from '../../testing/mailbox-tests';

let dovecot: Dovecot;
let app: TestApp;
let admin: Session;


before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['mv'] });
  ({ app, admin } = await startDesk());
});

after(async () => {
  await app?.close();
  await dovecot?.destroy();
});

test('after=move: a message that arrived while stopped and was read in webmail is still taken after a UIDVALIDITY change', async () => {
  const added = await admin.trpc.mailSettings.addMailbox.mutate({ name: 'mv', host: dovecot.host, port: dovecot.port, security: 'none', username: 'mv', password: dovecot.password, folder: 'INBOX', after: 'move', moveTo: 'Processed' });
  const box = added.mailboxes.find((m) => m.name === 'mv');
  await dovecot.deliver('mv', customerMail('First'));
  await until('First', async () => (await ticketTitles(admin)).includes('First'));
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: true });
  // while stopped: a customer writes, a colleague opens it in webmail (\Seen), the mailbox is rebuilt
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'mv', pass: dovecot.password }, logger: false, disableAutoIdle: true });
  c.on('error', () => undefined);
  await c.connect();
  await c.append('INBOX', Buffer.from(customerMail('Arrived while stopped')), ['\\Seen']);
  await c.logout();
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set uidvalidity = uidvalidity + 1 where name = 'mv'`, tx));
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: false });
  await until('Arrived while stopped', async () => (await ticketTitles(admin)).includes('Arrived while stopped'), 8000);
});
