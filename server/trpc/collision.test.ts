/** Nobody answers a customer twice by accident: a reply written against an older view is refused. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TRPCClientError } from '@trpc/client';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let a: Session;
let b: Session;
const P = 'acme/app';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  for (const u of ['a@test.io', 'b@test.io']) {
    await seedUser(app, u);
    await seedMember(app, P, u, 'reporter');
  }
  a = await signIn(app, 'a@test.io');
  b = await signIn(app, 'b@test.io');
  await a.trpc.tickets.create.mutate({ projectPath: P, title: 'Where is my order?', externalAuthor: 'c@customer.test' });
});
after(() => app.close());

async function code(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof TRPCClientError ? err.data?.appCode : err;
  }
}

test('B started before A replied: B is refused, then sends after seeing A\'s reply', async () => {
  const seenByB = 0; // B opened the ticket when it had no public reply
  const aNote = await a.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'Shipped today.', internal: false, seenNoteId: 0 });
  assert.equal(await code(b.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'It ships tomorrow.', internal: false, seenNoteId: seenByB })), 'REPLY_COLLISION');
  const t = await b.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assert.deepEqual(t.notes.filter((n) => !n.system).map((n) => n.body), ['Shipped today.'], 'the refused reply was not saved');
  const ok = await b.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'Correction: it ships tomorrow.', internal: false, seenNoteId: aNote.id });
  assert.ok(ok.id > aNote.id);
});

test('internal notes never collide and never count as new public activity', async () => {
  const latest = (await a.trpc.tickets.get.query({ projectPath: P, iid: 1 })).notes.filter((n) => !n.internal && !n.system).at(-1)!.id;
  await a.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'internal chatter', internal: true });
  assert.equal(await code(b.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'still fine', internal: false, seenNoteId: latest })), 'OK');
  assert.equal(await code(b.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'internal from old view', internal: true, seenNoteId: 0 })), 'OK');
});

test('of two replies racing from the same view, exactly one gets through', async () => {
  const latest = (await a.trpc.tickets.get.query({ projectPath: P, iid: 1 })).notes.filter((n) => !n.internal && !n.system).at(-1)!.id;
  const results = await Promise.all([
    code(a.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'race A', internal: false, seenNoteId: latest })),
    code(b.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'race B', internal: false, seenNoteId: latest })),
  ]);
  assert.deepEqual([...results].sort(), ['OK', 'REPLY_COLLISION']);
});
