import { expect, PROJECT, test, USERS } from '../fixtures/test';

test('a fresh instance asks for the first administrator, then signs them in', async ({ page, freshApp }) => {
  await page.goto(`${freshApp.url}/`);
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Set up Threadline' })).toBeVisible();

  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Name').fill('Olga Owner');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  // The browser's own check stops a short password before the server sees it.
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(`${freshApp.url}/`);
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Olga Owner');
  await expect(page.getByRole('heading', { name: 'New project' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  // Setup is done: the page is gone for good.
  await page.goto(`${freshApp.url}/setup`);
  await expect(page).toHaveURL(`${freshApp.url}/`);
});

test('a wrong password is refused with the server’s message; the right one returns to the page asked for', async ({ page }) => {
  await page.goto(`/p/${PROJECT}`);
  await expect(page).toHaveURL(/\/login\?next=/);

  await page.getByLabel('Email').fill(USERS.bob.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');

  await page.getByLabel('Password').fill(USERS.bob.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${PROJECT}$`));
  await expect(page.getByRole('heading', { name: 'Mobile App' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});
