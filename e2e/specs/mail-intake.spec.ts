import { startAppServer, type AppServer } from '../fixtures/app-server';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';
import { freePort } from '../fixtures/dovecot';
import { ensureSwaksInstalled, sendWithSwaks } from '../fixtures/swaks';

let mailApp: AppServer;
let smtp: string;

test.beforeAll(async () => {
  ensureSwaksInstalled();
  const port = await freePort();
  smtp = `127.0.0.1:${port}`;
  mailApp = await startAppServer({ seed: SEED, env: { SMTP_LISTEN: smtp, INCOMING_EMAIL: 'incoming+%{key}@desk.test' } });
});
test.afterAll(async () => {
  await mailApp?.stop();
});

test('an email sent with a real SMTP client appears live for two responders, and the reply threads onto it', async ({ browser }) => {
  const a = await signIn(browser, mailApp.url, USERS.alice);
  const b = await signIn(browser, mailApp.url, USERS.bob);

  await a.page.goto(`/p/${PROJECT}/-/service-desk`);
  const address = a.page.getByTestId('service-desk-address');
  await expect(address).toHaveText('incoming+acme-mobile-app-1-issue-@desk.test');
  await expect(a.page.getByTestId('copy-address')).toBeVisible();

  for (const s of [a, b]) {
    await s.page.goto(`/p/${PROJECT}`);
    await expect(s.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
    await s.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));
  }

  const subject = `Refund not received ${Date.now()}`;
  const messageId = `<refund-${Date.now()}@customer.test>`;
  const sent = await sendWithSwaks({
    server: smtp,
    from: 'maria@customer.test',
    to: ['incoming+acme-mobile-app-1-issue-@desk.test'],
    header: { Subject: subject, From: 'Maria Customer <maria@customer.test>', 'Message-ID': messageId },
    body: 'I returned the shoes two weeks ago and still have no refund.',
  });
  expect(sent.code, sent.stderr).toBe(0);

  for (const s of [a, b]) {
    const row = s.page.getByTestId('ticket-row').filter({ hasText: subject });
    await expect(row).toBeVisible();
    await expect(row).toContainText('maria@customer.test');
    // The customer, by the name their mail gave (issue 12).
    await expect(row.getByTestId('row-customer')).toHaveText('Maria Customer');
  }
  // Instant notification, wherever the responder is in the app.
  await expect(a.page.getByTestId('toast').filter({ hasText: subject })).toContainText('New ticket in Mobile App');
  await b.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(b.page.getByTestId('ticket-title')).toHaveText(subject);
  await expect(b.page.getByText('I returned the shoes two weeks ago')).toBeVisible();
  await b.page.getByTestId('view-original').first().click();
  await expect(b.page.getByTestId('original-email')).toContainText('maria@customer.test');
  await expect(b.page.getByTestId('original-email')).toContainText(subject);

  const reply = await sendWithSwaks({
    server: smtp,
    from: 'maria@customer.test',
    to: ['incoming+acme-mobile-app-1-issue-@desk.test'],
    header: { Subject: `Re: ${subject}`, 'In-Reply-To': messageId, References: messageId },
    body: 'Here is my order number: 5521.\n\nOn Monday Support wrote:\n> We are looking into it.',
  });
  expect(reply.code, reply.stderr).toBe(0);

  await expect(a.page.getByTestId('toast').filter({ hasText: 'maria@customer.test replied' })).toBeVisible();
  const note = b.page.getByTestId('note').filter({ hasText: 'Here is my order number: 5521.' });
  await expect(note).toHaveCount(1);
  await expect(note).toContainText('maria@customer.test');
  await expect(a.page.getByTestId('ticket-row').filter({ hasText: subject })).toBeVisible();
  for (const s of [a, b]) {
    await expect(s.page.locator('html')).toHaveAttribute('data-e2e-same-page', 'yes');
  }
  await a.context.close();
  await b.context.close();
});

test('three browsers: the maintainer turns on "add Cc participants" and the next email\'s Cc becomes a participant for both responders', async ({ browser }) => {
  const admin = await signIn(browser, mailApp.url, USERS.admin);
  const a = await signIn(browser, mailApp.url, USERS.alice);
  const b = await signIn(browser, mailApp.url, USERS.bob);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  const cc = admin.page.getByTestId('sd-addCcParticipants');
  await expect(cc).not.toBeChecked();
  await cc.check();
  await expect(cc).toBeChecked();
  await admin.page.reload();
  await expect(admin.page.getByTestId('sd-addCcParticipants')).toBeChecked();

  for (const s of [a, b]) {
    await s.page.goto(`/p/${PROJECT}`);
    await expect(s.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  }
  const subject = `Cc me too ${Date.now()}`;
  const sent = await sendWithSwaks({
    server: smtp,
    from: 'lead@customer.test',
    to: ['incoming+acme-mobile-app-1-issue-@desk.test'],
    header: { Subject: subject, Cc: 'colleague@customer.test' },
    body: 'Please keep my colleague in the loop.',
  });
  expect(sent.code, sent.stderr).toBe(0);
  for (const s of [a, b]) {
    await s.page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
    await expect(s.page.locator('[data-testid="participant"][data-email="colleague@customer.test"]')).toHaveCount(1);
  }
  // The settings are the maintainer's: responders do not even see the switches.
  await a.page.goto(`/p/${PROJECT}/-/service-desk`);
  await expect(a.page.getByTestId('service-desk-address')).toBeVisible();
  await expect(a.page.getByTestId('sd-addCcParticipants')).toHaveCount(0);
  for (const s of [admin, a, b]) await s.context.close();
});

test('a guest sees no Service Desk tab and no confidential email tickets', async ({ browser }) => {
  const g = await signIn(browser, mailApp.url, USERS.gina);
  await g.page.goto(`/p/${PROJECT}`);
  await expect(g.page.getByTestId('queue')).toBeAttached();
  await expect(g.page.getByRole('link', { name: 'Service Desk' })).toHaveCount(0);
  await expect(g.page.getByTestId('ticket-row')).toHaveCount(0);
  await g.context.close();
});

test('a maintainer writes an issue template and picks it; the next emailed ticket carries it and its label', async ({ browser }) => {
  const admin = await signIn(browser, mailApp.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  await admin.page.getByTestId('issue-template-key').fill('support');
  await admin.page.getByTestId('issue-template-body').fill('Triage checklist: device, version.\n/label ~from-email');
  await admin.page.getByRole('button', { name: 'Save issue template' }).click();
  const select = admin.page.getByTestId('issue-template-select');
  await expect(select.locator('option', { hasText: 'support' })).toHaveCount(1);
  await select.selectOption('support');
  await admin.page.reload();
  await expect(admin.page.getByTestId('issue-template-select')).toHaveValue('support');

  const subject = `Templated ${Date.now()}`;
  const sent = await sendWithSwaks({ server: smtp, from: 'tpl@customer.test', to: ['incoming+acme-mobile-app-1-issue-@desk.test'], header: { Subject: subject }, body: 'My phone app crashes.' });
  expect(sent.code, sent.stderr).toBe(0);
  await admin.page.goto(`/p/${PROJECT}`);
  const row = admin.page.getByTestId('ticket-row').filter({ hasText: subject });
  await expect(row).toContainText('from-email');
  await row.getByRole('link', { name: subject }).click();
  await expect(admin.page.getByTestId('ticket-description')).toContainText('Triage checklist: device, version.');
  await expect(admin.page.getByTestId('ticket-description')).not.toContainText('/label');
  await admin.context.close();
});
