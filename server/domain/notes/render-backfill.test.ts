/** Rows written before HTML was stored with them are rendered once, in the background. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { notes, tickets } from '../../../db/schema';
import { seedAdmin, seedProject, signIn, startTestApp, type TestApp } from '../../testing/test-app';
import { startRenderBackfill } from './render-backfill';

let app: TestApp;
before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
});
after(() => app.close());

test('a note and a description stored without HTML get it, rendered and sanitised, and a system note gets none', async () => {
  const admin = await signIn(app, 'admin@test.io');
  const t = await admin.trpc.tickets.create.mutate({ projectPath: 'acme/app', title: 'Old', description: '**old** <script>x</script>' });
  const n = await admin.trpc.notes.create.mutate({ projectPath: 'acme/app', iid: t.iid, body: '_older_', internal: false });
  await admin.trpc.tickets.update.mutate({ projectPath: 'acme/app', iid: t.iid, state: 'closed' });
  // As migration 0007 left every earlier row:
  await app.dc.db.write(async (tx) => {
    await tx.update(notes).set({ bodyHtml: null }).run();
    await tx.update(tickets).set({ descriptionHtml: null }).run();
  });
  const before = await admin.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.equal(before.descriptionHtml, '<p>**old** &lt;script&gt;x&lt;/script&gt;</p>', 'shown as text until rendered');

  const stop = startRenderBackfill(app.dc);
  const deadline = Date.now() + 10_000;
  const left = async () =>
    (await app.dc.db.select().from(notes).all()).some((r) => r.bodyHtml === null) ||
    (await app.dc.db.select().from(tickets).all()).some((r) => r.descriptionHtml === null);
  while ((await left()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await stop();
  const d = await admin.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.equal(d.descriptionHtml.trim(), '<p><strong>old</strong> </p>');
  assert.equal(d.notes.find((x) => x.id === n.id)?.html.trim(), '<p><em>older</em></p>');
  const system = await app.dc.db.select().from(notes).where(eq(notes.system, true)).all();
  assert.ok(system.length > 0 && system.every((r) => r.bodyHtml === ''));
});

test("the customer's own text of a ticket under an issue template is rendered again too, with today's rules (review 11)", async () => {
  const admin = await signIn(app, 'admin@test.io');
  const t = await admin.trpc.tickets.create.mutate({ projectPath: 'acme/app', title: 'Templated', description: 'Template text' });
  const climbing = '**mine** ![x](/attachments/0123456789abcdef0123456789abcdef/../../trpc/auth.me)';
  // as migration rerender_climbing_images leaves such a row
  await app.dc.db.write((tx) => tx.update(tickets).set({ customerDescription: climbing, customerDescriptionHtml: null }).where(eq(tickets.projectId, 1)).run());
  const stop = startRenderBackfill(app.dc);
  const deadline = Date.now() + 10_000;
  const row = async () => (await app.dc.db.select().from(tickets).all()).find((r) => r.iid === t.iid);
  while ((await row())?.customerDescriptionHtml == null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await stop();
  const html = (await row())?.customerDescriptionHtml ?? '';
  assert.match(html, /<strong>mine<\/strong>/);
  assert.ok(!/<img/.test(html), `the climbing image is still there: ${html}`);
});
