/**
 * Existing unread mail in a folder where \Seen cannot be stored (a real Dovecot with ACL rights
 * "lr": SELECT answers [READ-ONLY]; likewise a shared mailbox with read rights, or PERMANENTFLAGS
 * without \Seen; imapflow's messageFlagsAdd then answers false): each message is fetched once,
 * not again and again as the unread search keeps finding it (review round 8's reproduction).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../../../e2e/fixtures/dovecot';
import type { Session, TestApp } from '../../testing/test-app';
import { customerMail, startDesk } from '../../testing/mailbox-tests';

let dovecot: Dovecot;
let app: TestApp;
let admin: Session;

// only counted (the mailbox is made read-only by Dovecot's ACL plugin: SELECT answers [READ-ONLY],
// imapflow's messageFlagsAdd returns false)
let fetchOnes = 0;
const realFetchOne = ImapFlow.prototype.fetchOne;

before(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['ro'] });
  await dovecot.append('ro', customerMail('Old unread 1'));
  await dovecot.append('ro', customerMail('Old unread 2'));
  // a mailbox shared read-only (ACL rights "lr": lookup and read, no "s" to store \Seen)
  await dovecot.stop();
  writeFileSync(path.join(dovecot.dir, 'global-acl'), 'INBOX owner lr\n');
  appendFileSync(dovecot.confPath, `\nmail_plugins = $mail_plugins acl\nplugin {\n  acl = vfile:${path.join(dovecot.dir, 'global-acl')}\n}\n`);
  await dovecot.start();
  ({ app, admin } = await startDesk());
  ImapFlow.prototype.fetchOne = function (this: ImapFlow & { options: { auth: { user: string } } }, ...args: Parameters<typeof realFetchOne>) {
    if (this.options.auth.user === 'ro') fetchOnes++;
    return realFetchOne.apply(this, args);
  } as typeof realFetchOne;
});

after(async () => {
  ImapFlow.prototype.fetchOne = realFetchOne;
  await app?.close();
  await dovecot?.destroy();
});

test('existing unread mail in a mailbox where \\Seen cannot be stored is fetched once, not forever', async () => {
  await admin.trpc.mailSettings.addMailbox.mutate({ name: 'ro', host: dovecot.host, port: dovecot.port, security: 'none', username: 'ro', password: dovecot.password, folder: 'INBOX', after: 'seen', moveTo: 'Processed' });
  const deadline = Date.now() + 20_000;
  while ((await admin.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 10 })).items.length < 2) {
    assert.ok(Date.now() < deadline, 'the two tickets');
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 3000));
  const row = await app.dc.db.sqlGet<{ b: number | null; state: string }>("select backfill_to b, state from mailboxes where name = 'ro'");
  assert.ok(fetchOnes <= 4, `fetched ${fetchOnes} times in 3 s for 2 messages (backfill_to=${row?.b}, state=${row?.state})`);
});
