/**
 * The workspace acceptance scenario end to end: two responders and a maintainer in three browsers
 * at once, with the customer's mail arriving through the app's own SMTP listener (sent by swaks)
 * and the replies leaving through a real SMTP server (the sink).
 */
import { simpleParser } from 'mailparser';
import type { Page } from '@playwright/test';
import { startAppServer, type AppServer, type Seed } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

const MAINTAINER = { email: 'max@example.com', password: USERS.alice.password, name: 'Max Maintainer' };
const WORKSPACE_SEED: Seed = {
  ...SEED,
  users: [...SEED.users, MAINTAINER],
  members: [...SEED.members, { project: PROJECT, email: MAINTAINER.email, role: 'maintainer' }],
};
const ADDRESS = 'incoming+acme-mobile-app-1-issue-@desk.test';
const CUSTOMER = 'maria@customer.test';
const COLLEAGUE = 'colleague@customer.test';

let app: AppServer;
let sink: SmtpSink;
let listener: string;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  ensureSwaksInstalled();
  sink = await startSmtpSink();
  listener = `127.0.0.1:${await freePort()}`;
  app = await startAppServer({
    seed: WORKSPACE_SEED,
    env: { SMTP_LISTEN: listener, INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` },
  });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
});

/** The text of every email the sink received for `rcpt`, oldest first. */
async function mailTextsTo(rcpt: string): Promise<string[]> {
  const parsed = await Promise.all(sink.messages.filter((m) => m.to.includes(rcpt)).map((m) => simpleParser(m.raw)));
  return parsed.map((m) => m.text ?? '');
}

async function customerSends(header: Record<string, string>, body: string): Promise<void> {
  const sent = await sendWithSwaks({ server: listener, from: CUSTOMER, to: [ADDRESS], header: { From: `Maria Customer <${CUSTOMER}>`, ...header }, body });
  expect(sent.code, sent.stderr).toBe(0);
}

/** Survives client-side navigation only: proves nothing in the test reloads the page. */
async function markSamePage(page: Page): Promise<void> {
  await page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
}

const noteIds = (page: Page) => page.getByTestId('note').evaluateAll((els) => els.map((el) => el.getAttribute('data-note-id')));

test('two responders and a maintainer work one emailed ticket live: presence, collision, Cc participants, offline catch-up', async ({ browser }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const subject = `Refund not received ${stamp}`;
  const laterSubject = `Wrong size delivered ${stamp}`;
  const messageId = `<refund-${stamp}@customer.test>`;

  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const m = await signIn(browser, app.url, MAINTAINER);
  // B keeps the whole queue (open and closed) in a second tab of the same browser.
  const bQueue = await b.context.newPage();
  await bQueue.goto(`/p/${PROJECT}?state=all`);
  for (const page of [a.page, b.page]) await page.goto(`/p/${PROJECT}`);
  for (const page of [a.page, b.page, bQueue]) {
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('queue')).toBeAttached();
    await markSamePage(page);
  }

  // 1. The customer's email shows up in both responders' queues, live.
  await customerSends({ Subject: subject, 'Message-ID': messageId }, 'I returned the shoes two weeks ago and still have no refund.');
  for (const page of [a.page, b.page, bQueue]) {
    const row = page.getByTestId('ticket-row').filter({ hasText: subject });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(CUSTOMER);
  }

  // 2. A opens the ticket; B, on it too, sees A viewing and then typing.
  await a.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(subject);
  await expect(bQueue.getByTestId('ticket-row').filter({ hasText: subject }).getByTestId('row-presence')).toHaveText('Alice Reporter');
  await b.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(subject);
  await expect(b.page.getByText('I returned the shoes two weeks ago')).toBeVisible();
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is viewing');
  await a.page.getByTestId('composer').pressSequentially('Looking into it', { delay: 20 });
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is typing…');

  // 3. B starts a reply on the ticket as it is now; A's reply lands first and B sees it live.
  const replyA = 'Your refund was approved this morning.';
  const replyB = 'We will refund the shipping costs too.';
  await b.page.getByTestId('composer').pressSequentially(replyB, { delay: 10 });
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is typing…');
  await a.page.getByTestId('composer').fill(replyA);
  await expect(a.page.getByTestId('composer-recipients')).toHaveText(`Will be emailed to: ${CUSTOMER}`);
  await a.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('note').filter({ hasText: replyA })).toHaveCount(1);
  await expect(a.page.getByTestId('composer')).toHaveValue('');
  await expect(b.page.getByTestId('note').filter({ hasText: replyA })).toHaveCount(1);
  await expect(b.page.getByTestId('note').filter({ hasText: replyA })).toHaveAttribute('data-internal', 'false');

  // 4. B's send is refused with A's reply on screen; sending anyway goes through, for both to see.
  await b.page.getByTestId('composer-submit').click();
  await expect(b.page.getByTestId('collision')).toBeVisible();
  await expect(b.page.getByTestId('collision')).toContainText('their reply is shown above');
  await expect(b.page.getByTestId('note').filter({ hasText: replyA })).toBeVisible();
  await expect(b.page.getByTestId('note').filter({ hasText: replyB })).toHaveCount(0);
  await expect(b.page.getByTestId('composer')).toHaveValue(replyB);
  await b.page.getByTestId('collision-send').click();
  await expect(b.page.getByTestId('collision')).toHaveCount(0);
  await expect(b.page.getByTestId('composer')).toHaveValue('');
  for (const page of [a.page, b.page]) await expect(page.getByTestId('note').filter({ hasText: replyB })).toHaveCount(1);
  // Both public replies reached the customer by email.
  await expect
    .poll(() => mailTextsTo(CUSTOMER))
    .toEqual(expect.arrayContaining([expect.stringContaining(replyA), expect.stringContaining(replyB)]));

  // 5. The maintainer turns on "add Cc participants"; the customer's next email (in the same
  // thread) copies a colleague, who becomes a participant for both responders.
  await m.page.goto(`/p/${PROJECT}/-/service-desk`);
  const ccSwitch = m.page.getByTestId('sd-addCcParticipants');
  await expect(ccSwitch).not.toBeChecked();
  await ccSwitch.check();
  await expect(ccSwitch).toBeChecked();
  await m.page.reload();
  await expect(m.page.getByTestId('sd-addCcParticipants')).toBeChecked();

  const ccText = 'Thanks! I am copying my colleague, who handles our returns.';
  await customerSends(
    { Subject: `Re: ${subject}`, Cc: COLLEAGUE, 'In-Reply-To': messageId, References: messageId },
    ccText,
  );
  for (const page of [a.page, b.page]) {
    await expect(page.getByTestId('note').filter({ hasText: ccText })).toHaveCount(1);
    await expect(page.locator(`[data-testid="participant"][data-email="${COLLEAGUE}"]`)).toHaveCount(1);
    await expect(page.locator('[data-testid="note"][data-system="true"]').filter({ hasText: `added ${COLLEAGUE}` })).toHaveCount(1);
  }
  await expect(a.page.getByTestId('composer-recipients')).toContainText(COLLEAGUE);

  // The maintainer follows the queue from here on.
  await m.page.goto(`/p/${PROJECT}`);
  await expect(m.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(m.page.getByTestId('ticket-row').filter({ hasText: subject })).toHaveCount(1);

  // 6. B drops offline; meanwhile A replies and closes, and a new email arrives.
  await b.context.setOffline(true);
  for (const page of [b.page, bQueue]) {
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
    await expect(page.getByTestId('connection')).toHaveText('Offline — will reconnect');
  }

  const closingReply = 'The refund is on its way; closing this ticket.';
  await a.page.getByTestId('composer').fill(closingReply);
  await a.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('note').filter({ hasText: closingReply })).toHaveCount(1);
  await a.page.getByTestId('toggle-state').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(a.page.locator('[data-testid="note"][data-system="true"]').filter({ hasText: 'closed' })).toHaveCount(1);

  await customerSends({ Subject: laterSubject }, 'The replacement shoes are one size too small.');
  await expect(m.page.getByTestId('ticket-row').filter({ hasText: laterSubject })).toHaveCount(1);
  // M's queue shows open tickets: the closed one has left it.
  await expect(m.page.getByTestId('ticket-row').filter({ hasText: subject })).toHaveCount(0);

  // While offline, B has heard of none of it.
  await expect(b.page.getByTestId('ticket-state')).toHaveText('Open');
  await expect(b.page.getByTestId('note').filter({ hasText: closingReply })).toHaveCount(0);
  await expect(bQueue.getByTestId('ticket-row').filter({ hasText: laterSubject })).toHaveCount(0);
  await expect(bQueue.getByTestId('ticket-row').filter({ hasText: subject })).toHaveAttribute('data-state', 'opened');

  // Back online, B catches up without a reload: once each, in A's order.
  await b.context.setOffline(false);
  for (const page of [b.page, bQueue]) await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(b.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(b.page.getByTestId('note').filter({ hasText: closingReply })).toHaveCount(1);
  await expect(b.page.locator('[data-testid="note"][data-system="true"]').filter({ hasText: 'closed' })).toHaveCount(1);
  for (const text of [replyA, replyB, ccText]) await expect(b.page.getByTestId('note').filter({ hasText: text })).toHaveCount(1);
  expect(await noteIds(b.page)).toEqual(await noteIds(a.page));

  const closedRow = bQueue.getByTestId('ticket-row').filter({ hasText: subject });
  await expect(closedRow).toHaveAttribute('data-state', 'closed');
  await expect(closedRow).toContainText('Closed');
  await expect(bQueue.getByTestId('ticket-row').filter({ hasText: laterSubject })).toHaveCount(1);
  await expect(bQueue.getByTestId('ticket-row')).toHaveCount(2);
  for (const page of [a.page, b.page, bQueue]) await expect(page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');

  // The closing reply went to the customer and to the colleague who was copied in.
  for (const rcpt of [CUSTOMER, COLLEAGUE]) {
    await expect.poll(() => mailTextsTo(rcpt)).toEqual(expect.arrayContaining([expect.stringContaining(closingReply)]));
  }

  for (const s of [a, b, m]) await s.context.close();
});
