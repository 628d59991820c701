/**
 * Issue 12, items 2 and 3, in real browsers: customers with a name and history, and queue rows a
 * responder can triage from (customer, preview, waiting time, "waiting longest"), kept live.
 */
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

let app: AppServer;
let listener: string;
const ADDRESS = 'incoming+acme-mobile-app-1-issue-@desk.test';

test.beforeAll(async () => {
  ensureSwaksInstalled();
  listener = `127.0.0.1:${await freePort()}`;
  app = await startAppServer({ seed: SEED, env: { SMTP_LISTEN: listener, INCOMING_EMAIL: 'incoming+%{key}@desk.test' } });
});
test.afterAll(async () => {
  await app?.stop();
});

async function email(from: string, subject: string, body: string): Promise<void> {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const sent = await sendWithSwaks({ server: listener, from: address, to: [ADDRESS], header: { From: from, Subject: subject }, body });
  expect(sent.code, sent.stderr).toBe(0);
}

test('rows show the customer, a preview and the wait; "waiting longest" reorders live when someone answers', async ({ browser }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  await email('"Kim Lee" <kim@acme.test>', `Kettle broken ${run}`, 'The kettle stopped heating after a week.');
  await email('"Bo Chan" <bo@shop.test>', `Toaster sparks ${run}`, 'Sparks fly from the toaster.');

  for (const s of [a, b]) {
    await s.page.goto(`/p/${PROJECT}?sort=waiting&search=${encodeURIComponent(String(run))}`);
    await expect(s.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  }
  const rows = b.page.getByTestId('ticket-row');
  await expect(rows).toHaveCount(2);
  const kettle = rows.filter({ hasText: `Kettle broken ${run}` });
  await expect(kettle.getByTestId('row-customer')).toHaveText('Kim Lee');
  await expect(kettle.getByTestId('row-preview')).toHaveText('The kettle stopped heating after a week.');
  await expect(kettle.getByTestId('row-waiting')).toContainText('Waiting');
  // Kim wrote first, so Kim has waited longest.
  await expect(rows.first()).toContainText(`Kettle broken ${run}`);

  // Alice answers Kim: on Bob's screen the wait ends and the row goes to the end, without a reload.
  await b.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
  await a.page.getByTestId('ticket-row').filter({ hasText: `Kettle broken ${run}` }).getByRole('link', { name: `Kettle broken ${run}` }).click();
  await a.page.getByTestId('composer').fill('Sorry! A replacement is on its way.');
  await a.page.getByTestId('composer-submit').click();
  await expect(kettle.getByTestId('row-waiting')).toHaveCount(0);
  await expect(kettle.getByTestId('row-preview')).toHaveText('Sorry! A replacement is on its way.');
  await expect(rows.first()).toContainText(`Toaster sparks ${run}`);
  await expect(b.page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');
  await expect(a.page.getByTestId('ticket-timings')).toContainText('First response in');
  await a.context.close();
  await b.context.close();
});

test('a customer has a page with all their tickets; notes about them reach the other responder live', async ({ browser }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  await email('"Dana Ng" <dana@corp.test>', `Invoice wrong ${run}`, 'The invoice total is wrong.');
  await email('"Dana Ng" <dana@corp.test>', `Refund late ${run}`, 'Still no refund.');

  await a.page.goto(`/p/${PROJECT}?search=${encodeURIComponent(`from:@corp.test ${run}`)}`);
  await expect(a.page.getByTestId('ticket-row')).toHaveCount(2);
  await a.page.getByRole('link', { name: `Refund late ${run}` }).click();
  const panel = a.page.getByTestId('customer-panel');
  await expect(panel.getByTestId('customer-link')).toHaveText('Dana Ng');
  await expect(panel.getByTestId('customer-organization')).toHaveText('corp.test');
  await expect(panel.getByTestId('customer-other-tickets')).toContainText(`Invoice wrong ${run}`);

  await b.page.goto(a.page.url());
  await b.page.getByTestId('customer-notes').fill('Prefers phone calls after 5 pm.');
  await b.page.getByTestId('customer-notes-save').click();
  await expect(a.page.getByTestId('customer-notes')).toHaveValue('Prefers phone calls after 5 pm.');

  await panel.getByTestId('customer-link').click();
  await expect(a.page.getByTestId('customer-name')).toHaveText('Dana Ng');
  await expect(a.page.getByTestId('customer-email')).toHaveText('dana@corp.test');
  await expect(a.page.getByTestId('customer-tickets').getByTestId('ticket-row')).toHaveCount(2);
  await expect(a.page.getByTestId('customer-notes')).toHaveValue('Prefers phone calls after 5 pm.');
  await a.context.close();
  await b.context.close();
});
