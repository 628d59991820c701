/**
 * a mailbox rebuilt (new UIDVALIDITY: a server migration, a restored maildir)
 * while Threadline was stopped. A message that arrived in the gap and that someone read in
 * webmail was never processed; before 577ced2 the reset to lastUid 0 took it (Message-IDs
 * dedupe the rest), now it counts as "existing read mail" and is never taken (SPEC §3).
 */
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../../e2e/fixtures/dovecot';
import { seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

const TO = 'incoming+acme-app-1-issue-@desk.test';
let dovecot: Dovecot;
let app: TestApp;
let admin: Session;

const mail = (subject: string) =>
  `From: Carol <carol@customer.test>\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W+/g, '-')}@customer.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nHello about ${subject}\r\n`;

async function titles(): Promise<string[]> {
  return (await admin.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 })).items.map((t) => t.title).sort();
}
async function until(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['mv'] });
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  admin = await signIn(app, 'admin@test.io');
});

after(async () => {
  await app?.close();
  await dovecot?.destroy();
});

test('after=move: a message that arrived while stopped and was read in webmail is still taken after a UIDVALIDITY change', async () => {
  const added = await admin.trpc.mailSettings.addMailbox.mutate({ name: 'mv', host: dovecot.host, port: dovecot.port, security: 'none', username: 'mv', password: dovecot.password, folder: 'INBOX', after: 'move', moveTo: 'Processed' });
  const box = added.mailboxes.find((m) => m.name === 'mv');
  await dovecot.deliver('mv', mail('First'));
  await until('First', async () => (await titles()).includes('First'));
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: true });
  // while stopped: a customer writes, a colleague opens it in webmail (\Seen), the mailbox is rebuilt
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'mv', pass: dovecot.password }, logger: false, disableAutoIdle: true });
  c.on('error', () => undefined);
  await c.connect();
  await c.append('INBOX', Buffer.from(mail('Arrived while stopped')), ['\\Seen']);
  await c.logout();
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set uidvalidity = uidvalidity + 1 where name = 'mv'`, tx));
  await admin.trpc.mailSettings.pauseMailbox.mutate({ id: box?.id as number, paused: false });
  await until('Arrived while stopped', async () => (await titles()).includes('Arrived while stopped'), 8000);
});
