import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a guest never sees confidential tickets, live or on load, and cannot open new ones', async ({ browser, app }) => {
  const guest = await signIn(browser, app.url, USERS.gina);
  const reporter = await signIn(browser, app.url, USERS.alice);
  const stamp = Date.now();
  const secret = `Refund for order 1182 (${stamp})`;
  const open = `Status page shows an outage (${stamp})`;

  await guest.page.goto(`/p/${PROJECT}`);
  await expect(guest.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(guest.page.getByTestId('queue')).toBeAttached();
  await expect(guest.page.getByTestId('new-ticket-open')).toHaveCount(0);
  await expect(guest.page.getByTestId('new-ticket-title')).toHaveCount(0);

  await reporter.page.goto(`/p/${PROJECT}`);
  await reporter.page.getByTestId('new-ticket-open').click();
  await reporter.page.getByTestId('new-ticket-title').fill(secret);
  await expect(reporter.page.getByLabel('Confidential', { exact: true })).toBeChecked();
  await reporter.page.getByTestId('new-ticket-submit').click();
  await expect(reporter.page.getByTestId('ticket-title')).toHaveText(secret);
  const secretUrl = new URL(reporter.page.url()).pathname;

  await reporter.page.getByRole('link', { name: 'Queue' }).click();
  await reporter.page.getByTestId('new-ticket-open').click();
  await reporter.page.getByTestId('new-ticket-title').fill(open);
  await reporter.page.getByLabel('Confidential', { exact: true }).uncheck();
  await reporter.page.getByTestId('new-ticket-submit').click();
  await expect(reporter.page.getByTestId('ticket-title')).toHaveText(open);

  // Events arrive in order: once the later ticket is shown, the earlier one would have been too.
  await expect(guest.page.getByTestId('ticket-row').filter({ hasText: open })).toBeVisible();
  await expect(guest.page.getByTestId('ticket-row').filter({ hasText: secret })).toHaveCount(0);

  await guest.page.reload();
  await expect(guest.page.getByTestId('ticket-row').filter({ hasText: open })).toBeVisible();
  await expect(guest.page.getByTestId('ticket-row').filter({ hasText: secret })).toHaveCount(0);

  // Nor in search results or counts: both tickets carry the stamp, the guest finds and counts one.
  await expect(guest.page.getByTestId('filter-confidential')).toHaveCount(0);
  await guest.page.getByLabel('Search tickets').fill(String(stamp));
  await expect(guest.page.getByTestId('count-all')).toHaveText('1');
  await expect(guest.page.getByTestId('count-opened')).toHaveText('1');
  await expect(guest.page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(guest.page.getByTestId('ticket-row').filter({ hasText: open })).toBeVisible();
  await reporter.page.getByRole('link', { name: 'Queue' }).click();
  await reporter.page.getByLabel('Search tickets').fill(String(stamp));
  await expect(reporter.page.getByTestId('count-opened')).toHaveText('2');
  await reporter.page.getByTestId('filter-confidential').selectOption('yes');
  await expect(reporter.page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(reporter.page.getByTestId('ticket-row').filter({ hasText: secret })).toBeVisible();
  await expect(reporter.page.getByTestId('count-opened')).toHaveText('1');

  await guest.page.goto(secretUrl);
  await expect(guest.page.getByRole('alert')).toHaveText('Ticket not found.');
  await expect(guest.page.getByTestId('ticket-title')).toHaveCount(0);

  await guest.page.getByRole('link', { name: 'Back to the queue' }).click();
  await guest.page.getByTestId('ticket-row').filter({ hasText: open }).getByRole('link').first().click();
  await expect(guest.page.getByTestId('ticket-title')).toHaveText(open);
  await expect(guest.page.getByTestId('composer')).toHaveCount(0);
  await expect(guest.page.getByTestId('toggle-state')).toHaveCount(0);

  await reporter.page.getByTestId('filter-clear').click();
  await expect(reporter.page.getByTestId('ticket-row').filter({ hasText: secret })).toBeVisible();

  await guest.context.close();
  await reporter.context.close();
});
