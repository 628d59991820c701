/**
 * a Graph mailbox that was already being read before this release (existing_before
 * is NULL after migration 0023/0012, a delta link is stored). The first round after the upgrade
 * sets existing_before = now, so a message that arrived during the upgrade's downtime and that
 * someone read in Outlook meanwhile is "existing read mail" and skipped; the stored delta link
 * then moves past it and it is never taken. Before the upgrade it would have been taken.
 */
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { freePort } from '../../../../e2e/fixtures/dovecot';
import { startFakeGraph, type FakeGraph } from '../../../testing/fake-graph';
import { seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp } from '../../../testing/test-app';

let fake: FakeGraph;
let app: TestApp;
let admin: Session;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const DESK = 'desk@contoso.com';
const mail = (subject: string) =>
  `From: <carol@customer.test>\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W+/g, '-')}@customer.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nHello about ${subject}\r\n`;

async function titles(): Promise<string[]> {
  return (await admin.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 })).items.map((t) => t.title);
}
async function until(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  fake = await startFakeGraph({ tokenSeconds: 60 });
  const port = await freePort();
  app = await startTestApp({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    GRAPH_TENANT_ID: fake.tenantId,
    GRAPH_CLIENT_ID: fake.clientId,
    GRAPH_CLIENT_SECRET: fake.clientSecret,
    GRAPH_MAILBOX: DESK,
    GRAPH_NAME: 'desk',
    GRAPH_BASE_URL: fake.url,
    GRAPH_LOGIN_URL: fake.url,
    GRAPH_POLL_SECONDS: '1',
  });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  admin = await signIn(app, 'admin@test.io');
  await Promise.all(app.mail.graph.map((w) => w.ready()));
});

after(async () => {
  await app?.close();
  await fake?.stop();
});

test('after the upgrade, a message that arrived during the downtime and was read in Outlook is still taken', async () => {
  fake.deliver(DESK, mail('Before the upgrade'));
  await until('Before the upgrade', async () => (await titles()).includes('Before the upgrade'));
  // the state a mailbox read by the previous release is in right after the migration
  await app.dc.db.write(async (tx) => app.dc.db.exec(sql`update mailboxes set existing_before = null where name = 'desk'`, tx));
  fake.deliver(DESK, mail('During the upgrade, read in Outlook'), { isRead: true, receivedAt: new Date(Date.now() - 60_000) });
  await until('During the upgrade, read in Outlook', async () => (await titles()).includes('During the upgrade, read in Outlook'), 6000);
});
