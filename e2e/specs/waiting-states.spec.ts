/**
 * Issue 12, item 4, in real browsers: pending and snoozed tickets leave the open queue live, and a
 * snoozed ticket returns by itself — its assignee is told — while others watch.
 */
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a snoozed ticket leaves the open queue and returns by itself; its assignee gets a notification', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Courier on Thursday ${Date.now()}`;
  await b.page.goto(`/p/${PROJECT}`);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await a.page.getByTestId('assignee').selectOption({ label: USERS.alice.name });
  await expect(a.page.getByTestId('note').filter({ hasText: `assigned to ${USERS.alice.name}` })).toHaveCount(1);

  const row = b.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toBeVisible();
  const snoozedBefore = Number(await b.page.getByTestId('count-snoozed').textContent());
  // Alice snoozes it from the composer; on Bob's open queue it leaves, and the Snoozed count goes up.
  await a.page.getByTestId('composer').fill('Back when the courier has been.\n/snooze 6s');
  await a.page.getByTestId('composer-internal').check();
  await a.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Snoozed');
  await expect(a.page.getByTestId('snoozed-until')).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(b.page.getByTestId('count-snoozed')).toHaveText(String(snoozedBefore + 1));

  // Nobody touches anything: it comes back, for Bob's queue and Alice's open page, and Alice is told.
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(b.page.getByTestId('count-snoozed')).toHaveText(String(snoozedBefore));
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Open');
  await expect(a.page.getByTestId('note').filter({ hasText: 'snooze ended: back to open' })).toHaveCount(1);
  await expect(a.page.getByTestId('toast').filter({ hasText: 'Snooze ended' })).toContainText(title);
  await a.context.close();
  await b.context.close();
});

test('pending moves a ticket out of the open queue live, and back to open from the ticket page', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Waiting for a photo ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await b.page.goto(`/p/${PROJECT}?state=pending`);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  const row = b.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toHaveCount(0);

  await a.page.getByTestId('mark-pending').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Pending');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('row-state')).toHaveText('Pending');
  await a.page.getByTestId('toggle-state').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Open');
  await expect(row).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('a search typed on the Open tab finds a snoozed ticket too, names its state, and narrows to a tab on request', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const word = `Refund${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(`${word} for order 7`);
  await a.page.getByTestId('new-ticket-submit').click();
  await a.page.getByTestId('snooze-open').click();
  await a.page.getByRole('button', { name: 'Tomorrow 9:00' }).click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Snoozed');
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(`${word} for order 8`);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(`${word} for order 8`);

  // On the Open tab, as Help Scout and Front do: the search looks in every state.
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByRole('searchbox', { name: 'Search tickets' }).fill(word);
  const rows = a.page.getByTestId('ticket-row');
  await expect(rows).toHaveCount(2);
  const tabs = a.page.getByRole('group', { name: 'Ticket state' });
  await expect(tabs.getByRole('button', { name: /^All/ })).toHaveAttribute('aria-pressed', 'true');
  // Each row says its state, Open included, since the list mixes them.
  await expect(rows.filter({ hasText: 'order 7' }).getByTestId('row-state')).toHaveText('Snoozed');
  await expect(rows.filter({ hasText: 'order 8' }).getByTestId('row-state')).toHaveText('Open');

  // Narrowed to Open: the snoozed match is one click away.
  await tabs.getByRole('button', { name: /^Open/ }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('order 8');
  const hint = a.page.getByTestId('search-elsewhere');
  await expect(hint).toContainText('1 more match in other states: Snoozed (1)');
  // Refining the search keeps the tab it was narrowed to.
  await a.page.getByRole('searchbox', { name: 'Search tickets' }).fill(`${word} order`);
  await expect(hint).toContainText('Snoozed (1)');
  await expect(tabs.getByRole('button', { name: /^Open/ })).toHaveAttribute('aria-pressed', 'true');
  await hint.getByTestId('search-all-states').click();
  await expect(rows).toHaveCount(2);
  await expect(hint).toHaveCount(0);

  // Emptying the search is back to the open queue.
  await a.page.getByRole('searchbox', { name: 'Search tickets' }).fill('');
  await expect(tabs.getByRole('button', { name: /^Open/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(a.page).toHaveURL(new RegExp(`/p/${PROJECT}$`));
  await a.context.close();
});

test('the snooze note and the sidebar give the same time, on the reader’s clock with its zone', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice, { timezoneId: 'Asia/Kolkata', locale: 'en-US' });
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(`Call back after the audit ${Date.now()}`);
  await a.page.getByTestId('new-ticket-submit').click();
  // The State buttons are one size, and the open snooze menu stays inside the sidebar.
  const heights = await Promise.all(['toggle-state', 'mark-pending', 'snooze-open'].map(async (id) => (await a.page.getByTestId(id).boundingBox())!.height));
  expect(new Set(heights).size, `heights ${heights.join(', ')}`).toBe(1);
  await a.page.getByTestId('snooze-open').click();
  const side = (await a.page.getByRole('complementary', { name: 'Ticket details' }).boundingBox())!;
  for (const id of ['snooze-custom', 'snooze-submit']) {
    const box = (await a.page.getByTestId(id).boundingBox())!;
    expect(box.x + box.width, `${id} ends inside the sidebar`).toBeLessThanOrEqual(side.x + side.width + 0.5);
  }
  await a.page.getByRole('button', { name: 'Tomorrow 9:00' }).click();
  // 9:00 in Kolkata is 03:30 UTC: both places say 9:00 AM, and name the zone.
  await expect(a.page.getByTestId('snoozed-until')).toContainText(/9:00\sAM GMT\+5:30/);
  const shown = (await a.page.getByTestId('snoozed-until').textContent())!.replace('Snoozed until ', '').trim();
  const note = a.page.getByTestId('note').filter({ hasText: 'snoozed until' });
  await expect(note).toContainText(shown);
  await expect(note).not.toContainText('UTC');
  await a.context.close();
});
