import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('the keyboard drives the queue and the ticket: j/k, o, a, e, r, n, / and ?', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const title = `Keyboard only ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await a.page.goto(`/p/${PROJECT}`);
  await expect(a.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await a.page.keyboard.press('?');
  await expect(a.page.getByTestId('shortcuts')).toContainText('Assign to me');
  await a.page.keyboard.press('Escape');
  await expect(a.page.getByTestId('shortcuts')).toHaveCount(0);

  await a.page.keyboard.press('/');
  await expect(a.page.locator('#queue-search')).toBeFocused();
  await a.page.locator('#queue-search').blur();

  await a.page.keyboard.press('j');
  await expect(a.page.locator('.ticket-row-selected')).toContainText(title); // newest first
  await a.page.keyboard.press('o');
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);

  await a.page.keyboard.press('a');
  await expect(a.page.locator('[data-testid="note"][data-system="true"]').filter({ hasText: 'assigned to Alice Reporter' })).toHaveCount(1);
  await a.page.keyboard.press('e');
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Closed');
  await a.page.keyboard.press('n');
  await expect(a.page.getByTestId('composer')).toBeFocused();
  await expect(a.page.getByTestId('composer-internal')).toBeChecked();
  await a.page.getByTestId('composer').blur();
  await a.page.keyboard.press('r');
  await expect(a.page.getByTestId('composer')).toBeFocused();
  await expect(a.page.getByTestId('composer-internal')).not.toBeChecked();
  await a.context.close();
});

test('quick actions autocomplete in the composer and run on send', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const title = `Quick actions ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  const box = a.page.getByTestId('composer');
  await box.click();
  await box.pressSequentially('On it\n/cl');
  await expect(a.page.getByTestId('quick-action-hints')).toContainText('/close');
  await box.press('Tab');
  await expect(box).toHaveValue('On it\n/close');
  await a.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(a.page.getByTestId('note').filter({ hasText: 'On it' })).toHaveCount(1);
  await a.context.close();
});

test('Markdown: the composer previews it and the thread shows it rendered, safely', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const title = `Markdown ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await a.page.getByTestId('composer').fill('Please **restart** it.\n\n- step one\n- step two\n\n<img src=x onerror="document.title=\'pwned\'">');
  await a.page.getByTestId('composer-preview-toggle').click();
  await expect(a.page.getByTestId('composer-preview').locator('strong')).toHaveText('restart');
  await a.page.getByTestId('composer-preview-toggle').click();
  await a.page.getByTestId('composer-submit').click();
  const note = a.page.getByTestId('note').filter({ hasText: 'Please restart it.' });
  await expect(note.locator('.note-body strong')).toHaveText('restart');
  await expect(note.locator('li')).toHaveCount(2);
  await expect(note.locator('img')).toHaveCount(0);
  expect(await a.page.title()).not.toBe('pwned');
  await a.context.close();
});

test('j/k move focus with the cursor: Tab and Enter carry on from the row (UI pass 3, #9)', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const stamp = Date.now();
  for (const n of [1, 2]) {
    await a.page.goto(`/p/${PROJECT}`);
    await a.page.getByTestId('new-ticket-open').click();
    await a.page.getByTestId('new-ticket-title').fill(`Focus ${n} ${stamp}`);
    await a.page.getByTestId('new-ticket-submit').click();
    await expect(a.page.getByTestId('ticket-title')).toHaveText(`Focus ${n} ${stamp}`);
  }
  await a.page.goto(`/p/${PROJECT}`);
  await expect(a.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await a.page.keyboard.press('j');
  await a.page.keyboard.press('j');
  const second = a.page.getByTestId('ticket-row').filter({ hasText: `Focus 1 ${stamp}` });
  await expect(a.page.locator('.ticket-row-selected')).toContainText(`Focus 1 ${stamp}`);
  await expect(second.locator('a.ticket-link')).toBeFocused();
  await a.page.keyboard.press('k');
  const first = a.page.getByTestId('ticket-row').filter({ hasText: `Focus 2 ${stamp}` });
  await expect(first.locator('a.ticket-link')).toBeFocused();
  // Tab continues inside this row, not from the top of the page
  await a.page.keyboard.press('Tab');
  expect(await a.page.evaluate(() => !!document.activeElement?.closest('[data-testid="ticket-row"]'))).toBe(true);
  await a.page.keyboard.press('Shift+Tab');
  await expect(first.locator('a.ticket-link')).toBeFocused();
  await a.page.keyboard.press('Enter');
  await expect(a.page.getByTestId('ticket-title')).toHaveText(`Focus 2 ${stamp}`);
  await a.context.close();
});
