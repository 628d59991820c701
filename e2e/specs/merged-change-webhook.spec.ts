/**
 * Issue 13, part 2, in real browsers: the admin sets up the project's webhook on the Service Desk
 * page (reveals the secret); a signed GitHub-style delivery of a merged pull request that says
 * "Fixes #n" is posted from outside; a responder watching the ticket and another watching the
 * queue see it close live, with a note linking the pull request; the settings page lists the
 * delivery, and a wrongly signed one as refused.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('a merged pull request closes the ticket it fixes, live for responders; the settings page shows the delivery', async ({ browser, app }) => {
  const run = Date.now();
  const title = `Export crashes ${run}`;
  const admin = await signIn(browser, app.url, USERS.admin);
  const iid = await admin.page.evaluate(async ({ projectPath, title }) => {
    const res = await fetch('/trpc/tickets.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ projectPath, title, confidential: false }) });
    return ((await res.json()) as { result: { data: { iid: number } } }).result.data.iid;
  }, { projectPath: PROJECT, title });

  // The admin copies the webhook's URL and secret from the Service Desk page.
  await admin.page.goto(`/p/${PROJECT}/-/service-desk`);
  const panel = admin.page.getByTestId('webhook-panel');
  await expect(panel.getByTestId('webhook-url')).toContainText('/hooks/');
  await panel.getByTestId('reveal-webhook-secret').click();
  await expect(panel.getByTestId('webhook-secret')).toBeVisible();
  const url = (await panel.getByTestId('webhook-url').textContent()) ?? '';
  const secret = (await panel.getByTestId('webhook-secret').textContent()) ?? '';
  const path = new URL(url).pathname;

  // Alice watches the ticket, Bob the queue.
  const alice = await signIn(browser, app.url, USERS.alice);
  await alice.page.goto(`/p/${PROJECT}/-/tickets/${iid}`);
  await expect(alice.page.getByTestId('ticket-state')).toHaveText('Open');
  const bob = await signIn(browser, app.url, USERS.bob);
  await bob.page.goto(`/p/${PROJECT}?state=all&search=${run}`);
  const row = bob.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toHaveAttribute('data-state', 'opened');
  for (const s of [alice, bob]) await s.page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', 'yes'));

  // GitHub delivers: first with a wrong signature (refused), then signed with the secret.
  const prUrl = `https://github.com/acme/mobile-app/pull/${run % 1000}`;
  const body = JSON.stringify({
    action: 'closed',
    number: run % 1000,
    pull_request: { number: run % 1000, html_url: prUrl, title: 'Stream the export', body: `This streams rows.\n\nFixes #${iid}`, state: 'closed', merged: true },
    repository: { full_name: 'acme/mobile-app' },
    sender: { login: 'octocat' },
  });
  const post = (signature: string) =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
      body,
    });
  expect((await post(`sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`)).status).toBe(401);
  expect((await post(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)).status).toBe(200);

  // Live, without a reload: the ticket closes for Alice, with a note linking the pull request.
  await expect(alice.page.getByTestId('ticket-state')).toHaveText('Closed');
  const note = alice.page.getByTestId('note').filter({ hasText: 'GitHub pull request' });
  await expect(note).toContainText('Support Bot');
  await expect(note).toContainText('“Stream the export” was merged');
  await expect(note.getByTestId('system-note-link')).toHaveAttribute('href', prUrl);
  // Bob's queue row turns closed.
  await expect(row).toHaveAttribute('data-state', 'closed');
  for (const s of [alice, bob]) expect(await s.page.evaluate(() => document.documentElement.getAttribute('data-e2e-same-page'))).toBe('yes');

  // The settings page, still open, lists both deliveries.
  const deliveries = panel.getByTestId('webhook-delivery');
  await expect(deliveries.filter({ hasText: `closed #${iid}` })).toHaveAttribute('data-outcome', 'closed');
  await expect(deliveries.filter({ hasText: 'wrong X-Hub-Signature-256 signature' })).toHaveAttribute('data-outcome', 'refused');
  // And after a reload too.
  await admin.page.reload();
  await expect(admin.page.getByTestId('webhook-delivery').filter({ hasText: `closed #${iid}` })).toContainText('GitHub');

  // The resolved email: a fourth template beside the others, with its preview, off until turned on.
  await expect(admin.page.getByTestId('sd-sendResolved')).not.toBeChecked();
  await admin.page.getByRole('tab', { name: 'Resolved' }).click();
  await expect(admin.page.getByTestId('template-body')).toHaveValue(/has been resolved/);
  await expect(admin.page.frameLocator('[data-testid="template-preview"]').locator('body')).toContainText('Good news: ticket #42 has been resolved.');
  await admin.page.getByTestId('sd-sendResolved').check();
  await admin.page.reload();
  await expect(admin.page.getByTestId('sd-sendResolved')).toBeChecked();
  // The server is shared with the worker's other specs: leave the project as it was.
  await admin.page.getByTestId('sd-sendResolved').uncheck();
  await expect(admin.page.getByTestId('sd-sendResolved')).not.toBeChecked();
  for (const s of [admin, alice, bob]) await s.context.close();
});
