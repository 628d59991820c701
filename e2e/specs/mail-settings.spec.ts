/**
 * The whole mail setup done in a browser, against a real Dovecot and a real SMTP server, without
 * restarting the server: addresses, the outgoing server with "Send test email", a mailbox with
 * "Test connection"; mail to it then reaches a responder's queue live; pausing and removing it.
 */
import { simpleParser } from 'mailparser';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'smtp-e2e-Pa55word';
const ADDRESS = 'incoming+acme-mobile-app-1-issue-@desk.test';
let app: AppServer;
let sink: SmtpSink;
let dovecot: Dovecot;

test.beforeAll(async () => {
  ensureDovecotInstalled();
  dovecot = await startDovecot({ users: ['support'], password: 'imap-e2e-Pa55' });
  sink = await startSmtpSink({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  // No mail settings in the environment: everything below is set in the browser.
  app = await startAppServer({ seed: SEED });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
  await dovecot?.destroy();
});

function customerMail(subject: string): string {
  return [
    'From: Kim Customer <kim@customer.test>',
    `To: ${ADDRESS}`,
    `Subject: ${subject}`,
    `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@customer.test>`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    '',
    'The app crashes when I open the settings.',
    '',
  ].join('\r\n');
}

test('an admin sets up mail in the browser; a mailbox added there delivers tickets live, replies go out through the SMTP server set there', async ({ browser }) => {
  // One long journey through three real servers (SMTP sink, Dovecot, the app): every step waits on
  // its condition; the whole may take longer than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  const admin = await signIn(browser, app.url, USERS.admin);
  const page = admin.page;
  await page.goto('/admin');
  const settings = page.getByTestId('mail-settings');
  await expect(settings.getByRole('heading', { name: 'Mail settings' })).toBeVisible();

  // Addresses
  const addresses = page.getByTestId('mail-addresses');
  await addresses.getByTestId('incoming-email').fill('incoming+%{key}@desk.test');
  await addresses.getByRole('button', { name: 'Save addresses' }).click();
  await expect(addresses.getByRole('status')).toContainText('Saved');

  // Outgoing server: a wrong password first, then the right one.
  const smtp = page.getByTestId('smtp-settings');
  await expect(smtp.getByTestId('smtp-transport')).toContainText('DATA_DIR/outbox');
  await smtp.getByTestId('smtp-host').fill(sink.host);
  await smtp.getByTestId('smtp-port').fill(String(sink.port));
  await smtp.getByTestId('smtp-security').selectOption('none');
  await smtp.getByTestId('smtp-user').fill(SMTP_USER);
  await smtp.getByTestId('smtp-password').fill('not-the-password');
  await smtp.getByTestId('smtp-test-to').fill('me@example.com');
  await smtp.getByTestId('smtp-test-send').click();
  await expect(smtp.getByTestId('smtp-test-result')).toHaveAttribute('data-ok', 'false');
  await expect(smtp.getByTestId('smtp-last-answer')).toHaveText(/^535 .*Authentication credentials invalid/);
  await smtp.getByTestId('smtp-password').fill(SMTP_PASSWORD);
  await smtp.getByTestId('smtp-test-send').click();
  await expect(smtp.getByTestId('smtp-test-result')).toHaveAttribute('data-ok', 'true');
  await expect(smtp.getByTestId('smtp-last-answer')).toHaveText(/^250 .*Message captured/);
  expect(sink.messages.at(-1)?.to).toEqual(['me@example.com']);
  await smtp.getByRole('button', { name: 'Save SMTP server' }).click();
  await expect(smtp.getByTestId('smtp-transport')).toContainText(`smtp ${sink.host}:${sink.port}`);
  // The password is never shown again: only that one is set.
  await page.reload();
  await expect(page.getByTestId('smtp-password')).toHaveValue('');
  await expect(page.getByTestId('smtp-password')).toHaveAttribute('placeholder', 'set — type to replace');
  expect(await page.content()).not.toContain(SMTP_PASSWORD);

  // A mailbox: "Test connection" with a wrong password, then the right one, then add it.
  await page.getByTestId('mailbox-add').click();
  const form = page.getByTestId('mailbox-form');
  await form.getByTestId('mailbox-name').fill('support');
  await form.getByTestId('mailbox-host').fill(dovecot.host);
  await form.getByTestId('mailbox-port').fill(String(dovecot.port));
  await form.getByTestId('mailbox-security').selectOption('none');
  await form.getByTestId('mailbox-user').fill('support');
  await form.getByTestId('mailbox-password').fill('wrong');
  await form.getByTestId('mailbox-test').click();
  await expect(form.getByTestId('mailbox-test-result')).toHaveText('The server said: NO [AUTHENTICATIONFAILED] Authentication failed.');
  await form.getByTestId('mailbox-password').fill(dovecot.password);
  await form.getByTestId('mailbox-test').click();
  await expect(form.getByTestId('mailbox-test-result')).toHaveText('Connected: INBOX has 0 messages.');
  // What becomes of mail already there: unread only unless chosen otherwise, said in one line.
  const existing = form.getByTestId('mailbox-existing');
  await expect(existing).toHaveValue('unread');
  await expect(existing).toHaveAccessibleDescription(/^Unread messages already there become tickets; read ones are left alone\./);
  await existing.selectOption({ label: 'All mail already there' });
  await expect(form.getByTestId('mailbox-existing-hint')).toContainText('Every message already there becomes a ticket, read or not');
  await form.getByTestId('mailbox-save').click();
  const row = page.getByTestId('mailbox-row').filter({ hasText: 'support' });
  await expect(row.getByTestId('mailbox-state')).toHaveText('idle', { timeout: 15_000 });
  // stored: editing the mailbox shows the choice made
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByTestId('mailbox-form').getByTestId('mailbox-existing')).toHaveValue('all');
  await page.getByTestId('mailbox-form').getByRole('button', { name: 'Cancel' }).click();

  // A responder watches the queue; mail delivered to the mailbox appears there live.
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(`/p/${PROJECT}`);
  await expect(alice.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  const subject = `Crash on settings ${Date.now()}`;
  const mark = sink.messages.length;
  await dovecot.deliver('support', customerMail(subject));
  await expect(alice.page.getByTestId('ticket-row').filter({ hasText: subject })).toBeVisible({ timeout: 15_000 });
  // The thank-you email went out through the server set above, with its credentials.
  await expect.poll(() => sink.messages.slice(mark).find((m) => m.to.includes('kim@customer.test'))?.user, { timeout: 15_000 }).toBe(SMTP_USER);
  const thanks = await simpleParser(sink.messages.slice(mark).find((m) => m.to.includes('kim@customer.test'))?.raw ?? Buffer.alloc(0));
  expect(thanks.subject).toContain(subject);
  await expect(row.getByTestId('mailbox-state')).toHaveText('idle');

  // Pause: health says so; resume; remove.
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByTestId('mailbox-state')).toHaveText('paused');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByTestId('mailbox-state')).toHaveText('idle', { timeout: 15_000 });
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.getByRole('button', { name: 'Remove support' }).click();
  await expect(page.getByTestId('mailbox-row')).toHaveCount(0);

  await alice.context.close();
  await admin.context.close();
});
