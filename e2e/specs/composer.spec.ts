/**
 * Issue 12, item 8: the composer finished — @ completes members in /assign and internal notes (a
 * mention notifies the member), ~ completes labels in /label and /unlabel, and suggestions close
 * once the note is sent.
 */
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('@ and ~ complete members and labels; a mention in an internal note notifies the member; hints close after sending', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Composer ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await b.page.goto(`/p/${PROJECT}`);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  const composer = a.page.getByTestId('composer');
  // /assign @bo → the member list → Bob.
  await composer.pressSequentially('/assign @bo');
  await expect(a.page.getByTestId('suggest-member').getByTestId('suggestion')).toContainText('@bob');
  await composer.press('Tab');
  await expect(composer).toHaveValue('/assign @bob ');
  await composer.press('Control+Enter');
  await expect(a.page.getByTestId('note').filter({ hasText: `assigned to ${USERS.bob.name}` })).toHaveCount(1);

  // A label, added as a chip; then /unlabel ~ completes it and removes it.
  await a.page.getByTestId('labels').fill('billing');
  await a.page.getByTestId('labels').press('Enter');
  await expect(a.page.getByTestId('label-chip')).toHaveText('billing×');
  await composer.pressSequentially('/unlabel ~bil');
  await expect(a.page.getByTestId('suggest-label').getByTestId('suggestion')).toContainText('~billing');
  await composer.press('Tab');
  await expect(composer).toHaveValue('/unlabel ~billing ');
  await composer.press('Control+Enter');
  await expect(a.page.getByTestId('label-chip')).toHaveCount(0);

  // An internal note mentioning Bob: he is told, wherever he is.
  await a.page.getByTestId('composer-internal').check();
  await composer.pressSequentially('Can you check the invoice, @bo');
  await composer.press('Tab');
  await expect(composer).toHaveValue('Can you check the invoice, @bob ');
  await composer.pressSequentially('?');
  await a.page.getByTestId('composer-submit').click();
  await expect(b.page.getByTestId('toast').filter({ hasText: `${USERS.alice.name} mentioned you` })).toContainText(title);

  // A hint open when the note is sent closes with it.
  await a.page.getByTestId('composer-internal').uncheck();
  await composer.fill('Closing now.\n/clos');
  await composer.press('End');
  await composer.pressSequentially('e');
  await expect(a.page.getByTestId('quick-action-hints')).toBeVisible();
  await composer.press('Control+Enter');
  await expect(a.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(a.page.getByTestId('quick-action-hints')).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('a mention toast leaves the ticket sidebar’s controls free to click', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob, { viewport: { width: 1280, height: 800 } });
  const run = Date.now();
  const ids: string[] = [];
  for (const title of [`Mentioned ${run}`, `Open on Bob's screen ${run}`]) {
    await a.page.goto(`/p/${PROJECT}`);
    await a.page.getByTestId('new-ticket-open').click();
    await a.page.getByTestId('new-ticket-title').fill(title);
    await a.page.getByTestId('new-ticket-submit').click();
    await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
    ids.push(new URL(a.page.url()).pathname);
  }
  await b.page.goto(ids[1]!);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  // A window whose bottom edge runs just under the State buttons (a ticket with a customer's
  // details above them, or a laptop screen): where toasts appear.
  const state = (await b.page.getByTestId('toggle-state').boundingBox())!;
  await b.page.setViewportSize({ width: 1280, height: Math.ceil(state.y + state.height + 48) });
  await a.page.goto(ids[0]!);
  await a.page.getByTestId('composer-internal').check();
  await a.page.getByTestId('composer').fill('@bob can you look?');
  await a.page.getByTestId('composer-submit').click();
  const toast = b.page.getByTestId('toast').filter({ hasText: `${USERS.alice.name} mentioned you` });
  await expect(toast).toBeVisible();
  const t = (await toast.boundingBox())!;
  for (const id of ['toggle-state', 'mark-pending', 'snooze-open']) {
    const c = (await b.page.getByTestId(id).boundingBox())!;
    const overlaps = t.x < c.x + c.width && c.x < t.x + t.width && t.y < c.y + c.height && c.y < t.y + t.height;
    expect(overlaps, `the toast covers ${id}`).toBe(false);
  }
  await a.context.close();
  await b.context.close();
});
