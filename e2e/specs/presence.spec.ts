import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('responders see who is viewing and who is typing, on the ticket and in the queue', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const title = `Login loop ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);

  await b.page.goto(`/p/${PROJECT}`);
  const row = b.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row.getByTestId('row-presence')).toHaveText('Alice Reporter');
  await row.getByRole('link', { name: title }).click();
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is viewing');

  await a.page.getByTestId('composer').pressSequentially('Looking into it', { delay: 20 });
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is typing…');
  // Typing ends by itself when the keystrokes stop.
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing', { timeout: 15_000 });

  await a.page.goto(`/p/${PROJECT}`);
  await expect(b.page.getByTestId('presence')).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});
