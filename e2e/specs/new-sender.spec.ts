import type { AppServer } from '../fixtures/app-server';
import { startAppServer } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

let mailApp: AppServer;
let smtp: string;
const TO = 'incoming+acme-mobile-app-1-issue-@desk.test';

test.beforeAll(async () => {
  ensureSwaksInstalled();
  smtp = `127.0.0.1:${await freePort()}`;
  mailApp = await startAppServer({ seed: SEED, env: { SMTP_LISTEN: smtp, INCOMING_EMAIL: 'incoming+%{key}@desk.test' } });
});
test.afterAll(async () => {
  await mailApp?.stop();
});

test('mail from a stranger quoting the customer\'s email is flagged; a responder adds the sender with one click, live for the other', async ({ browser }) => {
  const a = await signIn(browser, mailApp.url, USERS.alice);
  const b = await signIn(browser, mailApp.url, USERS.bob);
  const subject = `Account locked ${Date.now()}`;
  const messageId = `<locked-${Date.now()}@customer.test>`;
  const first = await sendWithSwaks({ server: smtp, from: 'rosa@customer.test', to: [TO], header: { Subject: subject, 'Message-ID': messageId }, body: 'My account is locked.' });
  expect(first.code, first.stderr).toBe(0);

  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(subject);
  await b.page.goto(a.page.url());
  for (const s of [a, b]) await expect(s.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  const stranger = await sendWithSwaks({
    server: smtp,
    from: 'sam@elsewhere.test',
    to: [TO],
    header: { Subject: `Re: ${subject}`, 'In-Reply-To': messageId, References: messageId },
    body: 'I saw Rosa\'s email. Can you unlock mine too?',
  });
  expect(stranger.code, stranger.stderr).toBe(0);

  const note = a.page.getByTestId('note').filter({ hasText: 'Can you unlock mine too?' });
  const banner = note.getByTestId('new-sender');
  await expect(banner).toContainText('From a new sender: sam@elsewhere.test — not a participant');
  await expect(a.page.getByTestId('participant')).toHaveCount(1);
  await expect(b.page.getByTestId('note').filter({ hasText: 'Can you unlock mine too?' }).getByTestId('new-sender')).toBeVisible();

  await banner.getByRole('button', { name: 'Add as participant' }).click();
  for (const s of [a, b]) {
    await expect(s.page.locator('[data-testid="participant"][data-email="sam@elsewhere.test"]')).toHaveCount(1);
    await expect(s.page.getByTestId('note').filter({ hasText: 'added sam@elsewhere.test' })).toHaveCount(1);
  }
  await expect(banner).toHaveAttribute('data-joined', 'true');
  await expect(banner.getByRole('button', { name: 'Add as participant' })).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});
