/**
 * Review item 2: a system note can quote outside text (a title change quotes the old title, a
 * customer's email subject). An impossible "YYYY-MM-DD HH:MM UTC" in it stays plain text, and the
 * ticket page renders; a real moment beside it still shows on the reader's clock.
 */
import { expect, PROJECT, signIn, test, USERS } from '../fixtures/test';

test('an impossible UTC moment in an old title stays text, and the ticket page still renders', async ({ browser, app }) => {
  const b = await signIn(browser, app.url, USERS.bob);
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(e.message));
  const run = Date.now();
  const hostile = `Order 2025-99-99 99:99 UTC ${run}`;
  const renamed = `Order ${run} (renamed)`;
  const until = new Date(Math.floor(run / 60_000) * 60_000 + 7 * 86_400_000).toISOString();
  await b.page.goto(`/p/${PROJECT}`);
  const iid = await b.page.evaluate(
    async ({ projectPath, hostile, renamed, until }) => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { result: { data: { iid: number } } }).result.data;
      };
      const { iid } = await post('tickets.create', { projectPath, title: hostile, confidential: false });
      await post('tickets.update', { projectPath, iid, title: renamed });
      await post('tickets.update', { projectPath, iid, state: 'snoozed', snoozedUntil: until });
      return iid;
    },
    { projectPath: PROJECT, hostile, renamed, until },
  );

  await b.page.goto(`/p/${PROJECT}/-/tickets/${iid}`);
  await expect(b.page.getByTestId('ticket-title')).toHaveText(renamed);
  const titleNote = b.page.locator('[data-system="true"]').filter({ hasText: 'changed title' });
  await expect(titleNote).toContainText(`changed title from ${hostile} to ${renamed}`);
  await expect(titleNote.locator('time:not(.note-time)')).toHaveCount(0);
  // A real moment (the snooze note) is still shown as a <time> naming its instant.
  const snoozeNote = b.page.locator('[data-system="true"]').filter({ hasText: /snoozed/i });
  await expect(snoozeNote.locator(`time[datetime="${until.slice(0, 16)}:00Z"]`)).toHaveCount(1);
  await expect(b.page.getByTestId('composer')).toBeVisible();
  expect(errors).toEqual([]);
  await b.context.close();
});
