/**
 * PostgreSQL: the search indexer fills `search_doc` of new tickets and notes after their commit,
 * and search finds them before and after (issue 14). On SQLite (FTS5 triggers) there is nothing
 * to wait for; the search part runs there too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedProject, signIn, startTestApp, TEST_ENGINE, type TestApp } from '../../testing/test-app';

let app: TestApp;
before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
});
after(() => app.close());

test('a new ticket and note are found at once, and their documents are stored soon after', async () => {
  const admin = await signIn(app, 'admin@test.io');
  const t = await admin.trpc.tickets.create.mutate({ projectPath: 'acme/app', title: 'Kettle', description: 'The kettle whistles in octaves' });
  await admin.trpc.notes.create.mutate({ projectPath: 'acme/app', iid: t.iid, body: 'Tried descaling with vinegar', internal: false });
  const found = async (search: string) => (await admin.trpc.tickets.list.query({ projectPath: 'acme/app', search })).items;
  const iidsOf = (items: { iid: number }[]) => items.map((x) => x.iid);
  assert.deepEqual(iidsOf(await found('octaves')), [t.iid]);
  assert.deepEqual(iidsOf(await found('vinegar')), [t.iid]);
  if (TEST_ENGINE !== 'pg') return;
  const deadline = Date.now() + 10_000;
  const missing = async () =>
    Number((await app.dc.db.sqlGet<{ n: number }>('select (select count(*) from tickets where search_doc is null) + (select count(*) from notes where search_doc is null and system = false) as n'))?.n);
  while ((await missing()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  assert.equal(await missing(), 0, 'every document stored by the indexer');
  assert.deepEqual(iidsOf(await found('octaves')), [t.iid]);
  assert.deepEqual(iidsOf(await found('vinegar')), [t.iid]);
});
