/** Quick actions typed by responders, through notes.create over HTTP. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
const P = 'acme/app';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'alice@test.io', 'Alice');
  await seedMember(app, P, 'alice@test.io', 'reporter');
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

test('quick actions refuse exactly what the API refuses, with a precise message, and change nothing', async () => {
  const { iid } = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Validated like the API' });
  const note = (body: string) => rep.trpc.notes.create.mutate({ projectPath: P, iid, body, internal: true });
  const failed = (message: RegExp) => (err: { data?: { code?: string; appCode?: string }; message?: string }) =>
    err.data?.code === 'BAD_REQUEST' && err.data.appCode === 'QUICK_ACTION_FAILED' && message.test(err.message ?? '');
  const labels = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  assert.equal(await outcome(rep.trpc.tickets.update.mutate({ projectPath: P, iid, labels: labels(51) })), 'BAD_REQUEST');
  await assert.rejects(note(`Tagging.\n/label ${labels(51).map((l) => `~${l}`).join(' ')}`), failed(/^Could not apply label command: A ticket can have at most 50 labels\.$/));
  await assert.rejects(note('Tagging.\n/label ~billing,urgent'), failed(/^Could not apply label command: "billing,urgent": Label names cannot contain commas\.$/));
  await assert.rejects(note(`Tagging.\n/label ~${'x'.repeat(5000)}`), failed(/^Could not apply label command: "x{40}…": Label names must be at most 100 characters\.$/));

  // An address the old check let through: the API refuses it, and now /add_email does too.
  const bad = 'bob@customer..test';
  assert.equal(await outcome(rep.trpc.participants.add.mutate({ projectPath: P, iid, emails: [bad] })), 'BAD_REQUEST');
  await assert.rejects(note(`Adding.\n/add_email ok@customer.test ${bad}`), failed(/^No email participants were added\. "bob@customer\.\.test": Enter a valid email address\.$/));
  await assert.rejects(note(`/convert_to_ticket ${bad}`), failed(/format was invalid/));

  // `/label` adds to what the ticket has: the total is held to the API's limit too.
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid, labels: labels(30) });
  await assert.rejects(note(`/label ${labels(21, 'm').map((l) => `~${l}`).join(' ')}`), failed(/^Could not apply label command: A ticket can have at most 50 labels\.$/));
  await note(`/label ${labels(20, 'm').map((l) => `~${l}`).join(' ')} ~L0`);

  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  assert.equal(t.labels.length, 50);
  assert.deepEqual(t.participants, []);
  assert.deepEqual(t.notes.filter((n) => !n.system).map((n) => n.body), [], 'no refused note was posted');
});

test('participants that mail brought in with unusual addresses can still be removed, by API and by /remove_email', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Odd addresses' });
  const { participants } = await import('../../db/schema');
  await app.dc.db.write(async (tx) => {
    for (const email of ['a@localhost', 'b@[10.1.2.3]', 'd@example.c0m']) {
      await tx.insert(participants).values({ ticketId: t.id, email, createdAt: Date.now() }).run();
    }
  });
  await rep.trpc.participants.remove.mutate({ projectPath: P, iid: t.iid, emails: ['a@localhost'] });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: '/remove_email b@[10.1.2.3]', internal: true });
  const after = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.deepEqual(after.participants.map((p) => p.email), ['d@example.c0m']);
  assert.equal(await outcome(rep.trpc.participants.remove.mutate({ projectPath: P, iid: t.iid, emails: ['x@y\r\nBcc: z@w'] })), 'BAD_REQUEST');
  assert.equal(await outcome(rep.trpc.participants.add.mutate({ projectPath: P, iid: t.iid, emails: ['e@localhost'] })), 'BAD_REQUEST', 'adding still takes only addresses the API accepts');
});

test('a note and its commands commit together: a command refused in the transaction posts nothing and changes nothing', async () => {
  const { iid } = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Nearly full' });
  const emails = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}@customer.test`);
  await rep.trpc.participants.add.mutate({ projectPath: P, iid, emails: emails(6, 'a') });
  await rep.trpc.participants.add.mutate({ projectPath: P, iid, emails: emails(3, 'b') });
  const before = await rep.trpc.tickets.get.query({ projectPath: P, iid });

  await assert.rejects(
    rep.trpc.notes.create.mutate({ projectPath: P, iid, body: `Closing and copying in two more.\n/close\n/label ~escalated\n/add_email ${emails(2, 'c').join(' ')}`, internal: false }),
    /at most 10 external participants/,
  );
  const after = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  assert.equal(after.state, 'opened');
  assert.deepEqual(after.labels, []);
  assert.deepEqual(after.participants, before.participants);
  assert.deepEqual(after.notes, before.notes, 'neither the note nor the system notes of the commands before the refused one were kept');
});
