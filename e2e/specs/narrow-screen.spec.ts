/** The queue on a phone (390 px wide): every state tab is on screen and can be tapped. */
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('on a 390 px phone every state tab of the queue is on screen', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  await a.page.setViewportSize({ width: 390, height: 844 });
  await a.page.goto(`/p/${PROJECT}`);
  const tabs = a.page.getByRole('group', { name: 'Ticket state' }).getByRole('button');
  await expect(tabs).toHaveCount(5);
  // Inside the page's margin, like the search field under them.
  const search = await a.page.getByRole('searchbox').or(a.page.getByPlaceholder('Search title, text or #number')).first().boundingBox();
  const edge = (search?.x ?? 0) + (search?.width ?? 0);
  for (const tab of await tabs.all()) {
    const box = await tab.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0), await tab.innerText()).toBeLessThanOrEqual(edge + 0.5);
    // and its words are not cut off inside it
    expect(await tab.evaluate((el) => el.scrollWidth <= el.clientWidth), await tab.innerText()).toBe(true);
  }
  await tabs.filter({ hasText: 'All' }).click();
  await expect(tabs.filter({ hasText: 'All' })).toHaveAttribute('aria-pressed', 'true');
  await a.context.close();
});

test('on a 390 px phone the admin, profile and Service Desk pages do not run past the screen’s edge', async ({ browser, app }) => {
  const a = await signIn(browser, app.url, USERS.admin, { viewport: { width: 390, height: 844 } });
  for (const [path, ready] of [
    ['/admin', 'smtp-settings'],
    ['/profile', 'sessions'],
    [`/p/${PROJECT}/-/service-desk`, 'webhook-url'],
  ] as const) {
    await a.page.goto(path);
    await expect(a.page.getByTestId(ready)).toBeVisible();
    const width = await a.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
  await a.context.close();
});
