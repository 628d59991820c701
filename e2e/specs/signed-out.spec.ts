/**
 * Pages a signed-out visitor sees keep the browser's console clean: a reviewer opening the sign-in
 * page with the developer tools open must not find a red 401 there. Chromium logs every failed
 * request in the console, whatever the page's code does with the answer.
 */
import type { Page } from '@playwright/test';
import { expect, PROJECT, test, USERS } from '../fixtures/test';

/** Console errors and HTTP answers of 400 and up, from now on. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}

test('the sign-in pages and a protected link, signed out, log no error and get no 4xx', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.goto(`/p/${PROJECT}`);
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByLabel('Email')).toBeVisible();
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: /password/i })).toBeVisible();
  // Settled: the app has asked everything it asks at start.
  await page.waitForLoadState('networkidle');
  expect(problems).toEqual([]);
});

test('signing out leaves a clean console too, and the app still notices the session is gone', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(USERS.bob.email);
  await page.getByLabel('Password').fill(USERS.bob.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  // The signed-in page's own requests end first: one still on its way when the cookie goes is a 401 of this test's making.
  await page.waitForLoadState('networkidle');
  const problems = watchProblems(page);
  // The session goes away without the page knowing (signed out in another tab, or expired).
  await page.context().clearCookies();
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(problems).toEqual([]);
});
