/**
 * Issue 12, item 6, in three real browsers: a customer's second email is merged into the first
 * by one responder while another watches the first ticket and a third the second; the customer's
 * answer to the second ticket's email then lands on the first, live.
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

async function thankYouFor(subject: string) {
  for (;;) {
    for (const m of sink.messages) {
      const parsed = await simpleParser(m.raw);
      if (parsed.subject?.includes(subject)) return parsed;
    }
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('a customer\'s second email merged into the first while others watch; their answer to the second lands on the first', async ({ browser }) => {
  const run = Date.now();
  const first = `Login refused ${run}`;
  const second = `Password reset fails ${run}`;
  for (const [subject, body] of [[first, 'The login page says my password is wrong.'], [second, 'Tried again with a reset password: same.']] as const) {
    const sent = await sendWithSwaks({ server: listener, from: 'lee@customer.test', to: [ADDRESS], header: { From: '"Lee Park" <lee@customer.test>', Subject: subject }, body });
    expect(sent.code, sent.stderr).toBe(0);
  }
  const secondThanks = await thankYouFor(second);

  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const c = await signIn(browser, app.url, USERS.admin);
  const open = async (page: typeof a.page, subject: string) => {
    await page.goto(`/p/${PROJECT}?search=${run}`);
    await page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
    await expect(page.getByTestId('ticket-title')).toHaveText(subject);
    return Number(/tickets\/(\d+)/.exec(page.url())?.[1]);
  };
  const firstIid = await open(b.page, first);
  const secondIid = await open(c.page, second);
  await open(a.page, second);
  for (const s of [b, c]) await s.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));

  // Alice merges the second into the first, after confirming.
  await a.page.getByTestId('merge-open').click();
  await a.page.getByTestId('merge-into').fill(`#${firstIid}`);
  await a.page.getByRole('button', { name: 'Next' }).click();
  await expect(a.page.getByTestId('merge-confirm')).toContainText(`Merge #${secondIid} into #${firstIid} ${first}?`);
  await a.page.getByTestId('merge-confirm-button').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(first);

  // Bob, on the first ticket, sees the second's text arrive, marked, in time order.
  const merged = b.page.locator(`[data-testid="note"][data-merged-from="${secondIid}"]`);
  await expect(merged).toHaveCount(1);
  await expect(merged).toContainText('Tried again with a reset password: same.');
  await expect(merged.getByTestId('merged-from')).toHaveText(`from #${secondIid}`);
  await expect(b.page.getByTestId('note').filter({ hasText: `merged #${secondIid} into this ticket` })).toHaveCount(1);
  // The admin, on the second ticket, sees it closed and where it went.
  await expect(c.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(c.page.getByTestId('merged-into-link')).toHaveText(`#${firstIid}`);
  await expect(c.page.getByTestId('composer')).toHaveCount(0);

  // Lee answers the second ticket's email: it lands on the first, live for Bob.
  const replyTo = secondThanks.replyTo?.value[0]?.address ?? '';
  const answer = await sendWithSwaks({ server: listener, from: 'lee@customer.test', to: [replyTo], header: { Subject: `Re: ${second}`, 'In-Reply-To': secondThanks.messageId ?? '' }, body: 'It works now, thank you!' });
  expect(answer.code, answer.stderr).toBe(0);
  await expect(b.page.getByTestId('note').filter({ hasText: 'It works now, thank you!' })).toHaveCount(1);
  for (const s of [b, c]) await expect(s.page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');
  for (const s of [a, b, c]) await s.context.close();
});
