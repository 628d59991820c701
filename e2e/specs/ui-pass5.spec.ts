/**
 * UI pass 5: the open items of passes 3 and 4, in real browsers. The admin's project SMTP form
 * confirms like its neighbours; the Members page says who is (not) listed; the invitation's
 * password says its rule; a tab left on "Ticket not found." catches up with a raised role; and a
 * customer's email to a closed ticket (left closed: "reopen on external note" is off by default)
 * is hard to miss for the team. Its own server, since it changes roles and receives mail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { startAppServer, type AppServer, type Seed } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';
import { expect, newTicket, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

const TARA = { email: 'tara@example.com', password: USERS.alice.password, name: 'Tara Temp' };
const MAX = { email: 'max@example.com', password: USERS.alice.password, name: 'Max Maintainer' };
const UI5_SEED: Seed = {
  ...SEED,
  users: [...SEED.users, TARA, MAX],
  members: [...SEED.members, { project: PROJECT, email: TARA.email, role: 'developer' }, { project: PROJECT, email: MAX.email, role: 'maintainer' }],
};
const TO = 'incoming+acme-mobile-app-1-issue-@desk.test';

let app: AppServer;
let smtp: string;
test.beforeAll(async () => {
  test.setTimeout(60_000);
  ensureSwaksInstalled();
  smtp = `127.0.0.1:${await freePort()}`;
  app = await startAppServer({ seed: UI5_SEED, env: { SMTP_LISTEN: smtp, INCOMING_EMAIL: 'incoming+%{key}@desk.test' } });
});
test.afterAll(async () => {
  await app?.stop();
});

/** The user comes back to the tab (headless pages never lose focus, so the event is sent as the browser would). */
async function comeBack(page: Page): Promise<void> {
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
}

test('the project SMTP choice saves like the other admin forms: a button its own width, and “Saved.”', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto('/admin');
  const form = admin.page.getByTestId('project-smtp');
  await form.getByTestId('project-smtp-mode').selectOption('off');
  const save = form.getByRole('button', { name: 'Save' });
  const [button, panel] = await Promise.all([save.boundingBox(), form.boundingBox()]);
  expect(button?.width ?? 0).toBeLessThan((panel?.width ?? 0) / 3);
  await save.click();
  await expect(form.getByRole('status')).toHaveText(/^Saved\./);
  await admin.page.reload();
  await expect(admin.page.getByTestId('project-smtp-mode')).toHaveValue('off');
  await admin.page.getByTestId('project-smtp-mode').selectOption('any');
  await admin.page.getByTestId('project-smtp').getByRole('button', { name: 'Save' }).click();
  await expect(admin.page.getByTestId('project-smtp').getByRole('status')).toBeVisible();
  await admin.context.close();
});

test('the Members page says when nobody is a member yet, and that instance admins are not listed', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  const path = `acme/empty-${Date.now()}`;
  await admin.page.getByLabel('Path').fill(path);
  await admin.page.getByRole('button', { name: 'Create project' }).click();
  await admin.page.goto(`/p/${path}/-/members`);
  await expect(admin.page.getByTestId('members-empty')).toHaveText('No members yet. Invite people below.');
  await expect(admin.page.getByTestId('members')).toHaveCount(0);
  await expect(admin.page.getByTestId('members-admins')).toHaveText(
    'You are not a member: as an instance admin, you can manage every project without being listed here.',
  );

  // A member sees the list, and is told why the admin is not on it.
  const bob = await signIn(browser, app.url, USERS.bob);
  await bob.page.goto(`/p/${PROJECT}/-/members`);
  await expect(bob.page.getByTestId('member-row').filter({ hasText: USERS.bob.name })).toHaveCount(1);
  await expect(bob.page.getByTestId('members-empty')).toHaveCount(0);
  await expect(bob.page.getByTestId('members-admins')).toHaveText('Instance admins can manage every project without being listed here.');
  await admin.context.close();
  await bob.context.close();
});

test('the invitation page says the password rule before the first try', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  const invitee = `ines-${Date.now()}@example.com`;
  await admin.page.goto(`/p/${PROJECT}/-/members`);
  const form = admin.page.getByTestId('invite-form');
  await form.getByLabel('Email').fill(invitee);
  await form.getByLabel('Role').selectOption('reporter');
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(admin.page.getByTestId('invite-result')).toContainText(invitee);

  // No SMTP server is set: the invitation is in the outbox.
  const outbox = path.join(app.dataDir, 'outbox');
  let link = '';
  await expect(async () => {
    for (const f of readdirSync(outbox).filter((n) => n.endsWith('.eml'))) {
      const mail = await simpleParser(readFileSync(path.join(outbox, f)));
      if (mail.text?.includes('/invite/') && JSON.stringify(mail.to).includes(invitee)) link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? '';
    }
    expect(link).not.toBe('');
  }).toPass({ timeout: 10_000 });

  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  const field = page.locator('label.field').filter({ hasText: 'Choose a password' });
  await expect(field).toContainText('At least 10 characters.');
  await admin.context.close();
  await page.context().close();
});

test('a tab left on “Ticket not found.” after a demotion shows the ticket again once raised: on return to the tab, or from the queue', async ({ browser }) => {
  const lead = await signIn(browser, app.url, MAX);
  const tara = await signIn(browser, app.url, TARA);
  const secret = `Chargeback for order 9 (${Date.now()})`;
  const url = await newTicket(lead.page, secret, true);
  const ticket = tara.page;
  await ticket.goto(url);
  await expect(ticket.getByTestId('ticket-title')).toHaveText(secret);
  await expect(ticket.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  await ticket.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
  await lead.page.goto(`/p/${PROJECT}/-/members`);
  const role = lead.page.getByLabel('Role of Tara Temp');

  await role.selectOption('guest');
  await expect(ticket.getByRole('alert')).toHaveText('Ticket not found.');
  await role.selectOption('developer');
  await expect(lead.page.getByTestId('member-row').filter({ hasText: 'Tara Temp' }).locator('select')).toHaveValue('developer');
  // Nothing follows the project on the error page; coming back to the tab asks again.
  await comeBack(ticket);
  await expect(ticket.getByTestId('ticket-title')).toHaveText(secret);
  await expect(ticket.getByTestId('composer')).toBeVisible();

  // Demoted and raised again; this time Tara goes to the queue from the error page.
  await role.selectOption('guest');
  await expect(ticket.getByRole('alert')).toHaveText('Ticket not found.');
  await role.selectOption('developer');
  await expect(lead.page.getByTestId('member-row').filter({ hasText: 'Tara Temp' }).locator('select')).toHaveValue('developer');
  await ticket.getByRole('link', { name: 'Back to the queue' }).click();
  await expect(ticket.getByTestId('new-ticket-open')).toBeVisible();
  await expect(ticket.getByRole('link', { name: 'Service Desk' })).toBeVisible();
  await expect(ticket.getByTestId('ticket-row').filter({ hasText: secret })).toHaveCount(1);
  await expect(ticket.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');
  await lead.context.close();
  await tara.context.close();
});

test('a customer’s email to a closed ticket leaves it closed, but the Open tab, the row and the ticket say so, live', async ({ browser }) => {
  const bob = await signIn(browser, app.url, USERS.bob);
  const alice = await signIn(browser, app.url, USERS.alice);
  const gina = await signIn(browser, app.url, USERS.gina);
  const subject = `Printer on fire ${Date.now()}`;
  const messageId = `<fire-${Date.now()}@customer.test>`;
  const first = await sendWithSwaks({ server: smtp, from: 'pat@customer.test', to: [TO], header: { Subject: subject, 'Message-ID': messageId }, body: 'It is on fire.' });
  expect(first.code, first.stderr).toBe(0);

  await bob.page.goto(`/p/${PROJECT}`);
  await bob.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(bob.page.getByTestId('ticket-title')).toHaveText(subject);
  await bob.page.getByTestId('toggle-state').click();
  await expect(bob.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(bob.page.getByTestId('replied-closed-notice')).toHaveCount(0);

  for (const s of [alice, gina]) {
    await s.page.goto(`/p/${PROJECT}`);
    await expect(s.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  }
  const notice = alice.page.getByTestId('replied-closed');
  await expect(alice.page.getByText('Loading tickets…')).toHaveCount(0);
  await expect(notice).toHaveCount(0);

  const reply = await sendWithSwaks({
    server: smtp,
    from: 'pat@customer.test',
    to: [TO],
    header: { Subject: `Re: ${subject}`, 'In-Reply-To': messageId, References: messageId },
    body: 'It is on fire again.',
  });
  expect(reply.code, reply.stderr).toBe(0);

  // The default stays: closed. The responder's Open tab says so at once; the guest's does not.
  await expect(bob.page.getByTestId('note').filter({ hasText: 'It is on fire again.' })).toHaveCount(1);
  await expect(bob.page.getByTestId('ticket-state')).toHaveText('Closed');
  await expect(notice).toHaveText('1 closed ticket has a customer message nobody has answered yet. Show it');
  await expect(gina.page.getByTestId('replied-closed')).toHaveCount(0);
  const ticketNotice = bob.page.getByTestId('replied-closed-notice');
  await expect(ticketNotice).toContainText('Reopen closed tickets when the customer writes');
  await expect(ticketNotice.getByRole('link', { name: 'Service Desk' })).toHaveAttribute('href', `/p/${PROJECT}/-/service-desk`);

  await notice.getByRole('button', { name: 'Show it' }).click();
  await expect(alice.page).toHaveURL(/state=closed/);
  await expect(alice.page).toHaveURL(/sort=waiting/);
  const first_row = alice.page.getByTestId('ticket-row').first();
  await expect(first_row).toContainText(subject);
  await expect(first_row.getByTestId('row-waiting')).toHaveText(/^Wrote after close: waiting/);

  // Our public reply answers it: the marker and the notices go, live.
  await bob.page.getByTestId('composer').fill('The fire brigade is on its way.');
  await bob.page.getByTestId('composer-submit').click();
  await expect(alice.page.getByTestId('ticket-row').filter({ hasText: subject }).getByTestId('row-waiting')).toHaveCount(0);
  await expect(ticketNotice).toHaveCount(0);
  await alice.page.goto(`/p/${PROJECT}`);
  await expect(alice.page.getByText('Loading tickets…')).toHaveCount(0);
  await expect(alice.page.getByTestId('replied-closed')).toHaveCount(0);
  for (const s of [alice, bob, gina]) await s.context.close();
});
