import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('responders see each other’s tickets and notes live, and catch up after going offline', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Checkout button does nothing ${Date.now()}`;

  await b.page.goto(`/p/${PROJECT}`);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(b.page.getByTestId('queue')).toBeAttached();
  // Survives client-side navigation only: proves nothing below reloads B's page.
  await b.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));

  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-description').fill('Tapping "Pay" on iOS shows a spinner forever.');
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);

  const row = b.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Alice Reporter');
  await row.getByRole('link', { name: title }).click();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(title);
  await expect(b.page.getByTestId('ticket-state')).toHaveText('Open');

  const firstReply = 'Thanks, we can reproduce it and are on it.';
  await a.page.getByTestId('composer').fill(firstReply);
  await a.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('note').filter({ hasText: firstReply })).toHaveCount(1);

  const bNotes = b.page.getByTestId('note');
  await expect(bNotes.filter({ hasText: firstReply })).toHaveCount(1);
  await expect(bNotes.filter({ hasText: firstReply })).toHaveAttribute('data-internal', 'false');

  await b.context.setOffline(true);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'offline');
  await expect(b.page.getByTestId('connection')).toHaveText('Offline — will reconnect');

  const closingReply = 'Fixed in 2.4.1; closing this ticket.';
  await a.page.getByTestId('composer').fill(closingReply);
  await a.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('note').filter({ hasText: closingReply })).toHaveCount(1);
  await a.page.getByTestId('toggle-state').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(a.page.getByTestId('note').and(a.page.locator('[data-system="true"]')).filter({ hasText: 'closed' })).toHaveCount(1);

  // While offline B has not heard of any of it.
  await expect(b.page.getByTestId('ticket-state')).toHaveText('Open');
  await expect(bNotes.filter({ hasText: closingReply })).toHaveCount(0);

  await b.context.setOffline(false);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(b.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(bNotes.filter({ hasText: closingReply })).toHaveCount(1);
  await expect(b.page.locator('[data-testid="note"][data-system="true"]').filter({ hasText: 'closed' })).toHaveCount(1);
  await expect(bNotes.filter({ hasText: firstReply })).toHaveCount(1);
  // The thread matches what A sees, note for note, in the same order.
  const ids = (page: typeof a.page) => page.getByTestId('note').evaluateAll((els) => els.map((el) => el.getAttribute('data-note-id')));
  expect(await ids(b.page)).toEqual(await ids(a.page));
  await expect(b.page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');

  await a.context.close();
  await b.context.close();
});

test('unread markers: a new ticket is unread, reading it clears the marker, new activity brings it back live', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Unread marker ${Date.now()}`;
  await b.page.goto(`/p/${PROJECT}`);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);

  const row = b.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toHaveAttribute('data-unread', 'true');
  const read = b.page.waitForResponse((r) => r.url().includes('tickets.markRead') && r.ok());
  await row.getByRole('link', { name: title }).click();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(title);
  await read;
  await b.page.goBack();
  await expect(b.page.getByTestId('ticket-row').filter({ hasText: title })).toHaveAttribute('data-unread', 'false');

  await a.page.getByTestId('composer').fill('A new reply for the queue');
  await a.page.getByTestId('composer-submit').click();
  await expect(b.page.getByTestId('ticket-row').filter({ hasText: title })).toHaveAttribute('data-unread', 'true');
  await a.context.close();
  await b.context.close();
});

test('"All my projects" lists the tickets of the responder\'s projects with their path, live', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  await b.page.getByTestId('all-queue-link').click();
  await expect(b.page.getByRole('heading', { name: 'All my projects' })).toBeVisible();
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  const title = `Across projects ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  const row = b.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row.getByTestId('row-project')).toHaveText(PROJECT);
  await row.getByRole('link', { name: title }).click();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(title);
  await a.context.close();
  await b.context.close();
});

test('counts and filters follow live events: a new ticket counts, closing moves it, a label brings it into a filtered queue', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const stamp = Date.now();
  const label = `vip${stamp}`;
  const title = `Invoice shows the wrong VAT ${stamp}`;

  await b.page.goto(`/p/${PROJECT}`);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(b.page.getByTestId('count-opened')).toHaveText(/^\d+$/);
  const opened = Number(await b.page.getByTestId('count-opened').textContent());
  const closed = Number(await b.page.getByTestId('count-closed').textContent());

  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await expect(b.page.getByTestId('count-opened')).toHaveText(String(opened + 1));
  await expect(b.page.getByTestId('ticket-row').filter({ hasText: title })).toBeVisible();

  // B narrows the queue to a label nobody uses yet: empty, zero counts.
  await b.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
  await b.page.getByTestId('filter-sort').selectOption('newest');
  await b.page.goto(`/p/${PROJECT}?label=${label}`);
  await expect(b.page.getByTestId('count-opened')).toHaveText('0');
  await expect(b.page.getByText('No tickets match these filters.')).toBeVisible();

  await a.page.getByTestId('labels').fill(label);
  await a.page.getByTestId('labels').press('Enter');
  await expect(a.page.getByTestId('label-chip')).toHaveText(`${label}×`);
  await expect(b.page.getByTestId('ticket-row').filter({ hasText: title })).toBeVisible();
  await expect(b.page.getByTestId('count-opened')).toHaveText('1');

  await a.page.getByTestId('toggle-state').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(b.page.getByTestId('ticket-row').filter({ hasText: title })).toHaveCount(0);
  await expect(b.page.getByTestId('count-opened')).toHaveText('0');
  await expect(b.page.getByTestId('count-closed')).toHaveText('1');

  await b.page.getByTestId('filter-clear').click();
  await expect(b.page.getByTestId('count-opened')).toHaveText(String(opened));
  await expect(b.page.getByTestId('count-closed')).toHaveText(String(closed + 1));

  await a.context.close();
  await b.context.close();
});
