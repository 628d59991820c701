/**
 * A Microsoft Graph (Exchange Online) mailbox set up in the browser and driven end to end through
 * Graph's documented API — served here by the local stand-in (server/testing/fake-graph.ts), as no
 * Microsoft tenant is reachable from these machines: new mail becomes a ticket live in a
 * responder's browser, and the customer's reply to our thank-you becomes a note.
 */
import { simpleParser } from 'mailparser';
import { startFakeGraph, type FakeGraph } from '../../server/testing/fake-graph';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

const ADDRESS = 'incoming+acme-mobile-app-1-issue-@desk.test';
const MAILBOX = 'support@contoso.com';
let app: AppServer;
let sink: SmtpSink;
let graph: FakeGraph;

test.beforeAll(async () => {
  graph = await startFakeGraph();
  sink = await startSmtpSink();
  app = await startAppServer({ seed: SEED, env: { INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `smtp://${sink.host}:${sink.port}` } });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
  await graph?.stop();
});

function customerMail(subject: string, body: string, headers: Record<string, string> = {}): string {
  return [
    'From: Kim Customer <kim@customer.test>',
    `To: ${ADDRESS}`,
    `Subject: ${subject}`,
    `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@customer.test>`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    body,
    '',
  ].join('\r\n');
}

test('an admin adds a Graph mailbox in the browser; its mail becomes a ticket live, the reply a note', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  const page = admin.page;
  await page.goto('/admin');
  await page.getByTestId('graph-mailbox-add').click();
  const form = page.getByTestId('graph-mailbox-form');
  await form.getByTestId('graph-name').fill('exchange');
  await form.getByTestId('graph-mailbox').fill(MAILBOX);
  await form.getByTestId('graph-tenant').fill(graph.tenantId);
  await form.getByTestId('graph-client').fill(graph.clientId);
  await form.getByTestId('graph-base-url').fill(graph.url);
  await form.getByTestId('graph-login-url').fill(graph.url);
  await form.getByTestId('graph-poll').fill('2');
  // A wrong secret first: Microsoft's own words come back.
  await form.getByTestId('graph-secret').fill('not-the-secret');
  await form.getByTestId('graph-test').click();
  await expect(form.getByTestId('graph-test-result')).toHaveAttribute('data-ok', 'false');
  await expect(form.getByTestId('graph-test-result')).toContainText('AADSTS7000215');
  await form.getByTestId('graph-secret').fill(graph.clientSecret);
  await form.getByTestId('graph-test').click();
  await expect(form.getByTestId('graph-test-result')).toHaveText('Connected: Inbox has 0 messages.');
  await form.getByTestId('graph-save').click();
  const row = page.getByTestId('graph-mailbox-row').filter({ hasText: 'exchange' });
  await expect(row.getByTestId('graph-mailbox-state')).toHaveText('idle', { timeout: 15_000 });
  // The secret is never shown again.
  await page.reload();
  expect(await page.content()).not.toContain(graph.clientSecret);

  // A responder watches the queue; mail arriving in the Exchange inbox appears there live.
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(`/p/${PROJECT}`);
  await expect(alice.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  const subject = `Graph crash report ${Date.now()}`;
  const delivered = graph.deliver(MAILBOX, customerMail(subject, 'The app crashes when I open the settings.'));
  const ticketRow = alice.page.getByTestId('ticket-row').filter({ hasText: subject });
  await expect(ticketRow).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => delivered.isRead, { timeout: 10_000 }).toBe(true);
  await expect(row.getByTestId('graph-mailbox-today')).toHaveText('1', { timeout: 10_000 });

  // Our thank-you went out; the customer answers it, and the answer arrives through Graph too.
  await expect.poll(() => sink.messages.find((m) => m.to.includes('kim@customer.test')), { timeout: 15_000 }).toBeTruthy();
  const thanks = await simpleParser(sink.messages.find((m) => m.to.includes('kim@customer.test'))?.raw ?? Buffer.alloc(0));
  const thanksId = thanks.messageId as string;
  await ticketRow.getByRole('link', { name: subject }).click();
  await expect(alice.page.getByTestId('ticket-title')).toHaveText(subject);
  graph.deliver(MAILBOX, customerMail(`Re: ${subject}`, 'It happens on Android 15 only.', { 'In-Reply-To': thanksId, References: thanksId }));
  const note = alice.page.getByTestId('note').filter({ hasText: 'It happens on Android 15 only.' });
  await expect(note).toHaveCount(1, { timeout: 15_000 });
  await expect(note).toContainText('kim@customer.test');

  await alice.context.close();
  await admin.context.close();
});
