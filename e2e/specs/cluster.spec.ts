/**
 * Two Threadline nodes on one PostgreSQL (issue 9), a browser on each: what one responder does
 * on node A appears live for the other on node B — new tickets, replies, presence and typing —
 * and a node that goes away sends its browsers to the other node, where they resume.
 */
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';
import { startPostgres, type RunningPostgres } from '../../server/testing/postgres';

let pg: RunningPostgres;
let nodeA: AppServer;
let nodeB: AppServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  pg = await startPostgres();
  const databaseUrl = await pg.createDatabase('cluster_e2e');
  nodeA = await startAppServer({ seed: SEED, env: { DATABASE_URL: databaseUrl, NODE_NAME: 'a' } });
  nodeB = await startAppServer({ seed: null, env: { DATABASE_URL: databaseUrl, NODE_NAME: 'b' } });
});

test.afterAll(async () => {
  await nodeA?.stop();
  await nodeB?.stop();
  await pg?.stop();
});

test('two browsers on two nodes: tickets, replies, presence and typing appear live across nodes', async ({ browser }) => {
  const alice = await signIn(browser, nodeA.url, USERS.alice);
  const bob = await signIn(browser, nodeB.url, USERS.bob);
  const title = `Sync stops after midnight ${Date.now()}`;

  await bob.page.goto(`/p/${PROJECT}`);
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await alice.page.goto(`/p/${PROJECT}`);
  await alice.page.getByTestId('new-ticket-open').click();
  await alice.page.getByTestId('new-ticket-title').fill(title);
  await alice.page.getByTestId('new-ticket-description').fill('Created on node A.');
  await alice.page.getByTestId('new-ticket-submit').click();
  await expect(alice.page.getByTestId('ticket-title')).toHaveText(title);

  // Node B's browser hears of node A's ticket, and sees Alice viewing it.
  const row = bob.page.getByTestId('ticket-row').filter({ hasText: title });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('row-presence')).toHaveText('Alice Reporter');
  await row.getByRole('link', { name: title }).click();
  await expect(bob.page.getByTestId('presence')).toHaveText('Alice Reporter is viewing');
  await expect(alice.page.getByTestId('presence')).toHaveText('Bob Developer is viewing');

  // Typing on A shows on B.
  await alice.page.getByTestId('composer').pressSequentially('Checking the logs', { delay: 20 });
  await expect(bob.page.getByTestId('presence')).toHaveText('Alice Reporter is typing…');

  // A reply posted on B appears on A.
  const reply = 'Reproduced on node B: the token refresh fails at 00:00 UTC.';
  await bob.page.getByTestId('composer').fill(reply);
  await bob.page.getByTestId('composer-submit').click();
  await expect(alice.page.getByTestId('note').filter({ hasText: reply })).toHaveCount(1);

  // Bob leaves the ticket: his presence disappears on A.
  await bob.page.close();
  await expect(alice.page.getByTestId('presence')).toHaveCount(0, { timeout: 15_000 });
  await alice.context.close();
  await bob.context.close();
});
