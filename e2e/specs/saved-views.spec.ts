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

test('the delete question takes focus, Escape or "Keep it" returns it to the view, and a view removed elsewhere closes it', async ({ browser, app }) => {
  const run = Date.now();
  const a = await signIn(browser, app.url, USERS.bob);
  const other = await signIn(browser, app.url, USERS.bob);
  const name = `Mine ${run}`;
  await a.page.goto(`/p/${PROJECT}?search=${run}`);
  await a.page.getByTestId('save-view-open').click();
  await a.page.getByTestId('save-view-name').fill(name);
  await a.page.getByTestId('save-view-submit').click();
  const remove = a.page.getByRole('button', { name: `Delete view ${name}` });
  const confirm = a.page.getByRole('alertdialog');
  const yes = confirm.getByTestId('view-delete-confirm-button');

  // By keyboard: the question is where focus goes; Escape cancels and focus is back on ×.
  await remove.focus();
  await a.page.keyboard.press('Enter');
  await expect(confirm).toContainText(`Delete the view ${name}? Only you see it.`);
  await expect(yes).toBeFocused();
  await a.page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(remove).toBeFocused();
  // "Keep it" also gives focus back to ×.
  await a.page.keyboard.press('Enter');
  await expect(yes).toBeFocused();
  await a.page.keyboard.press('Tab');
  await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await a.page.keyboard.press('Enter');
  await expect(confirm).toHaveCount(0);
  await expect(remove).toBeFocused();

  // The question is about the view as it is now: removed in another tab, the question goes with it.
  await a.page.keyboard.press('Enter');
  await expect(yes).toBeFocused();
  await other.page.goto(`/p/${PROJECT}`);
  await other.page.evaluate(
    async ({ projectPath, name }) => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      };
      const list = await (await fetch(`/trpc/savedViews.list?input=${encodeURIComponent(JSON.stringify({ projectPath }))}`)).json();
      const view = (list as { result: { data: { id: number; name: string }[] } }).result.data.find((v) => v.name === name);
      if (!view) throw new Error('view not found');
      await post('savedViews.remove', { projectPath, id: view.id });
    },
    { projectPath: PROJECT, name },
  );
  await expect(a.page.locator(`[data-testid="saved-view"][data-view="${name}"]`)).toHaveCount(0);
  await expect(confirm).toHaveCount(0);
  await expect(a.page.getByTestId('saved-views')).toBeFocused();
  await a.context.close();
  await other.context.close();
});
