import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a reply composed before a colleague\'s is refused with their reply shown, then sent on confirm', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Invoice is wrong ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await b.page.goto(a.page.url());
  await expect(b.page.getByTestId('ticket-title')).toHaveText(title);

  await b.page.getByTestId('composer').fill('We will refund the difference.');
  await a.page.getByTestId('composer').fill('The invoice is correct; see line 3.');
  await a.page.getByTestId('composer-submit').click();
  await expect(b.page.getByTestId('note').filter({ hasText: 'The invoice is correct' })).toHaveCount(1);

  await b.page.getByTestId('composer-submit').click();
  await expect(b.page.getByTestId('collision')).toBeVisible();
  await expect(b.page.getByTestId('note').filter({ hasText: 'We will refund' })).toHaveCount(0);
  await expect(b.page.getByTestId('composer')).toHaveValue('We will refund the difference.');

  await b.page.getByTestId('collision-send').click();
  await expect(b.page.getByTestId('collision')).toHaveCount(0);
  await expect(a.page.getByTestId('note').filter({ hasText: 'We will refund the difference.' })).toHaveCount(1);
  await a.context.close();
  await b.context.close();
});
