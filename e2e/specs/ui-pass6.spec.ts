/**
 * UI pass 6: a new support team's first week, in real browsers. The queue's filters say what they
 * filter; the keyboard's triage keys keep the cursor and say when they fail; focus stays where
 * the person was after an action; running text with a link reads as one sentence; a phone reaches
 * the profile.
 */
import type { Locator } from '@playwright/test';
import { startSmtpSink } from '../fixtures/smtp-sink';
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

test('e in the queue keeps the cursor in place (the next row takes it, whoever closed the row) and says when it fails', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  const label = `triage-${Date.now()}`;
  const title = (n: number) => `Triage ${n} ${label}`;
  const titles = [1, 2, 3, 4].map(title);
  const iids: string[] = [];
  for (const title of titles) {
    const path = await newTicket(bob.page, title, false);
    iids.push(path.split('/').pop() ?? '');
    await bob.page.getByTestId('labels').fill(label);
    await bob.page.getByTestId('labels-add').click();
    await expect(bob.page.getByTestId('label-chip')).toContainText(label);
  }
  const page = bob.page;
  await page.goto(`/p/${PROJECT}?label=${label}`);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('ticket-row')).toHaveCount(4); // newest first: 4, 3, 2, 1
  const row = (n: number) => page.getByTestId('ticket-row').filter({ hasText: title(n) });
  const cursor = page.locator('.ticket-row-selected');

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(cursor).toContainText(title(3));
  await page.keyboard.press('e');
  await expect(row(3)).toHaveCount(0);
  // The row below took its place, with focus: the next key carries on from here.
  await expect(cursor).toContainText(title(2));
  await expect(row(2).locator('a.ticket-link')).toBeFocused();

  // A colleague closes the row under Bob's cursor on their own screen.
  await alice.page.goto(`/p/${PROJECT}/-/tickets/${iids[1]}`);
  await alice.page.getByTestId('toggle-state').click();
  await expect(alice.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(row(2)).toHaveCount(0);
  await expect(cursor).toContainText(title(1));
  await expect(row(1).locator('a.ticket-link')).toBeFocused();

  // The last row leaves: the cursor goes up to the one before it.
  await page.keyboard.press('e');
  await expect(row(1)).toHaveCount(0);
  await expect(cursor).toContainText(title(4));

  // Without a connection the key does nothing, and says so.
  await bob.context.setOffline(true);
  await page.keyboard.press('e');
  const toast = page.getByTestId('toast').filter({ hasText: `Could not close #${iids[3]}` });
  await expect(toast).toContainText('Cannot reach the server');
  await bob.context.setOffline(false);
  await expect(row(4)).toHaveCount(1);
  await alice.context.close();
  await bob.context.close();
});

test('after Close, Reopen and Pending from the keyboard, focus stays on the state buttons, not the top of the page', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const page = bob.page;
  await newTicket(page, `Focus after actions ${Date.now()}`, false);
  const toggle = page.getByTestId('toggle-state');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(toggle).toHaveText('Reopen ticket');
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('ticket-state')).toHaveText('Open');
  await expect(toggle).toBeFocused();
  // Pending is gone once the ticket is pending: focus moves to the button that brings it back.
  await page.getByTestId('mark-pending').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('ticket-state')).toHaveText('Pending');
  await expect(toggle).toHaveText('Back to open');
  await expect(toggle).toBeFocused();
  await bob.context.close();
});

/** The link sits on the first line of its sentence (a flex box used to put each piece of the sentence on a line of its own). */
async function onFirstLine(box: Locator, link: string): Promise<void> {
  const [text, a] = await Promise.all([box.boundingBox(), box.getByRole('link', { name: link }).boundingBox()]);
  const pad = await box.evaluate((el) => parseFloat(getComputedStyle(el).paddingTop) + 0.6 * parseFloat(getComputedStyle(el).lineHeight));
  expect(a && text ? a.y - text.y : Infinity).toBeLessThan(pad);
}

test('sentences with a link read as one line: the first-run queue and the merged ticket', async ({ browser, app }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  const path = `ui6/empty-${Date.now()}`;
  await admin.page.getByLabel('Path').fill(path);
  await admin.page.getByRole('button', { name: 'Create project' }).click();
  await expect(admin.page).toHaveURL(new RegExp(`/p/${path}$`));
  await expect(admin.page.getByText('becomes a ticket here')).toBeVisible();
  await onFirstLine(admin.page.locator('p', { hasText: 'becomes a ticket here' }), 'Service Desk');

  const first = await newTicket(admin.page, `Merged sentence target ${Date.now()}`, false);
  const second = await newTicket(admin.page, `Merged sentence source ${Date.now()}`, false);
  const firstIid = first.split('/').pop() ?? '';
  await admin.page.getByTestId('merge-open').click();
  await admin.page.getByTestId('merge-into').fill(`#${firstIid}`);
  await admin.page.getByRole('button', { name: 'Next' }).click();
  await admin.page.getByTestId('merge-confirm-button').click();
  await admin.page.goto(second);
  await expect(admin.page.getByTestId('merged-banner')).toBeVisible();
  await onFirstLine(admin.page.getByTestId('merged-banner'), `#${firstIid}`);
  await admin.context.close();
});

test('on a phone the top bar still leads to the profile (notifications, password, signature)', async ({ browser, app }) => {
  const alice = await signIn(browser, app.url, USERS.alice, { viewport: { width: 390, height: 844 } });
  await alice.page.goto(`/p/${PROJECT}`);
  const link = alice.page.getByTestId('profile-link');
  await expect(link).toBeVisible();
  const box = await link.boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
  expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await link.click();
  await expect(alice.page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  await alice.context.close();
});

test('a reply that failed offline says so plainly once the connection is back, and goes through on the next try', async ({ browser, app }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const path = await newTicket(bob.page, `Offline reply ${Date.now()}`, false);
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(path);
  await expect(alice.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await bob.context.setOffline(true);
  await bob.page.getByTestId('composer').fill('Sent while the train was in a tunnel.');
  await bob.page.getByTestId('composer-submit').click();
  const error = bob.page.locator('.form-error').filter({ hasText: /connection|server/ });
  await expect(error).toHaveText('Cannot reach the server. Check your connection and try again.');
  await bob.context.setOffline(false);
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  // No longer "cannot reach" while the bar says Live; and it is clear nothing was sent.
  await expect(error).toHaveText('The connection is back. This may not have gone through: check before you try again.');
  await expect(alice.page.getByTestId('note').filter({ hasText: 'Sent while the train' })).toHaveCount(0);
  await bob.page.getByTestId('composer-submit').click();
  await expect(alice.page.getByTestId('note').filter({ hasText: 'Sent while the train' })).toHaveCount(1);
  await expect(error).toHaveCount(0);
  await alice.context.close();
  await bob.context.close();
});

test('the browser tab names the ticket or the project, with the unread count in front', async ({ browser, app }) => {
  const visitor = await browser.newContext({ baseURL: app.url });
  const signInPage = await visitor.newPage();
  await signInPage.goto('/login');
  await expect(signInPage).toHaveTitle('Sign in · Threadline');
  await visitor.close();
  const bob = await signIn(browser, app.url, USERS.bob);
  await expect(bob.page).toHaveTitle('Projects · Threadline');
  await bob.page.goto(`/p/${PROJECT}`);
  await expect(bob.page).toHaveTitle('Mobile App · Threadline');
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  // Bob looks at another window: a colleague's new ticket is counted in his tab's title.
  await bob.page.evaluate(() => (document.hasFocus = () => false));
  const alice = await signIn(browser, app.url, USERS.alice);
  const title = `Tab title ${Date.now()}`;
  const path = await newTicket(alice.page, title, false);
  await expect(alice.page).toHaveTitle(`#${path.split('/').pop()} ${title} · Threadline`);
  await expect(bob.page).toHaveTitle('(1) Mobile App · Threadline');
  await bob.page.getByTestId('toast').filter({ hasText: title }).getByRole('link').click();
  await expect(bob.page).toHaveTitle(`(1) #${path.split('/').pop()} ${title} · Threadline`);
  await bob.page.getByRole('link', { name: 'Queue' }).click();
  await expect(bob.page).toHaveTitle('(1) Mobile App · Threadline');
  await alice.context.close();
  await bob.context.close();
});

test('a placeholder in the other editor\'s spelling is named before a customer gets it as written (UI pass 4, #11)', async ({ browser, app }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  const template = admin.page.getByTestId('template-body');
  await template.fill('Hello {customer_name}, we have ticket %{ISSUE_ID}.');
  // The preview shows it sent as written; the editor says why and what to use.
  await expect(admin.page.frameLocator('[data-testid="template-preview"]').locator('body')).toContainText('Hello {customer_name}');
  await expect(admin.page.getByTestId('template-reply-placeholders')).toHaveText(
    '{customer_name}: saved-reply placeholders are sent as written in an email template. Use the %{…} ones listed above.',
  );
  await template.fill('We have ticket %{ISSUE_ID}.');
  await expect(admin.page.getByTestId('template-reply-placeholders')).toHaveCount(0);

  const reply = admin.page.getByTestId('saved-reply-body');
  await reply.fill('Hi {customer_first_name}, your ticket is %{ISSUE_ID}.');
  await expect(admin.page.getByTestId('saved-reply-template-placeholders')).toHaveText(
    '%{ISSUE_ID}: email-template placeholders are sent as written in a saved reply. Use the {…} ones listed above.',
  );
  await admin.context.close();
});

test('“Send test email” with TLS on a plain-text port says to choose STARTTLS, not only OpenSSL\'s “wrong version number”', async ({ browser, app }) => {
  const sink = await startSmtpSink();
  try {
    const admin = await signIn(browser, app.url, USERS.admin);
    await admin.page.goto('/admin');
    const smtp = admin.page.getByTestId('smtp-settings');
    await smtp.getByTestId('smtp-host').fill(sink.host);
    await smtp.getByTestId('smtp-port').fill(String(sink.port));
    await smtp.getByTestId('smtp-security').selectOption('tls');
    await smtp.getByTestId('smtp-test-to').fill('lead@example.com');
    await smtp.getByTestId('smtp-test-send').click();
    await expect(smtp.getByTestId('smtp-test-result')).toHaveAttribute('data-ok', 'false');
    await expect(smtp.getByTestId('smtp-last-answer')).toContainText('wrong version number');
    await expect(smtp.getByTestId('smtp-test-hint')).toContainText('choose STARTTLS there (or None for a trusted local server)');
    // Following the hint works: the sink speaks plain SMTP.
    await smtp.getByTestId('smtp-security').selectOption('none');
    await smtp.getByTestId('smtp-test-send').click();
    await expect(smtp.getByTestId('smtp-test-result')).toHaveAttribute('data-ok', 'true');
    await expect(smtp.getByTestId('smtp-test-hint')).toHaveCount(0);
    await admin.context.close();
  } finally {
    await sink.stop();
  }
});

test('naming a saved view: “Share with the project” reads on one line, at 1280 px and on a phone', async ({ browser, app }) => {
  for (const width of [1280, 390]) {
    const bob = await signIn(browser, app.url, USERS.bob, { viewport: { width, height: 800 } });
    await bob.page.goto(`/p/${PROJECT}`);
    await bob.page.getByTestId('save-view-open').click();
    const share = bob.page.locator('label.check', { has: bob.page.getByTestId('save-view-shared') });
    const [box, line] = await Promise.all([share.boundingBox(), share.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight))]);
    expect(box?.height ?? Infinity, `at ${width} px`).toBeLessThan(1.5 * line);
    expect(await bob.page.evaluate(() => document.documentElement.scrollWidth), `at ${width} px`).toBeLessThanOrEqual(width);
    await bob.context.close();
  }
});
