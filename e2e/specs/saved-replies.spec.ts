/**
 * Issue 12, item 5, in three real browsers and a real SMTP sink: a maintainer keeps a macro; a
 * responder inserts it with `#`, its placeholders filled in, edits it and sends; the customer
 * receives the filled-in text, and another responder sees the macro's label and state arrive live.
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

async function mailTo(rcpt: string, from: number, containing: string) {
  for (;;) {
    const found = sink.messages.slice(from).filter((m) => m.to.includes(rcpt));
    for (const m of found) {
      const parsed = await simpleParser(m.raw);
      if (parsed.text?.includes(containing)) return parsed;
    }
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('a macro with placeholders: inserted with #, edited, sent to a real SMTP sink; its actions arrive live elsewhere', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  const editor = admin.page.getByTestId('saved-replies');
  await editor.getByTestId('saved-reply-name').fill('Refund approved');
  await editor.getByTestId('saved-reply-body').fill('Hi {customer_first_name},\n\nyour refund for {ticket_iid} is on its way.\n\n{agent_name}');
  await editor.getByTestId('macro-labels').fill('refund');
  await editor.getByTestId('macro-state').selectOption('pending');
  await editor.getByTestId('saved-reply-save').click();
  await expect(editor.getByTestId('saved-reply-edit')).toHaveText('Refund approved');

  const subject = `Refund for order A-77 ${Date.now()}`;
  const sent = await sendWithSwaks({ server: listener, from: 'kim@customer.test', to: [ADDRESS], header: { From: '"Kim Lee" <kim@customer.test>', Subject: subject }, body: 'The blender arrived broken.' });
  expect(sent.code, sent.stderr).toBe(0);

  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  for (const s of [a, b]) {
    await s.page.goto(`/p/${PROJECT}`);
    await s.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
    await expect(s.page.getByTestId('ticket-title')).toHaveText(subject);
  }
  const iid = Number(/tickets\/(\d+)/.exec(a.page.url())?.[1]);

  const composer = a.page.getByTestId('composer');
  await composer.pressSequentially('#refund');
  await expect(a.page.getByTestId('suggest-reply').getByTestId('suggestion')).toContainText('Refund approved');
  await composer.press('Tab');
  await expect(composer).toHaveValue(`Hi Kim,\n\nyour refund for #${iid} is on its way.\n\n${USERS.alice.name}`);
  await expect(a.page.getByTestId('macro-chip')).toContainText('adds ~refund, marks it pending');
  // Editable before sending.
  await composer.press('End');
  await composer.pressSequentially('\n\nP.S. It takes three working days.');
  const mark = sink.messages.length;
  await a.page.getByTestId('composer-submit').click();

  const mail = await mailTo('kim@customer.test', mark, 'your refund for');
  expect(mail.text).toContain('Hi Kim,');
  expect(mail.text).toContain(`your refund for #${iid} is on its way.`);
  expect(mail.text).toContain(USERS.alice.name);
  expect(mail.text).toContain('P.S. It takes three working days.');
  expect(mail.text).not.toContain('{');

  await expect(b.page.getByTestId('ticket-state')).toHaveText('Pending');
  await expect(b.page.getByTestId('label-chip')).toHaveText('refund×');
  await expect(b.page.getByTestId('note').filter({ hasText: 'your refund for' })).toHaveCount(1);
  await expect(a.page.getByTestId('macro-chip')).toHaveCount(0);
  for (const s of [admin, a, b]) await s.context.close();
});
