/**
 * A Graph mailbox that was already being read before mail "already in the inbox" was told apart
 * (existing_before is NULL after that migration, a delta link is stored): everything it sees is
 * still taken, so a message that arrived during the upgrade's downtime and that someone read in
 * Outlook meanwhile still becomes a ticket (review round 8's reproduction).
 */
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { freePort } from '../../../../e2e/fixtures/dovecot';
import { startFakeGraph, type FakeGraph } from '../../../testing/fake-graph';
import type { Session, TestApp } from '../../../testing/test-app';
import { customerMail, startDesk, ticketTitles, until } from '../../../testing/mailbox-tests';

let fake: FakeGraph;
let app: TestApp;
let admin: Session;
const DESK = 'desk@contoso.com';

before(async () => {
  fake = await startFakeGraph({ tokenSeconds: 60 });
  const port = await freePort();
  ({ app, admin } = await startDesk({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    GRAPH_TENANT_ID: fake.tenantId,
    GRAPH_CLIENT_ID: fake.clientId,
    GRAPH_CLIENT_SECRET: fake.clientSecret,
    GRAPH_MAILBOX: DESK,
    GRAPH_NAME: 'desk',
    GRAPH_BASE_URL: fake.url,
    GRAPH_LOGIN_URL: fake.url,
    GRAPH_POLL_SECONDS: '1',
  }));
  await Promise.all(app.mail.graph.map((w) => w.ready()));
});

after(async () => {
  await app?.close();
  await fake?.stop();
});

test('after the upgrade, a message that arrived during the downtime and was read in Outlook is still taken', async () => {
  fake.deliver(DESK, customerMail('Before the upgrade'));
  await until('Before the upgrade', async () => (await ticketTitles(admin)).includes('Before the upgrade'));
  // the state a mailbox read by the previous release is in right after the migration
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set existing_before = null where name = 'desk'`, tx));
  fake.deliver(DESK, customerMail('During the upgrade, read in Outlook'), { isRead: true, receivedAt: new Date(Date.now() - 60_000) });
  await until('During the upgrade, read in Outlook', async () => (await ticketTitles(admin)).includes('During the upgrade, read in Outlook'), 6000);
});
