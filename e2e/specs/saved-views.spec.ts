/**
 * Issue 12, item 9: a responder saves the current filters as a view shared with the project; the
 * other responder sees it beside the state tabs with a count that follows live events, and opens it.
 */
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a shared view appears for the team with a live count, and shows its tickets', async ({ browser, app }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const name = `Pending ${run}`;
  await a.page.goto(`/p/${PROJECT}?state=pending&search=${run}`);
  await expect(a.page.getByText('No tickets match these filters.')).toBeVisible();
  await a.page.getByTestId('save-view-open').click();
  await a.page.getByTestId('save-view-name').fill(name);
  await a.page.getByTestId('save-view-shared').check();
  await a.page.getByTestId('save-view-submit').click();
  const mine = a.page.locator(`[data-testid="saved-view"][data-view="${name}"]`);
  await expect(mine).toHaveAttribute('aria-pressed', 'true');

  await b.page.goto(`/p/${PROJECT}`);
  const view = b.page.locator(`[data-testid="saved-view"][data-view="${name}"]`);
  await expect(view.getByTestId('saved-view-count')).toHaveText('0');
  await expect(view).toHaveAttribute('aria-pressed', 'false');

  // Alice makes a ticket of the view: pending, with the search word in its title.
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(`Awaiting photos ${run}`);
  await a.page.getByTestId('new-ticket-submit').click();
  await a.page.getByTestId('mark-pending').click();
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Pending');
  await expect(view.getByTestId('saved-view-count')).toHaveText('1');

  await view.click();
  await expect(view).toHaveAttribute('aria-pressed', 'true');
  await expect(b.page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(b.page.getByTestId('ticket-row')).toContainText(`Awaiting photos ${run}`);

  // Deleting it asks first, saying the team loses it too; only the confirmation deletes it.
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByRole('button', { name: `Delete view ${name}` }).click();
  const confirm = a.page.getByTestId('view-delete-confirm');
  await expect(confirm).toContainText(`Delete the view ${name}? It is shared with the project`);
  await expect(mine).toBeVisible();
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(mine).toBeVisible();
  await a.page.getByRole('button', { name: `Delete view ${name}` }).click();
  await confirm.getByTestId('view-delete-confirm-button').click();
  await expect(mine).toHaveCount(0);
  await expect(view).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});
