/**
 * UI pass 8, in real browsers: a pending or snoozed ticket closes in one step (e, or Close on the
 * ticket), and Undo puts it back as it was, not always to Open; the ticket page offers Undo for
 * its Close too; the Admin page's table of contents marks the section being read.
 */
import { createTickets, expect, PROJECT, signIn, test, updateTicket, USERS } from '../fixtures/test';

test('e on a pending row closes it (it used to reopen it), and Undo makes it pending again, live for a colleague; a bulk close restores each ticket', async ({ browser, app }) => {
  const run = `was${Date.now()}`;
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  const [waiting, open] = await createTickets(bob.page, [`Waiting on customer ${run}`, `Open one ${run}`]);
  await updateTicket(bob.page, waiting!, { state: 'pending' });
  await alice.page.goto(`/p/${PROJECT}?state=pending&search=${run}`);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(1);
  const page = bob.page;
  await page.goto(`/p/${PROJECT}?state=pending&search=${run}`);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('ticket-row')).toHaveCount(1);
  const status = page.getByTestId('undo-status');

  await page.keyboard.press('j');
  await page.keyboard.press('e');
  await expect(status).toContainText(`Closed #${waiting}`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(0);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(0);
  await page.keyboard.press('z');
  await expect(status).toContainText(`#${waiting} is pending again`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(1);

  // Closed together from the All tab, each goes back to its own state.
  await page.goto(`/p/${PROJECT}?state=all&search=${run}`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(2);
  await page.getByTestId('row-check').first().check();
  await page.getByTestId('select-all').check();
  await page.getByTestId('bulk-close').click();
  await expect(status).toContainText('Closed 2 tickets');
  await expect(page.getByTestId('ticket-row').getByTestId('row-state')).toHaveText(['Closed', 'Closed']);
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(status).toContainText('Restored 2 tickets');
  await expect(page.locator(`[data-testid="ticket-row"][data-iid="${waiting}"]`)).toHaveAttribute('data-state', 'pending');
  await expect(page.locator(`[data-testid="ticket-row"][data-iid="${open}"]`)).toHaveAttribute('data-state', 'opened');
  await alice.context.close();
  await bob.context.close();
});

test('on the ticket page: a pending ticket has Close, and Close (button or e) says “Closed #n · Undo”; Undo or z puts back pending, a snooze with its time, or open', async ({ browser, app }) => {
  const run = `page${Date.now()}`;
  const bob = await signIn(browser, app.url, USERS.bob);
  const page = bob.page;
  const [pending, snoozed, open] = await createTickets(page, [`Pending ${run}`, `Snoozed ${run}`, `Open ${run}`]);
  await updateTicket(page, pending!, { state: 'pending' });
  const until = new Date(Date.now() + 3 * 24 * 3600_000);
  until.setSeconds(0, 0);
  await updateTicket(page, snoozed!, { state: 'snoozed', snoozedUntil: until.toISOString() });
  const state = page.getByTestId('ticket-state');
  const status = page.getByTestId('undo-status');

  // Pending: one click closes it, and the line offers Undo.
  await page.goto(`/p/${PROJECT}/-/tickets/${pending}`);
  await expect(state).toHaveText('Pending');
  await page.getByTestId('close-ticket').click();
  await expect(state).toHaveText('Closed');
  await expect(status).toContainText(`Closed #${pending}`);
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(status).toContainText(`#${pending} is pending again`);
  await expect(state).toHaveText('Pending');

  // Snoozed: e closes it, z brings the snooze back with its time.
  await page.goto(`/p/${PROJECT}/-/tickets/${snoozed}`);
  await expect(state).toHaveText('Snoozed');
  const snoozedText = await page.getByTestId('snoozed-until').textContent();
  await page.locator('body').click({ position: { x: 5, y: 200 } });
  await page.keyboard.press('e');
  await expect(state).toHaveText('Closed');
  await expect(status).toContainText(`Closed #${snoozed}`);
  await page.keyboard.press('z');
  await expect(status).toContainText(`#${snoozed} is snoozed again`);
  await expect(state).toHaveText('Snoozed');
  await expect(page.getByTestId('snoozed-until')).toHaveText(snoozedText ?? '');

  // Open: the Close button offers Undo too.
  await page.goto(`/p/${PROJECT}/-/tickets/${open}`);
  await page.getByTestId('toggle-state').click();
  await expect(state).toHaveText('Closed');
  await expect(status).toContainText(`Closed #${open}`);
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(status).toContainText(`Reopened #${open}`);
  await expect(state).toHaveText('Open');
  await bob.context.close();
});

test('the Admin page’s table of contents marks the section being read', async ({ browser, app }) => {
  const admin = await signIn(browser, app.url, USERS.admin, { viewport: { width: 1920, height: 1080 } });
  const page = admin.page;
  await page.goto('/admin');
  const toc = page.getByTestId('admin-toc');
  const current = toc.locator('a[aria-current="location"]');
  await expect(current).toHaveText('Users');
  await page.locator('#smtp-heading').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await expect(current).toHaveText('Outgoing email (SMTP)');
  await expect(toc.locator('a[aria-current]')).toHaveCount(1);
  // A link goes there and is marked.
  await toc.getByRole('link', { name: 'Projects' }).click();
  await expect(current).toHaveText('Projects');
  // At the end of the page, the last section.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(current).toHaveText('Outgoing email');
  await admin.context.close();
});

test('a project that does not exist (or is not yours) says so, without an uncaught error in the page', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const errors: string[] = [];
  bob.page.on('pageerror', (e) => errors.push(e.message));
  await bob.page.goto('/p/acme/no-such-project');
  await expect(bob.page.getByRole('alert')).toHaveText('Project not found.');
  await expect(bob.page.getByRole('link', { name: 'Back to your projects' })).toBeVisible();
  // The page's own work (presence, the tab title) has run by now: it settled on the error.
  await expect(bob.page).toHaveTitle('Threadline');
  expect(errors).toEqual([]);
  await bob.context.close();
});

test('a reply being written when a colleague closes the ticket says, live, that the ticket stays closed', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  const [iid] = await createTickets(bob.page, [`Closed under a draft ${Date.now()}`]);
  await alice.page.goto(`/p/${PROJECT}/-/tickets/${iid}`);
  await expect(alice.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await alice.page.getByTestId('composer').fill('Could you send us a screenshot?');
  const closed = alice.page.getByTestId('composer-closed');
  await expect(closed).toHaveCount(0);

  await bob.page.goto(`/p/${PROJECT}/-/tickets/${iid}`);
  await bob.page.getByTestId('toggle-state').click();
  await expect(alice.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(closed).toHaveText('This ticket is closed: the reply is emailed and the ticket stays closed (add /reopen to reopen it).');
  // An internal note emails nobody: nothing to say.
  await alice.page.getByTestId('composer-internal').check();
  await expect(closed).toHaveCount(0);
  await alice.page.getByTestId('composer-internal').uncheck();
  await bob.page.getByTestId('toggle-state').click();
  await expect(alice.page.getByTestId('ticket-state')).toHaveText('Open');
  await expect(closed).toHaveCount(0);
  await alice.context.close();
  await bob.context.close();
});

test('the first Tab on a page reaches "Skip to content", which takes the keyboard past the top bar to the page', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const page = bob.page;
  await page.goto(`/p/${PROJECT}`);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  const skip = page.getByTestId('skip-link');
  await expect(skip).not.toBeInViewport();
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // the next Tab is inside the page, not in the top bar
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('main') && !document.activeElement?.closest('header'))).toBe(true);
});
