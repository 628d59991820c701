/**
 * Team accounts in real browsers: an invited agent joins from the emailed link (captured by a
 * real SMTP sink), a forgotten password is reset by email, a deactivated agent's open tab goes to
 * the sign-in page, and sign-in through a real OpenID provider (oidc-provider on a loopback port).
 * Its own servers, since it changes accounts the shared seed relies on.
 */
import { simpleParser } from 'mailparser';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';
import { startOidcProvider, type TestOidcProvider } from '../../server/testing/oidc-provider';

let app: AppServer;
let sink: SmtpSink;

test.beforeAll(async () => {
  sink = await startSmtpSink();
  app = await startAppServer({ seed: SEED, env: { SMTP_URL: `${sink.url}?tls=off` } });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
});

/** The link in the newest email to `to` that arrived after `from` messages. */
async function linkMailedTo(to: string, from: number): Promise<string> {
  for (;;) {
    const found = sink.messages.slice(from).find((m) => m.to.includes(to));
    if (found) {
      const mail = await simpleParser(found.raw);
      const link = /https?:\/\/\S+\/(invite|reset-password|confirm-email)\/[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
      if (!link) throw new Error(`no link in the email to ${to}: ${mail.text}`);
      return link;
    }
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('an admin invites an agent by email; the agent joins from the emailed link and lands in the project', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto(`/p/${PROJECT}/-/members`);
  const form = admin.page.getByTestId('invite-form');
  await form.getByLabel('Email').fill('ivy@example.com');
  await form.getByLabel('Role').selectOption('reporter');
  await expect(form.getByTestId('role-help')).toContainText('replies to customers');
  const mark = sink.messages.length;
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(admin.page.getByTestId('invite-result')).toContainText('Invitation emailed to ivy@example.com');
  await expect(admin.page.getByTestId('invitation-row').filter({ hasText: 'ivy@example.com' })).toBeVisible();

  const link = await linkMailedTo('ivy@example.com', mark);
  expect(link.startsWith(`${app.url}/invite/`)).toBe(true);
  const ivyContext = await browser.newContext({ baseURL: app.url });
  const ivy = await ivyContext.newPage();
  await ivy.goto(link);
  await expect(ivy.getByTestId('invitation')).toContainText('ivy@example.com');
  await expect(ivy.getByTestId('invitation')).toContainText(PROJECT);
  await ivy.getByLabel('Your name').fill('Ivy Invited');
  await ivy.getByLabel('Choose a password').fill('ivy-password-long');
  await ivy.getByRole('button', { name: 'Create my account' }).click();
  await expect(ivy).toHaveURL(new RegExp(`/p/${PROJECT}$`));
  await expect(ivy.getByRole('heading', { name: 'Mobile App' })).toBeVisible();
  await expect(ivy.getByRole('banner')).toContainText('Ivy Invited');

  // The link worked once: opening it again says so and offers no form.
  const again = await (await browser.newContext({ baseURL: app.url })).newPage();
  await again.goto(link);
  await expect(again.getByTestId('link-problem')).toHaveAttribute('data-state', 'used');
  await admin.page.reload();
  await expect(admin.page.getByTestId('member-row').filter({ hasText: 'ivy@example.com' })).toBeVisible();
  await expect(admin.page.getByTestId('invitation-row')).toHaveCount(0);
  for (const c of [admin.context, ivyContext, again.context()]) await c.close();
});

test('a forgotten password is reset from the emailed link; the old password stops working', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(USERS.gina.email);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password/);
  await expect(page.getByLabel('Email')).toHaveValue(USERS.gina.email);
  const mark = sink.messages.length;
  await page.getByRole('button', { name: 'Email me a reset link' }).click();
  await expect(page.getByTestId('reset-requested')).toContainText(USERS.gina.email);

  const link = await linkMailedTo(USERS.gina.email, mark);
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('gina-new-password');
  await page.getByLabel('New password again').fill('gina-new-password');
  await page.getByRole('button', { name: 'Save password and sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(USERS.gina.name);

  const other = await browser.newContext({ baseURL: app.url });
  const login = await other.newPage();
  await login.goto('/login');
  await login.getByLabel('Email').fill(USERS.gina.email);
  await login.getByLabel('Password').fill(USERS.gina.password);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await expect(login.getByRole('alert')).toHaveText('Wrong email or password.');
  await login.getByLabel('Password').fill('gina-new-password');
  await login.getByRole('button', { name: 'Sign in' }).click();
  await expect(login.getByRole('heading', { name: 'Projects' })).toBeVisible();

  // The used link now shows a clear page with the way to ask again.
  await login.goto(link);
  await expect(login.getByTestId('link-problem')).toHaveAttribute('data-state', 'used');
  await expect(login.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
  await context.close();
  await other.close();
});

test('a deactivated agent\'s open tab goes to the sign-in page by itself', async ({ browser }) => {
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(`/p/${PROJECT}`);
  await expect(alice.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto('/admin');
  await admin.page.getByPlaceholder('name or email').fill('alice@');
  const row = admin.page.getByTestId('user-row').filter({ hasText: USERS.alice.email });
  await expect(admin.page.getByTestId('user-row')).toHaveCount(1);
  admin.page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('deactivated');
  // Nothing else happens in alice's tab: it notices on its own (how soon is the bench's business).
  await expect(alice.page).toHaveURL(/\/login/);
  await expect(alice.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await alice.page.getByLabel('Email').fill(USERS.alice.email);
  await alice.page.getByLabel('Password').fill(USERS.alice.password);
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(alice.page.getByRole('alert')).toContainText('deactivated');

  await row.getByRole('button', { name: 'Reactivate' }).click();
  await expect(row).not.toContainText('deactivated');
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(alice.page.getByRole('heading', { name: 'Mobile App' })).toBeVisible();
  await alice.context.close();
  await admin.context.close();
});

test.describe('single sign-on', () => {
  let idp: TestOidcProvider;
  let ssoApp: AppServer;

  test.beforeAll(async () => {
    const port = await freePort();
    idp = await startOidcProvider(`http://127.0.0.1:${port}/auth/oidc/callback`);
    idp.accounts.set('bob.d', { email: USERS.bob.email, emailVerified: true, name: 'Bob at Corp' });
    ssoApp = await startAppServer({ seed: SEED, port, env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret } });
  });
  test.afterAll(async () => {
    await ssoApp?.stop();
    await idp?.stop();
  });

  test('an agent signs in through a real OpenID provider and lands on the page they asked for', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: ssoApp.url });
    const page = await context.newPage();
    await page.goto(`/p/${PROJECT}`);
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    // The provider's own pages: sign in, then allow Threadline.
    await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
    await page.locator('input[name="login"]').fill('bob.d');
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(`${ssoApp.url}/p/${PROJECT}`);
    await expect(page.getByRole('heading', { name: 'Mobile App' })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText(USERS.bob.name);
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
    await context.close();
  });

  test('the button is the second choice beside passwords, the first stop for the keyboard, and wraps on a phone', async ({ browser }) => {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ baseURL: ssoApp.url, viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto('/login');
      const sso = page.getByRole('link', { name: 'Sign in with single sign-on' });
      const password = page.getByRole('button', { name: 'Sign in', exact: true });
      await expect(sso).toBeVisible();
      const look = (el: Element) => getComputedStyle(el).backgroundColor;
      // One primary button per form: the password form's; the provider's is outlined beside it.
      expect(await sso.evaluate(look), `${width} px`).not.toBe(await password.evaluate(look));
      await page.locator('body').focus();
      for (let i = 0; i < 3 && !(await sso.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
      await expect(sso).toBeFocused();
      expect(await sso.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
      await page.keyboard.press('Tab');
      await expect(page.getByLabel('Email')).toBeFocused();
      const box = await sso.boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
      await context.close();
    }
  });

  test('a click that opens the provider in another tab leaves this page as it was; a plain click says it is opening, and Back shows the button again', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: ssoApp.url });
    const page = await context.newPage();
    await page.goto('/login');
    const sso = page.getByTestId('sso-button');
    // Every look the button takes, reported as it changes (the page itself is about to go away).
    const looks: string[] = [];
    page.on('console', (m) => m.text().startsWith('sso: ') && looks.push(m.text().slice(5)));
    await sso.evaluate((el) => {
      const report = () => console.log(`sso: ${el.textContent ?? ''} busy=${el.getAttribute('aria-busy')}`);
      new MutationObserver(report).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    for (const how of [{ modifiers: ['ControlOrMeta' as const] }, { modifiers: ['Shift' as const] }, { button: 'middle' as const }]) {
      const opened = context.waitForEvent('page');
      await sso.click(how);
      const tab = await opened;
      await expect(tab, JSON.stringify(how)).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
      await tab.close();
      await expect(sso, `${JSON.stringify(how)}: this tab did not leave`).toHaveText('Sign in with single sign-on');
    }
    expect(looks, 'the button never said it was opening the provider here').toEqual([]);
    await sso.click();
    await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
    expect(looks).toContain('Opening your sign-in provider… busy=true');
    await page.goBack();
    await expect(page).toHaveURL(/\/login$/);
    await expect(sso).toHaveText('Sign in with single sign-on');
    await expect(sso).not.toHaveAttribute('aria-busy', 'true');
    await context.close();
  });
});

test('a sign-in provider that does not answer is named as the problem, and the button stays to try again', async ({ browser }) => {
  const down = await startAppServer({ seed: SEED, env: { OIDC_ISSUER: `http://127.0.0.1:${await freePort()}`, OIDC_CLIENT_ID: 'threadline', OIDC_CLIENT_SECRET: 'x' } });
  try {
    const context = await browser.newContext({ baseURL: down.url });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('sso-button').click();
    await expect(page).toHaveURL(/\/login\?sso_error=SSO_UNREACHABLE$/);
    await expect(page.getByRole('alert')).toHaveText(/could not reach your sign-in provider/);
    await expect(page.getByTestId('sso-button')).toHaveText('Sign in with single sign-on');
    await context.close();
  } finally {
    await down.stop();
  }
});

test('a user the admin creates on the Admin page is in the Users list at once, without a reload', async ({ browser }) => {
  const admin = await signIn(browser, app.url, USERS.admin);
  await admin.page.goto('/admin');
  await expect(admin.page.getByTestId('user-row').first()).toBeVisible();
  const form = admin.page.locator('form', { has: admin.page.getByRole('heading', { name: 'New user' }) });
  const email = `new-agent-${Date.now()}@example.com`;
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name (optional)').fill('Nora New');
  await form.getByLabel('Password').fill('nora-password-long');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form).toContainText(`Created ${email}`);
  await expect(admin.page.getByTestId('user-row').filter({ hasText: email })).toContainText('Nora New');
  await admin.context.close();
});
