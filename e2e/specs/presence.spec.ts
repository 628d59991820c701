import type { Browser } from '@playwright/test';
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

/** Alice and Bob signed in, each in a browser of their own; Alice has just opened a new ticket. */
async function aliceOpensNewTicket(browser: Browser, appUrl: string, name: string) {
  const a = await signIn(browser, appUrl, USERS.alice);
  const b = await signIn(browser, appUrl, USERS.bob);
  const title = `${name} ${Date.now()}`;
  await a.page.goto(`/p/${PROJECT}`);
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill(title);
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  return { a, b, title };
}

test('responders see who is viewing and who is typing, on the ticket and in the queue', async ({ browser, app }) => {
  const { a, b, title } = await aliceOpensNewTicket(browser, app.url, 'Login loop');

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

test('"is typing…" ends when the reply is sent or the draft emptied, not seconds after the reply is on screen', async ({ browser, app }) => {
  const { a, b } = await aliceOpensNewTicket(browser, app.url, 'Typing ends');
  await b.page.goto(a.page.url());
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');

  // The server ends "typing" by itself 6 s after the last announcement, and the composer announces
  // at most every 2 s while keys are pressed: so after 5 s of steady typing the server's timer runs
  // until at least 4 s after the LAST keystroke. Only a composer that says "stopped" at once gets
  // "viewing" on the other screen sooner than that; these deadlines (3 s after the last keystroke)
  // are counted from that keystroke, not from when "is typing…" appeared.
  const presence = b.page.getByTestId('presence');
  const composer = a.page.getByTestId('composer');
  const sooner = (lastKey: number) => ({ timeout: Math.max(1, lastKey + 3_000 - Date.now()) });
  /** Types for at least 5 s; returns when the last key went down. */
  async function keepTyping(text: string): Promise<number> {
    const started = Date.now();
    await composer.pressSequentially(text.slice(0, 4), { delay: 20 });
    await expect(presence).toHaveText('Alice Reporter is typing…');
    while (Date.now() - started < 5_000) {
      await composer.press('.', { delay: 20 });
      await composer.press('Backspace', { delay: 20 });
    }
    await composer.pressSequentially(text.slice(4), { delay: 20 });
    return Date.now();
  }

  let lastKey = await keepTyping('Checking the logs');
  await expect(presence).toHaveText('Alice Reporter is typing…');
  await composer.fill('');
  await expect(presence).toHaveText('Alice Reporter is viewing', sooner(lastKey));

  lastKey = await keepTyping('Found it: fixed now');
  await expect(presence).toHaveText('Alice Reporter is typing…');
  await a.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(b.page.getByRole('list', { name: 'Conversation' })).toContainText('Found it: fixed now', sooner(lastKey));
  await expect(presence).toHaveText('Alice Reporter is viewing', sooner(lastKey));
  await a.context.close();
  await b.context.close();
});

test('presence holds however the ticket was opened: by URL in one browser, by a reload in another, in a second tab', async ({ browser, app }) => {
  const { a, b, title } = await aliceOpensNewTicket(browser, app.url, 'Opened by link');
  const url = a.page.url();

  // Alice opens the ticket straight from a link (a fresh page load on the ticket's URL).
  await a.page.goto(url);
  await expect(a.page.getByTestId('ticket-title')).toHaveText(title);
  // Bob opens it by URL too, then reloads.
  await b.page.goto(url);
  await expect(b.page.getByTestId('ticket-title')).toHaveText(title);
  await b.page.reload();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(title);
  await expect(b.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is viewing');

  // Typing after a reload reaches the other browser.
  await b.page.getByTestId('composer').pressSequentially('On it', { delay: 20 });
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is typing…');

  // A second tab of Alice's on the same ticket; closing the first keeps her shown through the second.
  const second = await a.context.newPage();
  await second.goto(url);
  await expect(second.getByTestId('presence')).toContainText('Bob Developer');
  await a.page.close();
  await expect(b.page.getByTestId('presence')).toContainText('Alice Reporter');
  // Closing her last tab takes her away within seconds.
  await second.close();
  await expect(b.page.getByTestId('presence')).toHaveCount(0, { timeout: 15_000 });
  await a.context.close();
  await b.context.close();
});

test('a browser that loses its network disappears from the others within seconds', async ({ browser, app }) => {
  const { a, b } = await aliceOpensNewTicket(browser, app.url, 'Network drop');
  await b.page.goto(a.page.url());
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is viewing');
  await b.context.setOffline(true);
  await expect(a.page.getByTestId('presence')).toHaveCount(0, { timeout: 15_000 });
  // Back online, Bob is back on the ticket without touching anything.
  await b.context.setOffline(false);
  await expect(a.page.getByTestId('presence')).toHaveText('Bob Developer is viewing');
  await a.context.close();
  await b.context.close();
});
