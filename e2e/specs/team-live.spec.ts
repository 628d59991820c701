/**
 * A support team working one project at the same time, each in their own browser: what one does
 * must neither undo a colleague's work nor leave anyone looking at what they may no longer see.
 */
import type { Page } from '@playwright/test';
import { startAppServer, type AppServer, type Seed } from '../fixtures/app-server';
import { expect, newTicket, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

const TARA = { email: 'tara@example.com', password: USERS.alice.password, name: 'Tara Temp' };
const GUS = { email: 'gus@example.com', password: USERS.alice.password, name: 'Gus Newcomer' };
const MAX = { email: 'max@example.com', password: USERS.alice.password, name: 'Max Maintainer' };
const TEAM_SEED: Seed = {
  ...SEED,
  users: [...SEED.users, TARA, MAX, GUS],
  members: [
    ...SEED.members,
    { project: PROJECT, email: TARA.email, role: 'developer' },
    { project: PROJECT, email: MAX.email, role: 'maintainer' },
    { project: PROJECT, email: GUS.email, role: 'guest' },
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

test('a responder lowered to guest, then removed, stops seeing confidential tickets at once, without a reload', async ({ browser }) => {
  const stamp = Date.now();
  const lead = await signIn(browser, app.url, MAX);
  const tara = await signIn(browser, app.url, TARA);
  const secret = `Refund for order 7 (${stamp})`;
  const open = `Status page is down (${stamp})`;
  const secretUrl = await newTicket(lead.page, secret, true);
  await newTicket(lead.page, open, false);

  const queue = tara.page;
  const ticket = await tara.context.newPage();
  await queue.goto(`/p/${PROJECT}?search=${stamp}`);
  await ticket.goto(secretUrl);
  await expect(ticket.getByTestId('ticket-title')).toHaveText(secret);
  await expect(ticket.getByTestId('composer')).toBeVisible();
  for (const page of [queue, ticket]) {
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
    await page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
  }
  await expect(queue.getByTestId('ticket-row')).toHaveCount(2);

  await lead.page.goto(`/p/${PROJECT}/-/members`);
  await lead.page.getByLabel('Role of Tara Temp').selectOption('guest');

  // The queue keeps the ticket everyone may see, the confidential one goes; the open ticket page
  // says it is no longer there, and its composer is gone.
  await expect(queue.getByTestId('ticket-row').filter({ hasText: secret })).toHaveCount(0);
  await expect(queue.getByTestId('ticket-row').filter({ hasText: open })).toHaveCount(1);
  await expect(queue.getByTestId('count-all')).toHaveText('1');
  await expect(ticket.getByTestId('ticket-title')).toHaveCount(0);
  await expect(ticket.getByRole('alert')).toHaveText('Ticket not found.');
  await expect(ticket.getByTestId('composer')).toHaveCount(0);
  await expect(queue.getByTestId('new-ticket-open')).toHaveCount(0);

  // Still live at the new level: the ticket everyone may see follows a colleague's change.
  await lead.page.goto(`/p/${PROJECT}`);
  await lead.page.getByTestId('ticket-row').filter({ hasText: open }).getByRole('link', { name: open }).click();
  await lead.page.getByTestId('toggle-state').click();
  await expect(queue.getByTestId('ticket-row').filter({ hasText: open })).toHaveAttribute('data-state', 'closed');

  // Removed from the project: nothing of it stays on screen.
  await lead.page.goto(`/p/${PROJECT}/-/members`);
  lead.page.once('dialog', (d) => void d.accept());
  await lead.page.getByTestId('member-row').filter({ hasText: 'Tara Temp' }).getByRole('button', { name: 'Remove' }).click();
  await expect(queue.getByTestId('ticket-row')).toHaveCount(0);
  await expect(queue.getByRole('alert')).toHaveText('Project not found.');
  await expect(queue.getByRole('link', { name: 'Back to your projects' })).toBeVisible();
  for (const page of [queue, ticket]) await expect(page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');
  await lead.context.close();
  await tara.context.close();
});

test('a guest raised to developer sees the confidential tickets and gets new-ticket notices, without a reload', async ({ browser }) => {
  const stamp = Date.now();
  const lead = await signIn(browser, app.url, MAX);
  const gus = await signIn(browser, app.url, GUS);
  const secret = `Chargeback dispute (${stamp})`;
  await newTicket(lead.page, secret, true);
  await gus.page.goto(`/p/${PROJECT}?search=${stamp}`);
  await expect(gus.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(gus.page.getByText('No tickets match')).toBeVisible();

  await lead.page.goto(`/p/${PROJECT}/-/members`);
  await lead.page.getByLabel('Role of Gus Newcomer').selectOption('developer');
  await expect(gus.page.getByTestId('ticket-row').filter({ hasText: secret })).toHaveCount(1);
  await expect(gus.page.getByTestId('new-ticket-open')).toBeVisible();

  const later = `Card declined twice (${stamp})`;
  await newTicket(lead.page, later, true);
  await expect(gus.page.getByTestId('toast').filter({ hasText: later })).toHaveCount(1);
  await expect(gus.page.getByTestId('ticket-row').filter({ hasText: later })).toHaveCount(1);
  await lead.context.close();
  await gus.context.close();
});

test('a colleague typing is said beside the Send button, where the reply is written, even far down a long thread', async ({ browser }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const b = await signIn(browser, app.url, USERS.bob, { viewport: { width: 1280, height: 600 } });
  const url = await newTicket(a.page, `Long thread ${Date.now()}`, true);
  for (let i = 1; i <= 6; i++) {
    await a.page.getByTestId('composer').fill(`Internal step ${i}: ${'checked the logs again. '.repeat(6)}`);
    await a.page.getByTestId('composer-internal').check();
    await a.page.getByTestId('composer-submit').click();
    await expect(a.page.getByTestId('note').filter({ hasText: `Internal step ${i}:` })).toHaveCount(1);
  }
  await b.page.goto(url);
  await b.page.getByTestId('composer').fill('Refund issued');
  await expect(b.page.getByTestId('composer')).toBeInViewport();
  // The presence line under the title is scrolled away by now.
  await expect(b.page.getByTestId('ticket-title')).not.toBeInViewport();

  await a.page.getByTestId('composer-internal').uncheck();
  await a.page.getByTestId('composer').pressSequentially('On it');
  const notice = b.page.getByTestId('composer-others-typing');
  await expect(notice).toHaveText('Alice Reporter is typing on this ticket too: check their reply before you send yours.');
  await expect(notice).toBeInViewport();
  await a.page.getByTestId('composer').fill('');
  await expect(notice).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('Escape leaves the composer with the draft kept, so the keyboard shortcuts work again', async ({ browser }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const url = await newTicket(a.page, `Escape hatch ${Date.now()}`, true);
  await a.page.goto(url);
  await a.page.keyboard.press('r');
  const composer = a.page.getByTestId('composer');
  await expect(composer).toBeFocused();
  await a.page.keyboard.type('Draft for later');
  await a.page.keyboard.press('Escape');
  await expect(composer).not.toBeFocused();
  await expect(composer).toHaveValue('Draft for later');
  await a.page.keyboard.press('?');
  await expect(a.page.getByTestId('shortcuts')).toBeVisible();
  await expect(a.page.getByTestId('shortcuts-anywhere')).toContainText('Leave the text field');
  await a.page.keyboard.press('Escape');
  await expect(a.page.getByTestId('shortcuts')).toHaveCount(0);
  // With the suggestions open, Escape closes them first and stays in the field.
  await a.page.keyboard.press('n');
  await expect(composer).toBeFocused();
  await a.page.keyboard.type('\n/cl');
  await expect(a.page.getByTestId('quick-action-hints')).toBeVisible();
  await a.page.keyboard.press('Escape');
  await expect(a.page.getByTestId('quick-action-hints')).toHaveCount(0);
  await expect(composer).toBeFocused();
  // In the queue, / goes to the search and Escape back to j/k.
  await a.page.getByRole('link', { name: 'Queue' }).click();
  // the rows first: a j pressed before they arrive has nothing to move to (a busy machine)
  await expect(a.page.getByTestId('ticket-row').first()).toBeVisible();
  await a.page.keyboard.press('/');
  await expect(a.page.locator('#queue-search')).toBeFocused();
  await a.page.keyboard.press('Escape');
  await a.page.keyboard.press('j');
  await expect(a.page.locator('.ticket-row-selected')).toHaveCount(1);
  await a.context.close();
});
