import { simpleParser } from 'mailparser';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';
import { freePort } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';

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

async function mailTo(rcpt: string, from: number) {
  for (;;) {
    const found = sink.messages.slice(from).find((m) => m.to.includes(rcpt));
    if (found) return simpleParser(found.raw);
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('a maintainer edits the thank-you template; a responder replies in the browser; the customer\'s answer appears live for both', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  const body = admin.page.getByTestId('template-body');
  await expect(body).toHaveValue(/Thank you for your support request!/);
  // the name placeholders are listed and previewed with the sample name; a misspelt one is reported
  await expect(admin.page.locator('code', { hasText: '%{CUSTOMER_FIRST_NAME}' })).toBeVisible();
  await body.fill('We got it, %{CUSTOMER_FIRST_NAME}! Your ticket is %{ISSUE_ID}. %{CUSTOMER_EMAIL}');
  await expect(admin.page.getByTestId('template-unknown')).toContainText('%{CUSTOMER_EMAIL}');
  await expect(admin.page.frameLocator('[data-testid="template-preview"]').locator('body')).toContainText('We got it, Ada! Your ticket is #42.');
  await admin.page.getByRole('button', { name: 'Save template' }).click();
  await expect(admin.page.getByText('Template (customised)')).toBeVisible();

  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  for (const s of [a, b]) {
    await s.page.goto(`/p/${PROJECT}`);
    await expect(s.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  }
  const subject = `Kettle never arrived ${Date.now()}`;
  let mark = sink.messages.length;
  const sent = await sendWithSwaks({ server: listener, from: 'kim@customer.test', to: [ADDRESS], header: { Subject: subject }, body: 'Order A-1001 is late.' });
  expect(sent.code, sent.stderr).toBe(0);
  const thanks = await mailTo('kim@customer.test', mark);
  // kim's mail gave no name: the greeting closes up instead of naming the address
  expect(thanks.text).toContain('We got it! Your ticket is #');

  for (const s of [a, b]) await s.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(subject);
  mark = sink.messages.length;
  await a.page.getByTestId('composer').fill('It ships today, tracking ZX-889.');
  await a.page.getByTestId('composer-submit').click();
  const reply = await mailTo('kim@customer.test', mark);
  expect(reply.subject).toMatch(/^Re: Kettle never arrived \d+ \(#\d+\)$/);
  expect(reply.text).toContain('It ships today, tracking ZX-889.');
  expect(reply.from?.value[0]?.name).toBe('Alice Reporter (via Mobile App Support)');

  const replyTo = reply.replyTo?.value[0]?.address ?? '';
  const answer = await sendWithSwaks({
    server: listener,
    from: 'kim@customer.test',
    to: [replyTo],
    header: { Subject: `Re: ${subject}`, 'In-Reply-To': reply.messageId ?? '' },
    body: 'Great, thank you!\n\nOn Mon, Support wrote:\n> It ships today',
  });
  expect(answer.code, answer.stderr).toBe(0);
  for (const s of [a, b]) await expect(s.page.getByTestId('note').filter({ hasText: 'Great, thank you!' })).toHaveCount(1);
  for (const s of [admin, a, b]) await s.context.close();
});
