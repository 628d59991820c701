/** Quick actions typed by responders, through notes.create over HTTP. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
const P = 'acme/app';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  seedProject(app, P);
  await seedUser(app, 'alice@test.io', 'Alice');
  seedMember(app, P, 'alice@test.io', 'reporter');
  rep = await signIn(app, 'alice@test.io');
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Typed in by hand' });
});
after(() => app.close());

test('commands run and leave the note; the rest is posted', async () => {
  const note = await rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'Taking this.\n/assign @alice\n/label ~billing ~"needs review"\n/add_email c1@customer.test c2@customer.test', internal: true });
  assert.equal(note.body, 'Taking this.');
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assert.equal(t.assignee?.name, 'Alice');
  assert.deepEqual(t.labels, ['billing', 'needs review']);
  assert.deepEqual(t.participants.map((p) => p.email), ['c1@customer.test', 'c2@customer.test']);
});

test('a note of only commands posts nothing but the system notes', async () => {
  const before = (await rep.trpc.tickets.get.query({ projectPath: P, iid: 1 })).notes.filter((n) => !n.system).length;
  const last = await rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: '/close\n/remove_email c2@customer.test', internal: false });
  assert.equal(last.system, true);
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assert.equal(t.state, 'closed');
  assert.deepEqual(t.participants.map((p) => p.email), ['c1@customer.test']);
  assert.equal(t.notes.filter((n) => !n.system).length, before);
});

test('errors are refused before anything happens, with GitLab\'s wording', async () => {
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'hi\n/assign @nobody', internal: false }), /no member with the reporter role or higher matches @nobody/);
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: '/convert_to_ticket', internal: false }), /Cannot convert to ticket because no email was provided or the format was invalid\./);
  const fresh = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Will be converted' });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: fresh.iid, body: '/convert_to_ticket buyer@customer.test', internal: false });
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: fresh.iid });
  assert.equal(t.externalAuthor, 'buyer@customer.test');
  assert.equal(t.author?.bot, true);
  assert.deepEqual(t.participants.map((p) => p.email), ['buyer@customer.test']);
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: P, iid: fresh.iid, body: '/convert_to_ticket x@customer.test', internal: false }), /because it is already a ticket/);
});
