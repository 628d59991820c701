import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a responder adds and removes a customer; the other responder sees it live; drafts survive a reload', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Shared with the customer ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  await b.page.goto(a.page.url());
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await a.page.getByTestId('add-participant').fill('pat@customer.test');
  await a.page.getByTestId('add-participant').press('Enter');
  await expect(b.page.getByTestId('participant')).toHaveAttribute('data-email', 'pat@customer.test');
  await expect(a.page.getByTestId('composer-recipients')).toContainText('pat@customer.test');
  await a.page.getByRole('button', { name: 'Remove pat@customer.test' }).click();
  await expect(b.page.getByTestId('participant')).toHaveCount(0);

  await b.page.getByTestId('composer').fill('Half-written answer');
  await b.page.reload();
  await expect(b.page.getByTestId('composer')).toHaveValue('Half-written answer');
  await a.context.close();
  await b.context.close();
});
