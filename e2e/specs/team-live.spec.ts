/**
 * A support team working one project at the same time, each in their own browser: what one does
 * must neither undo a colleague's work nor leave anyone looking at what they may no longer see.
 */
import type { Page } from '@playwright/test';
import { startAppServer, type AppServer, type Seed } from '../fixtures/app-server';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

const TARA = { email: 'tara@example.com', password: USERS.alice.password, name: 'Tara Temp' };
const MAX = { email: 'max@example.com', password: USERS.alice.password, name: 'Max Maintainer' };
const TEAM_SEED: Seed = {
  ...SEED,
  users: [...SEED.users, TARA, MAX],
  members: [
    ...SEED.members,
    { project: PROJECT, email: TARA.email, role: 'developer' },
    { project: PROJECT, email: MAX.email, role: 'maintainer' },
  ],
};

let app: AppServer;
test.beforeAll(async () => {
  test.setTimeout(60_000);
  app = await startAppServer({ seed: TEAM_SEED });
});
test.afterAll(async () => {
  await app?.stop();
});

async function newTicket(page: Page, title: string, confidential: boolean): Promise<string> {
  await page.goto(`/p/${PROJECT}`);
  await page.getByTestId('new-ticket-open').click();
  await page.getByTestId('new-ticket-title').fill(title);
  const box = page.getByLabel('Confidential', { exact: true });
  if (confidential) await box.check();
  else await box.uncheck();
  await page.getByTestId('new-ticket-submit').click();
  await expect(page.getByTestId('ticket-title')).toHaveText(title);
  return new URL(page.url()).pathname;
}

const chips = (page: Page) => page.getByTestId('label-chip');

test('two responders labelling one ticket at the same moment both keep their label', async ({ browser }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob);
  const url = await newTicket(a.page, `Double charge ${Date.now()}`, true);
  await b.page.goto(url);
  await expect(b.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  // B presses Add first, but B's request reaches the server only after A's label is saved.
  let releaseB!: () => void;
  const bHeld = new Promise<void>((resolve) => (releaseB = resolve));
  let bSent!: () => void;
  const bOnItsWay = new Promise<void>((resolve) => (bSent = resolve));
  await b.page.route('**/trpc/tickets.update**', async (route) => {
    bSent();
    await bHeld;
    await route.continue();
  });
  await b.page.getByTestId('labels').fill('urgent');
  await b.page.getByTestId('labels-add').click();
  await bOnItsWay;

  await a.page.getByTestId('labels').fill('billing');
  await a.page.getByTestId('labels-add').click();
  await expect(chips(a.page)).toHaveText(['billing×']);
  await expect(chips(b.page)).toHaveText(['billing×']);
  releaseB();

  for (const page of [a.page, b.page]) await expect(chips(page)).toHaveText(['billing×', 'urgent×']);
  await b.page.unroute('**/trpc/tickets.update**');
  // Removing one takes off that one only, whatever else the remover's screen had.
  await a.page.getByRole('button', { name: 'Remove label billing' }).click();
  for (const page of [a.page, b.page]) await expect(chips(page)).toHaveText(['urgent×']);
  await a.page.reload();
  await expect(chips(a.page)).toHaveText(['urgent×']);
  await a.context.close();
  await b.context.close();
});
