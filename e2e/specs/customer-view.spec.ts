/**
 * A customer opens the link from their email in a browser with no account, reads the public
 * thread, replies from the page; the responder sees the reply live, and the customer's page
 * shows the responder's answer without a reload. Revoking the links from the ticket ends it.
 */
import { simpleParser } from 'mailparser';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

let app: AppServer;
let sink: SmtpSink;
let listener: string;
const ADDRESS = 'incoming+acme-mobile-app-1-issue-@desk.test';

test.beforeAll(async () => {
  ensureSwaksInstalled();
  sink = await startSmtpSink();
  listener = `127.0.0.1:${await freePort()}`;
  app = await startAppServer({ seed: SEED, env: { SMTP_LISTEN: listener, INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` } });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
});

async function mailTo(rcpt: string, from: number, text: RegExp) {
  for (;;) {
    for (const m of sink.messages.slice(from).filter((x) => x.to.includes(rcpt))) {
      const parsed = await simpleParser(m.raw);
      if (text.test(parsed.text ?? '')) return parsed;
    }
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('a customer reads and answers their thread in a browser without an account; both sides update live', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  const confidential = admin.page.getByTestId('sd-confidentialByDefault');
  await confidential.uncheck();
  await expect(confidential).not.toBeChecked();

  const subject = `Login loop ${Date.now()}`;
  const mark = sink.messages.length;
  const sent = await sendWithSwaks({ server: listener, from: 'kim@customer.test', to: [ADDRESS], header: { Subject: subject }, body: 'I cannot log in, it loops back to the start.' });
  expect(sent.code, sent.stderr).toBe(0);
  const thanks = await mailTo('kim@customer.test', mark, /Thank you for your support request/);
  const link = /View ticket #\d+: (\S+)/.exec(thanks.text ?? '')?.[1];
  expect(link, thanks.text).toMatch(/\/c\/\d+\.\d+\./);

  // The responder opens the ticket and keeps it open.
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(`/p/${PROJECT}`);
  await alice.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(alice.page.getByTestId('ticket-title')).toHaveText(subject);
  await alice.page.getByTestId('composer').fill('Internal: check the SSO logs');
  await alice.page.getByTestId('composer-internal').check();
  await alice.page.getByTestId('composer-submit').click();
  await expect(alice.page.getByTestId('note').filter({ hasText: 'check the SSO logs' })).toBeVisible();

  // The customer: a fresh browser, no account, no cookies.
  const customer = await browser.newContext();
  const page = await customer.newPage();
  await page.goto(link as string);
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  await expect(page.getByTestId('customer-thread')).toContainText('I cannot log in, it loops back to the start.');
  await expect(page.getByTestId('customer-thread')).not.toContainText('SSO logs');

  await page.getByTestId('customer-reply').fill('It happens in Firefox and Chrome alike.');
  await page.getByTestId('customer-send').click();
  await expect(page.getByTestId('customer-item').filter({ hasText: 'Firefox and Chrome' })).toHaveAttribute('data-who', 'you');
  // The responder sees it live, as a customer message.
  await expect(alice.page.getByTestId('note').filter({ hasText: 'Firefox and Chrome alike' })).toBeVisible();

  // The responder answers; the customer's page shows it without a reload.
  await alice.page.getByTestId('composer-internal').uncheck();
  await alice.page.getByTestId('composer').fill('Thanks Kim — fixed, please try again.');
  await alice.page.getByTestId('composer-submit').click();
  await expect(page.getByTestId('customer-item').filter({ hasText: 'fixed, please try again' })).toHaveAttribute('data-who', 'support');

  // Revoked from the ticket: the link stops working.
  await alice.page.getByRole('button', { name: 'Revoke customer links' }).click();
  await expect(alice.page.getByTestId('customer-links')).toContainText('None active.');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Link not valid' })).toBeVisible();

  await customer.close();
  await alice.context.close();
  await admin.context.close();
});

test("the customer view shows times in the reader's own zone and follows their dark setting, with a clean console", async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  await admin.page.getByTestId('sd-confidentialByDefault').uncheck();
  await expect(admin.page.getByTestId('sd-confidentialByDefault')).not.toBeChecked();
  await admin.context.close();

  const subject = `Invoice copy ${Date.now()}`;
  const mark = sink.messages.length;
  const sent = await sendWithSwaks({ server: listener, from: 'ravi@customer.test', to: [ADDRESS], header: { Subject: subject }, body: 'Please send me a copy of the March invoice.' });
  expect(sent.code, sent.stderr).toBe(0);
  const thanks = await mailTo('ravi@customer.test', mark, /Thank you for your support request/);
  const link = /View ticket #\d+: (\S+)/.exec(thanks.text ?? '')?.[1] as string;

  const customer = await browser.newContext({ timezoneId: 'Asia/Kolkata', locale: 'en-US', colorScheme: 'dark' });
  const page = await customer.newPage();
  const problems: string[] = [];
  page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
  page.on('response', (r) => (r.status() >= 400 ? problems.push(`${r.status()} ${r.url()}`) : undefined));
  await page.goto(link);
  const time = page.getByTestId('customer-item').first().locator('time');
  // India is UTC+5:30: the written time names the zone, and is the moment the server gave, in it.
  await expect(time).toContainText('GMT+5:30');
  const iso = await time.getAttribute('datetime');
  const expected = new Intl.DateTimeFormat('en-US', { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: 'Asia/Kolkata' }).format(new Date(iso as string));
  await expect(time).toHaveText(expected);
  await expect(time).toHaveAttribute('title', / UTC$/);
  const colours = await page.evaluate(() => {
    const item = document.querySelector('[data-testid="customer-item"]') as Element;
    return { page: getComputedStyle(document.body).backgroundColor, item: getComputedStyle(item).backgroundColor, text: getComputedStyle(document.body).color };
  });
  expect(colours, 'dark page, dark cards, light text').toEqual({ page: 'rgb(18, 21, 27)', item: 'rgb(26, 31, 39)', text: 'rgb(228, 232, 239)' });

  // After a reply the page loads again and swaps in the live thread: still local time.
  await page.getByTestId('customer-reply').fill('The one from March 3rd, please.');
  await page.getByTestId('customer-send').click();
  await expect(page.getByTestId('customer-item').filter({ hasText: 'March 3rd' }).locator('time')).toContainText('GMT+5:30');
  await page.waitForLoadState('networkidle');
  for (const t of await page.locator('[data-testid="customer-item"] time').all()) await expect(t).toContainText('GMT+5:30');
  expect(problems).toEqual([]);
  await customer.close();
});
