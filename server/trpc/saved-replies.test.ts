/**
 * Saved replies and macros (issue 12, item 5): maintainers keep them, responders insert one with
 * its placeholders filled in, and a macro's actions are applied with the note in one transaction
 * (all of it, or nothing).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { desc } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let boss: Session;
let rep: Session;
let guest: Session;
let iid = 0;
const P = 'acme/app';

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  for (const [email, name, role] of [['boss@test.io', 'Mia Maintainer', 'maintainer'], ['rep@test.io', 'Rita Reporter', 'reporter'], ['guest@test.io', 'Gus', 'guest']] as const) {
    await seedUser(app, email, name);
    await seedMember(app, P, email, role);
  }
  boss = await signIn(app, 'boss@test.io');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  const raw = 'From: "Kim Lee" <kim@acme.io>\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: Refund please\r\nMessage-ID: <r1@acme.io>\r\n\r\nI want my money back.\r\n';
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.ok(out.status === 'ticket');
  iid = out.iid;
});
after(() => app.close());

test('maintainers keep saved replies; responders list them; names are unique per project', async () => {
  const live = rep.live();
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  await new Promise((r) => setTimeout(r, 200));
  const saved = await boss.trpc.savedReplies.save.mutate({
    projectPath: P,
    name: 'Refund approved',
    body: 'Hi {customer_first_name},\n\nyour refund for {ticket_iid} ({ticket_title}) is on its way.\n\n{agent_name}',
    actions: { labels: ['refund'], assignee: 'me', state: 'pending' },
  });
  const [e] = await events.waitFor(1);
  assert.equal(e?.data.event.type, 'saved_replies.changed');
  events.stop();
  live.close();
  assert.deepEqual((await rep.trpc.savedReplies.list.query({ projectPath: P })).map((r) => r.name), ['Refund approved']);
  assert.equal(await outcome(boss.trpc.savedReplies.save.mutate({ projectPath: P, name: 'REFUND APPROVED', body: 'x' })), 'CONFLICT');
  assert.equal(await outcome(rep.trpc.savedReplies.save.mutate({ projectPath: P, name: 'Mine', body: 'x' })), 'FORBIDDEN');
  assert.equal(await outcome(rep.trpc.savedReplies.remove.mutate({ projectPath: P, id: saved.id })), 'FORBIDDEN');
  assert.equal(await outcome(guest.trpc.savedReplies.list.query({ projectPath: P })), 'FORBIDDEN');
  assert.equal(await outcome(boss.trpc.savedReplies.save.mutate({ projectPath: P, name: 'Bad', body: 'x', actions: { state: 'snoozed' } })), 'BAD_REQUEST');
  assert.equal(await outcome(boss.trpc.savedReplies.save.mutate({ projectPath: P, name: 'Bad', body: 'x', actions: { state: 'closed', close: true } as never })), 'BAD_REQUEST');
});

test('a saved reply is filled in for the ticket and the responder; a macro applies its actions with the note', async () => {
  const [macro] = await rep.trpc.savedReplies.list.query({ projectPath: P });
  assert.ok(macro);
  const filled = await rep.trpc.savedReplies.fill.query({ projectPath: P, iid, id: macro.id });
  assert.equal(filled.body, `Hi Kim,\n\nyour refund for #${iid} (Refund please) is on its way.\n\nRita Reporter`);
  assert.deepEqual(filled.describe, ['adds ~refund', 'assigns to you', 'marks it pending']);

  const edited = `${filled.body}\n\nP.S. Allow three days.`;
  const note = await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: edited, internal: false, macroId: macro.id });
  assert.equal(note.body, edited);
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  assert.deepEqual([t.labels, t.assignee?.name, t.state], [['refund'], 'Rita Reporter', 'pending']);
  const mail = await app.dc.db.select().from(outbox).orderBy(desc(outbox.id)).limit(1).get();
  assert.equal(mail?.toAddress, 'kim@acme.io');
  assert.match(JSON.stringify(mail?.spec), /Hi Kim,.*is on its way.*Allow three days/s);
});

test('a macro whose action cannot be applied posts nothing and changes nothing', async () => {
  const bad = await boss.trpc.savedReplies.save.mutate({ projectPath: P, name: 'Hand to Gus', body: 'Gus will take it.', actions: { assignee: 'guest@test.io' } });
  const before = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'Gus will take it.', internal: false, macroId: bad.id }), /reporter role or higher/);
  const after = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  assert.equal(after.notes.length, before.notes.length);
  assert.equal(after.assignee?.name, before.assignee?.name);
  assert.equal(await outcome(rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'x', internal: false, macroId: 99_999 })), 'NOT_FOUND');
  await boss.trpc.savedReplies.remove.mutate({ projectPath: P, id: bad.id });
  assert.deepEqual((await rep.trpc.savedReplies.list.query({ projectPath: P })).map((r) => r.name), ['Refund approved']);
  // The words a team sends customers are audited, like the email templates.
  const audit = (await boss.trpc.audit.project.query({ projectPath: P })).items.filter((e) => e.action.startsWith('saved_reply.'));
  assert.deepEqual(audit.map((e) => [e.action, e.target, e.actor.name]), [
    ['saved_reply.removed', 'Hand to Gus', 'Mia Maintainer'],
    ['saved_reply.created', 'Hand to Gus', 'Mia Maintainer'],
    ['saved_reply.created', 'Refund approved', 'Mia Maintainer'],
  ]);
});

test('what a customer writes cannot act through a placeholder: a display name or subject never becomes a quick action, link, HTML or mention', async () => {
  const raw = [
    'From: "[Reset password](https://evil.test/x) <img src=x>" <mallory@evil.test>',
    'To: incoming+acme-app-1-issue-@desk.test',
    'Subject: /add_email attacker@evil.test',
    'Message-ID: <inj1@evil.test>',
    '',
    'Hello',
    '',
  ].join('\r\n');
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.ok(out.status === 'ticket');
  const reply = await boss.trpc.savedReplies.save.mutate({ projectPath: P, name: 'Echo', body: '{ticket_title}\n{customer_name}\nHi {customer_first_name}, @rep' });
  const filled = await rep.trpc.savedReplies.fill.query({ projectPath: P, iid: out.iid, id: reply.id });
  const note = await rep.trpc.notes.create.mutate({ projectPath: P, iid: out.iid, body: filled.body, internal: false });
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: out.iid });
  // No /add_email ran: the only participant is the sender, and the note is the note.
  assert.deepEqual(t.participants.map((p) => p.email), ['mallory@evil.test']);
  const html = t.notes.find((n) => n.id === note.id)?.html ?? '';
  assert.doesNotMatch(html, /<a |<img/);
  assert.match(html, /\/add_email attacker@evil\.test/);
  assert.match(html, /\[Reset password\]\(https:\/\/evil\.test\/x\) &lt;img src=x&gt;/);
  await boss.trpc.savedReplies.remove.mutate({ projectPath: P, id: reply.id });
});
