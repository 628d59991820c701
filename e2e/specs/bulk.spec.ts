/**
 * Issue 12, items 7 and 8, in three real browsers: ten tickets selected (x, shift-click, select
 * all) and closed at once arrive live in another responder's queue and on an open ticket; the
 * queue's keys act on the row under the cursor, and the help says where each key works.
 */
import { createTickets, expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('ten tickets closed in bulk leave another responder\'s queue live and close on an open ticket page', async ({ browser, app }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const c = await signIn(browser, app.url, USERS.admin);
  const iids = await createTickets(a.page, Array.from({ length: 10 }, (_, i) => `Bulk ${run} item ${i + 1}`));

  await b.page.goto(`/p/${PROJECT}?state=opened&search=${run}`);
  await expect(b.page.getByTestId('ticket-row')).toHaveCount(10);
  await expect(b.page.getByTestId('count-closed')).toHaveText('0');
  await b.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
  await c.page.goto(`/p/${PROJECT}/-/tickets/${iids[4]}`);
  await expect(c.page.getByTestId('ticket-state')).toHaveText('Open');

  await a.page.goto(`/p/${PROJECT}?state=opened&search=${run}`);
  const rows = a.page.getByTestId('ticket-row');
  await expect(rows).toHaveCount(10);
  // x selects the row under the cursor; shift-click selects a range; then everything on the page.
  await a.page.keyboard.press('j');
  await a.page.keyboard.press('x');
  await expect(a.page.getByTestId('bulk-count')).toHaveText('1 selected');
  await rows.nth(3).getByTestId('row-check').click({ modifiers: ['Shift'] });
  await expect(a.page.getByTestId('bulk-count')).toHaveText('4 selected');
  await a.page.getByTestId('select-all').check();
  await expect(a.page.getByTestId('bulk-count')).toHaveText('10 selected');
  await a.page.getByTestId('bulk-close').click();
  await expect(a.page.getByTestId('bulk-report')).toContainText('10 tickets updated.');

  await expect(b.page.getByTestId('ticket-row')).toHaveCount(0);
  await expect(b.page.getByTestId('count-closed')).toHaveText('10');
  await expect(b.page.getByTestId('count-opened')).toHaveText('0');
  await expect(b.page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');
  await expect(c.page.getByTestId('ticket-state')).toHaveText('Closed');
  for (const s of [a, b, c]) await s.context.close();
});

test('a, e and u act on the row under the cursor; the help says where each key works', async ({ browser, app }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.alice);
  const [first] = await createTickets(a.page, [`Keys ${run}`]);
  const read = a.page.waitForResponse((r) => r.url().includes('tickets.markRead'));
  await a.page.goto(`/p/${PROJECT}/-/tickets/${first}`);
  await expect(a.page.getByTestId('ticket-title')).toHaveText(`Keys ${run}`);
  await read;
  await a.page.goto(`/p/${PROJECT}?state=opened&search=${run}`);
  const row = a.page.getByTestId('ticket-row');
  await expect(row).toHaveAttribute('data-unread', 'false');

  await a.page.keyboard.press('?');
  await expect(a.page.getByTestId('shortcuts-queue')).toContainText('Select the ticket under the cursor');
  await expect(a.page.getByTestId('shortcuts-ticket')).toContainText('Reply to the customer');
  await expect(a.page.getByTestId('shortcuts-queue-and-ticket')).toContainText('Assign to me');
  await a.page.keyboard.press('Escape');

  await a.page.keyboard.press('j');
  await a.page.keyboard.press('u');
  await expect(row).toHaveAttribute('data-unread', 'true');
  await a.page.keyboard.press('a');
  await expect(row.locator('.assignee')).toHaveText(USERS.alice.name);
  await a.page.keyboard.press('e');
  await expect(row).toHaveCount(0);
  await a.page.goto(`/p/${PROJECT}?search=${run}&state=closed`);
  await expect(a.page.getByTestId('ticket-row')).toHaveCount(1);
  await a.context.close();
});

test('the bulk bar names each control and lays them out on one line at 1280 px', async ({ browser, app }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.alice);
  await createTickets(a.page, [`Bar ${run} one`, `Bar ${run} two`]);
  await a.page.goto(`/p/${PROJECT}?search=${run}`);
  await expect(a.page.getByTestId('ticket-row')).toHaveCount(2);
  await a.page.getByTestId('row-check').first().check();
  await a.page.getByTestId('row-check').nth(1).check();
  await expect(a.page.getByTestId('bulk-count')).toHaveText('2 selected');

  const bar = a.page.getByRole('toolbar', { name: 'Bulk actions' });
  const close = bar.getByRole('button', { name: 'Close' });
  for (const name of ['Snooze the selected tickets', 'Assign the selected tickets', 'Labels to add to or remove from the selected tickets', 'Merge the selected tickets into']) {
    const control = bar.getByLabel(name);
    await expect(control).toBeVisible();
    // Side by side with the buttons, not each a full-width row of its own.
    const [c, b] = [await control.boundingBox(), await close.boundingBox()];
    expect(Math.abs((c?.y ?? 0) + (c?.height ?? 0) / 2 - ((b?.y ?? 0) + (b?.height ?? 0) / 2)), name).toBeLessThan(12);
  }
  await bar.getByLabel('Assign the selected tickets').selectOption({ label: 'Bob Developer' });
  await expect(a.page.getByTestId('bulk-report')).toContainText('2 tickets updated.');
  await expect(a.page.getByTestId('ticket-row').first()).toContainText('Bob Developer');
  await a.context.close();
});
