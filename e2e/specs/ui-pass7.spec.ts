/**
 * UI pass 7, in real browsers: a close from the queue says so and can be undone; a bulk action
 * keeps the selection for the next one; focus lands somewhere sensible when what held it goes;
 * stale presence is not shown as current; the Admin page has section navigation; every page
 * names its tab; the queue's search says what it searches at 1280 px.
 */
import type { Page } from '@playwright/test';
import { createTickets, expect, newTicket, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('e in the queue says “Closed #n · Undo”, and Undo (z, or the button by keyboard) reopens it for everyone; a bulk close too', async ({ browser, app }) => {
  const run = `undo${Date.now()}`;
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  const iids = await createTickets(bob.page, [1, 2, 3].map((n) => `Undo ${n} ${run}`));
  const queue = `/p/${PROJECT}?state=opened&search=${run}`;
  await alice.page.goto(queue);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(3);
  const page = bob.page;
  await page.goto(queue);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('ticket-row')).toHaveCount(3);
  const status = page.getByTestId('undo-status');
  const undo = status.getByRole('button', { name: 'Undo' });

  // The top row is the newest ticket.
  await page.keyboard.press('j');
  await page.keyboard.press('e');
  await expect(page.getByTestId('ticket-row')).toHaveCount(2);
  await expect(status).toHaveAttribute('role', 'status');
  await expect(status).toContainText(`Closed #${iids[2]}`);
  await expect(undo).toBeVisible();
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(2);
  // z takes it back: reopened for Bob and, live, for Alice.
  await page.keyboard.press('z');
  await expect(status).toContainText(`Reopened #${iids[2]}`);
  await expect(undo).toHaveCount(0);
  await expect(page.getByTestId('ticket-row')).toHaveCount(3);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(3);

  // A bulk close offers the same, and the button works from the keyboard.
  await page.getByTestId('row-check').first().check();
  await page.getByTestId('select-all').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('3 selected');
  await page.getByTestId('bulk-close').click();
  await expect(status).toContainText('Closed 3 tickets');
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(0);
  await undo.focus();
  await page.keyboard.press('Enter');
  await expect(status).toContainText('Reopened 3 tickets');
  await expect(status).toBeFocused();
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(3);
  await expect(page.getByTestId('ticket-row')).toHaveCount(3);
  // Once the person moves on, the line clears after a few seconds.
  await page.keyboard.press('j');
  await expect(status).toHaveText('', { timeout: 15_000 });
  await alice.context.close();
  await bob.context.close();
});

test('a bulk action keeps the selection, so label → assign → close needs one selection; tickets that leave the view leave it', async ({ browser, app }) => {
  const run = `keep${Date.now()}`;
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  await createTickets(bob.page, [1, 2, 3].map((n) => `Keep ${n} ${run}`));
  const queue = `/p/${PROJECT}?state=opened&search=${run}`;
  await alice.page.goto(queue);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(3);
  const page = bob.page;
  await page.goto(queue);
  const rows = page.getByTestId('ticket-row');
  await expect(rows).toHaveCount(3);
  await rows.nth(0).getByTestId('row-check').check();
  await rows.nth(1).getByTestId('row-check').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('2 selected');

  await page.getByTestId('bulk-labels').fill(run);
  await page.getByTestId('bulk-labels').press('Enter');
  await expect(page.getByTestId('bulk-report')).toContainText('2 tickets updated.');
  await expect(alice.page.getByTestId('ticket-row').filter({ hasText: run }).locator('.label')).toHaveCount(2);
  // Still the same two, checked, for the next action.
  await expect(page.getByTestId('bulk-count')).toHaveText('2 selected');
  await expect(rows.nth(0).getByTestId('row-check')).toBeChecked();
  await expect(rows.nth(1).getByTestId('row-check')).toBeChecked();
  await expect(rows.nth(2).getByTestId('row-check')).not.toBeChecked();

  await page.getByTestId('bulk-assign').selectOption({ label: 'Me' });
  await expect(alice.page.getByTestId('ticket-row').locator('.assignee').filter({ hasText: USERS.bob.name })).toHaveCount(2);
  await expect(page.getByTestId('bulk-count')).toHaveText('2 selected');

  // Closed out of the Open tab, they leave the view and the selection: nothing unseen stays selected.
  await page.getByTestId('bulk-close').click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  await expect(rows.getByTestId('row-check')).not.toBeChecked();
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(1);
  await alice.context.close();
  await bob.context.close();
});

test('focus stays usable when the pressed button stays disabled (label Add) or goes away (the bulk bar after a bulk close)', async ({ browser, app }) => {
  const run = `focus${Date.now()}`;
  const bob = await signIn(browser, app.url, USERS.bob);
  const page = bob.page;
  // On a ticket: Add empties its field and so stays disabled; focus goes back to the field for the next label.
  await newTicket(page, `Focus labels ${run}`, false);
  await page.getByTestId('labels').fill(`first-${run}`);
  await page.getByTestId('labels-add').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('label-chip')).toContainText(`first-${run}`);
  await expect(page.getByTestId('labels')).toBeFocused();
  await page.keyboard.type(`second-${run}`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('label-chip')).toHaveCount(2);

  // In the bulk bar: the same for its Add, and a bulk close that empties the view hands focus to the
  // line that says what happened, one Tab from Undo.
  await createTickets(page, [1, 2].map((n) => `Focus bulk ${n} ${run}`));
  await page.goto(`/p/${PROJECT}?state=opened&search=${encodeURIComponent(`Focus bulk`)}%20${run}`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(2);
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await expect(page.getByTestId('bulk-count')).toHaveText('2 selected');
  await page.getByTestId('bulk-labels').fill(`bulk-${run}`);
  await page.getByTestId('bulk-bar').getByRole('button', { name: 'Add' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bulk-report')).toContainText('2 tickets updated.');
  await expect(page.getByTestId('bulk-labels')).toBeFocused();

  await page.getByTestId('bulk-close').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('ticket-row')).toHaveCount(0);
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  const status = page.getByTestId('undo-status');
  await expect(status).toContainText('Closed 2 tickets');
  await expect(status).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(status.getByRole('button', { name: 'Undo' })).toBeFocused();
  await bob.context.close();
});

test('while offline, who was viewing is not shown as current; back online, the line says who is there now', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  const path = await newTicket(bob.page, `Presence offline ${Date.now()}`, false);
  await alice.page.goto(path);
  await expect(alice.page.getByTestId('ticket-title')).toBeVisible();
  await expect(bob.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');
  await bob.context.setOffline(true);
  await expect(bob.page.getByTestId('connection')).not.toHaveAttribute('data-state', 'live');
  await expect(bob.page.getByTestId('presence')).toHaveCount(0);
  await bob.context.setOffline(false);
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(bob.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');

  // The queue's rows the same.
  await bob.page.goto(`/p/${PROJECT}`);
  const row = bob.page.getByTestId('ticket-row').filter({ has: bob.page.locator(`a[href="${path}"]`) });
  await expect(row.getByTestId('row-presence')).toHaveText('Alice Reporter');
  await bob.context.setOffline(true);
  await expect(bob.page.getByTestId('connection')).not.toHaveAttribute('data-state', 'live');
  await expect(row.getByTestId('row-presence')).toHaveCount(0);
  await bob.context.setOffline(false);
  await expect(row.getByTestId('row-presence')).toHaveText('Alice Reporter');
  await alice.context.close();
  await bob.context.close();
});

test('the Admin page has a table of contents: each section one click (or a link) away, kept in view while scrolling', async ({ browser, app }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  const page = admin.page;
  await page.goto('/admin');
  const toc = page.getByRole('navigation', { name: 'Sections of this page' });
  await expect(page.getByTestId('mail-settings')).toBeVisible();
  const outbox = page.getByRole('heading', { name: 'Outgoing email', exact: true });
  await expect(outbox).not.toBeInViewport();
  await toc.getByRole('link', { name: 'Outgoing email', exact: true }).click();
  await expect(outbox).toBeInViewport();
  await expect(outbox).toBeFocused();
  expect(new URL(page.url()).hash).toBe('#outbox-heading');
  // Still there at the bottom of the page, to go elsewhere.
  await expect(toc).toBeInViewport();
  await toc.getByRole('link', { name: 'Mailboxes (IMAP)' }).click();
  await expect(page.getByRole('heading', { name: 'Mailboxes (IMAP)' })).toBeInViewport();
  await toc.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByTestId('users')).toBeInViewport();

  // A link to a section opens the page there, once the section has loaded.
  await page.goto('/login');
  await page.goto('/admin#smtp-heading');
  await expect(page.locator('#smtp-heading')).toBeInViewport();

  // On a phone the contents sit above the sections, without running past the edge.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/admin');
  await expect(toc.getByRole('link', { name: 'Mail settings' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await admin.context.close();
});

test('the customer, setup, invitation and audit pages name their browser tab', async ({ browser, app, freshApp }) => {
  // The first visit to a new instance.
  const fresh = await browser.newContext({ baseURL: freshApp.url });
  const setup = await fresh.newPage();
  await setup.goto('/');
  await expect(setup.getByRole('heading', { name: 'Set up Threadline' })).toBeVisible();
  await expect(setup).toHaveTitle('Set up · Threadline');
  await fresh.close();

  const admin = await signIn(browser, app.url, USERS.admin);
  const page = admin.page;
  await page.goto('/admin/audit');
  await expect(page).toHaveTitle('Audit log · Threadline');

  // A customer's page is named after them (a responder keeps several open).
  const customer = `dana-${Date.now()}@corp.test`;
  const id = await page.evaluate(
    async ({ projectPath, customer }) => {
      const post = (name: string, body: unknown) => fetch(`/trpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post('tickets.create', { projectPath, title: 'Invoice wrong', confidential: false, externalAuthor: customer });
      const res = await fetch(`/trpc/customers.search?input=${encodeURIComponent(JSON.stringify({ projectPath, query: customer }))}`);
      return ((await res.json()) as { result: { data: { id: number }[] } }).result.data[0]?.id;
    },
    { projectPath: PROJECT, customer },
  );
  await page.goto(`/customers/${id}`);
  await expect(page.getByTestId('customer-name')).toHaveText(customer);
  await expect(page).toHaveTitle(`${customer} · Threadline`);

  // The page an invitation's link opens (this one has run out: the page says so under the same name).
  const invited = await browser.newContext({ baseURL: app.url });
  const invite = await invited.newPage();
  await invite.goto('/invite/not-a-real-token');
  await expect(invite.getByRole('heading').first()).toBeVisible();
  await expect(invite).toHaveTitle('Invitation · Threadline');
  await invited.close();
  await admin.context.close();
});

/** How wide the search field's placeholder is, and the room the field gives it (as rendered: its value set to that text for a moment, no input event). */
async function placeholderFits(page: Page): Promise<{ text: number; room: number }> {
  return page.locator('#queue-search').evaluate((el: HTMLInputElement) => {
    const before = el.value;
    el.value = el.placeholder;
    const size = { text: el.scrollWidth, room: el.clientWidth };
    el.value = before;
    return size;
  });
}

test('at 1280 px the queue search says in full what it searches (its placeholder was cut: “…or #numbe”)', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  for (const path of [`/p/${PROJECT}`, '/queue']) {
    await bob.page.goto(path);
    await expect(bob.page.locator('#queue-search')).toBeVisible();
    const { text, room } = await placeholderFits(bob.page);
    expect(text, `${path}: placeholder ${text} px in ${room} px`).toBeLessThanOrEqual(room);
  }
  await bob.context.close();
});
