/**
 * A new team's first day (UI pass 4): the messages a newcomer meets when they get something wrong,
 * the collision notice once a responder has moved on, and the template tabs in dark mode.
 */
import type { Page } from '@playwright/test';
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

async function newTicket(page: Page, title: string): Promise<number> {
  await page.goto(`/p/${PROJECT}`);
  await page.getByTestId('new-ticket-open').click();
  await page.getByTestId('new-ticket-title').fill(title);
  await page.getByTestId('new-ticket-submit').click();
  await expect(page.getByTestId('ticket-title')).toHaveText(title);
  return Number(/tickets\/(\d+)/.exec(page.url())?.[1]);
}

test('bad input is answered in plain sentences, without the API’s field names', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.admin);
  await a.page.getByLabel('Path').fill('Acme Support');
  await a.page.getByRole('button', { name: 'Create project' }).click();
  await expect(a.page.locator('.form-error')).toHaveText(/^Project path must look like group\/project/);

  await newTicket(a.page, `Label too long ${Date.now()}`);
  await a.page.getByTestId('labels').fill('x'.repeat(120));
  await a.page.getByTestId('labels-add').click();
  await expect(a.page.locator('.form-error')).toHaveText('Label names must be at most 100 characters.');
  await a.context.close();
});

test('merging a ticket into itself is refused before the “cannot be undone” question', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const iid = await newTicket(a.page, `Merge into itself ${Date.now()}`);
  await a.page.getByTestId('merge-open').click();
  await a.page.getByTestId('merge-into').fill(`#${iid}`);
  await a.page.getByTestId('merge-into').press('Enter');
  await expect(a.page.getByTestId('merge-box')).toContainText('Give the number of another ticket to merge into, like #7.');
  await expect(a.page.getByTestId('merge-confirm')).toHaveCount(0);
  await expect(a.page.getByTestId('merge-into')).toBeVisible();
  await a.context.close();
});

test('a refused reply’s notice goes when the responder keeps editing or turns to an internal note', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  await newTicket(a.page, `Refund twice ${Date.now()}`);
  await b.page.goto(a.page.url());
  const refuse = async (draft: string) => {
    await b.page.getByTestId('composer').fill(draft);
    await a.page.getByTestId('composer').fill(`Alice answers first: ${draft}`);
    await a.page.getByTestId('composer-submit').click();
    await expect(b.page.getByTestId('note').filter({ hasText: `Alice answers first: ${draft}` })).toHaveCount(1);
    await b.page.getByTestId('composer-submit').click();
    await expect(b.page.getByTestId('collision')).toBeVisible();
  };
  const composer = b.page.locator('form.composer');

  await refuse('We refunded it.');
  await b.page.getByRole('button', { name: 'Keep editing' }).click();
  await expect(b.page.getByTestId('collision')).toHaveCount(0);
  await expect(composer.locator('.form-error')).toHaveCount(0);
  await expect(b.page.getByTestId('composer')).toHaveValue('We refunded it.');

  await refuse('The refund is on its way.');
  await b.page.getByTestId('composer').fill('');
  await b.page.getByTestId('composer-internal').check();
  await expect(b.page.getByTestId('collision')).toHaveCount(0);
  await expect(composer.locator('.form-error')).toHaveCount(0);
  await b.page.getByTestId('composer').fill('Alice already answered; I will check the refund tomorrow.');
  await b.page.getByTestId('composer-submit').click();
  await expect(a.page.getByTestId('note').filter({ hasText: 'I will check the refund tomorrow.' })).toContainText('Internal note');
  await a.context.close();
  await b.context.close();
});

test('the email template tabs read clearly in dark mode (no grey button faces)', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.admin, { colorScheme: 'dark' });
  await a.page.goto(`/p/${PROJECT}/-/service-desk`);
  const tab = a.page.getByRole('tab', { name: 'New participant' });
  await expect(tab).toBeVisible();
  const ratio = await tab.evaluate((el) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: string) => {
      const [r = 0, g = 0, b = 0] = rgb(c).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let bg: Element | null = el;
    while (bg && (rgb(getComputedStyle(bg).backgroundColor)[3] === 0 || getComputedStyle(bg).backgroundColor === 'transparent')) bg = bg.parentElement;
    const [l1, l2] = [lum(getComputedStyle(el).color), lum(getComputedStyle(bg ?? document.body).backgroundColor)];
    return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  });
  expect(ratio, 'contrast of an inactive template tab').toBeGreaterThanOrEqual(4.5);
  await a.context.close();
});

test('a new project’s empty queue says where customers write, until the first ticket', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.admin);
  const path = `first/day-${Date.now()}`;
  await a.page.getByLabel('Path').fill(path);
  await a.page.getByRole('button', { name: 'Create project' }).click();
  const empty = a.page.locator('p.empty');
  await expect(empty).toContainText('No open tickets. All caught up. Email to the project\'s address (on the Service Desk tab) becomes a ticket here.');
  await empty.getByRole('link', { name: 'Service Desk' }).click();
  await expect(a.page.getByText(`incoming+${path.replace('/', '-')}-`)).toBeVisible();

  await a.page.getByRole('link', { name: 'Queue' }).click();
  await a.page.getByTestId('new-ticket-open').click();
  await a.page.getByTestId('new-ticket-title').fill('The first one');
  await a.page.getByTestId('new-ticket-submit').click();
  await expect(a.page.getByTestId('ticket-title')).toHaveText('The first one');
  await a.page.goto(`/p/${path}?state=closed`);
  await expect(empty).toHaveText('No closed tickets.');
  await a.context.close();
});
