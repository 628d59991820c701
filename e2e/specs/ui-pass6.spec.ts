/**
 * UI pass 6: a new support team's first week, in real browsers. The queue's filters say what they
 * filter; the keyboard's triage keys keep the cursor and say when they fail; focus stays where
 * the person was after an action; running text with a link reads as one sentence; a phone reaches
 * the profile.
 */
import { expect, newTicket, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a queue opened on a label (a link, a reload, a saved view) shows that label in the filter', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const label = `login-${Date.now()}`;
  const path = await newTicket(bob.page, `Cannot log in ${label}`, false);
  await bob.page.getByTestId('labels').fill(label);
  await bob.page.getByTestId('labels-add').click();
  await expect(bob.page.getByTestId('label-chip')).toContainText(label);

  // A colleague opens the filtered queue from a link: the list is filtered, and the filter says so.
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(`/p/${PROJECT}?label=${label}`);
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(alice.page.getByTestId('filter-label')).toHaveValue(label);
  await expect(alice.page.locator('#queue-label option:checked')).toHaveText(label);

  // Saved as a view, then opened from the bar after a reload.
  await alice.page.getByTestId('save-view-open').click();
  await alice.page.getByTestId('save-view-name').fill(`Label ${label}`);
  await alice.page.getByTestId('save-view-submit').click();
  const view = alice.page.locator(`[data-testid="saved-view"][data-view="Label ${label}"]`);
  await expect(view).toBeVisible();
  await alice.page.goto(`/p/${PROJECT}`);
  await expect(alice.page.getByTestId('filter-label')).toHaveValue('');
  await view.click();
  await expect(alice.page.getByTestId('ticket-row')).toHaveCount(1);
  await expect(alice.page.getByTestId('filter-label')).toHaveValue(label);
  expect(path).toContain('/-/tickets/');
  await alice.context.close();
  await bob.context.close();
});
