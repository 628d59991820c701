/**
 * A maintainer sets a custom support address in the browser; the page waits while the
 * verification email travels, shows what to fix when it comes back through the wrong forwarding,
 * and "Verified" when it comes back right — then customer email goes out From that address.
 */
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { startSmtpSink, type Captured, type SmtpSink } from '../fixtures/smtp-sink';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

let app: AppServer;
let sink: SmtpSink;
let listenerPort: number;
const SUPPORT = 'support@mobile-app.test';

test.beforeAll(async () => {
  sink = await startSmtpSink();
  listenerPort = await freePort();
  app = await startAppServer({
    seed: { ...SEED, projects: [...SEED.projects, { path: 'acme/other' }] },
    env: { SMTP_LISTEN: `127.0.0.1:${listenerPort}`, INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` },
  });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
});

/** What the customer's mail server does with mail for the address: passes it on, unchanged. */
async function forward(raw: Buffer | string, rcpt: string): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: listenerPort, secure: false, ignoreTLS: true });
  try {
    await t.sendMail({ envelope: { from: 'forwarder@mobile-app.test', to: [rcpt] }, raw });
  } finally {
    t.close();
  }
}

async function verificationEmail(from: number): Promise<Captured> {
  for (;;) {
    const m = sink.messages.slice(from).find((x) => x.raw.toString().includes('X-Threadline-Verification'));
    if (m) return m;
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('a custom support address: waiting, a wrong forwarding named, then verified and used as the From of customer email', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  const page = admin.page;
  // Projects are seeded side by side: their ids (in the addresses) are whatever they got.
  await page.goto('/p/acme/other/-/service-desk');
  const otherAddress = (await page.getByTestId('service-desk-address').textContent()) ?? '';
  await page.goto(`/p/${PROJECT}/-/service-desk`);
  const SERVICE_DESK = (await page.getByTestId('service-desk-address').textContent()) ?? '';
  expect(SERVICE_DESK).toMatch(/^incoming\+acme-mobile-app-\d+-issue-@desk\.test$/);
  const panel = page.getByTestId('custom-email');

  let mark = sink.messages.length;
  await panel.getByTestId('custom-email-add').click();
  await panel.getByTestId('custom-email-address').fill(SUPPORT);
  await panel.getByTestId('custom-email-verify').click();
  await expect(panel.getByTestId('custom-email-state')).toHaveAttribute('data-state', 'waiting');
  await expect(panel).toContainText(`forwards all mail to ${SERVICE_DESK}`);

  // Forwarded to another project's address: the page names the check and what to fix.
  await forward((await verificationEmail(mark)).raw, otherAddress);
  await expect(panel.getByTestId('custom-email-error')).toHaveAttribute('data-error', 'incorrect_forwarding_target');
  await expect(panel.getByTestId('custom-email-error')).toContainText(`Forward ${SUPPORT} to ${SERVICE_DESK}.`);

  // Fixed forwarding, new verification email: verified, and customers see the address.
  mark = sink.messages.length;
  await panel.getByRole('button', { name: 'Change and send again' }).click();
  await panel.getByTestId('custom-email-verify').click();
  await forward((await verificationEmail(mark)).raw, SERVICE_DESK);
  await expect(panel.getByTestId('custom-email-state')).toHaveAttribute('data-state', 'verified');
  await expect(page.getByTestId('service-desk-address')).toHaveText(SUPPORT);

  // A customer writes to the address (a catch-all delivering it here); the thank-you comes From it.
  mark = sink.messages.length;
  const subject = `Sync stuck ${Date.now()}`;
  await forward(`From: Kim <kim@customer.test>\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <sync-${Date.now()}@customer.test>\r\n\r\nSync has been stuck since Monday.\r\n`, SUPPORT);
  await expect.poll(() => sink.messages.slice(mark).some((m) => m.to.includes('kim@customer.test')), { timeout: 15_000 }).toBe(true);
  const thanks = await simpleParser(sink.messages.slice(mark).find((m) => m.to.includes('kim@customer.test'))?.raw ?? Buffer.alloc(0));
  expect(thanks.from?.value[0]).toEqual({ address: SUPPORT, name: 'Mobile App Support' });
  await page.goto(`/p/${PROJECT}`);
  await expect(page.getByTestId('ticket-row').filter({ hasText: subject })).toBeVisible();
  await admin.context.close();
});
