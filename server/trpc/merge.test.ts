/**
 * Merging tickets (issue 12, item 6): #2 into #1 moves its notes (in time order, marked), its
 * participants and its mail threading, closes #2 with a pointer, and is live for every viewer; a
 * customer answering #2's emails — by reply key or by Message-ID — lands on #1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, desc, eq } from 'drizzle-orm';
import { outbox, participants, tickets } from '../../db/schema';
import type { OutboundSpec } from '../mail/outbound/spec';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let guest: Session;
const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let clock = Date.UTC(2031, 0, 1, 9, 0);
const tick = () => (clock += 60_000);

async function email(opts: { from: string; id: string; subject: string; body: string; to?: string; inReplyTo?: string; cc?: string }) {
  tick();
  const raw =
    `From: ${opts.from}\r\nTo: ${opts.to ?? TO}\r\n${opts.cc ? `Cc: ${opts.cc}\r\n` : ''}Subject: ${opts.subject}\r\nMessage-ID: ${opts.id}\r\n` +
    `${opts.inReplyTo ? `In-Reply-To: ${opts.inReplyTo}\r\nReferences: ${opts.inReplyTo}\r\n` : ''}\r\n${opts.body}\r\n`;
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.ok(out.status === 'ticket' || out.status === 'note', `expected a ticket or note, got ${out.status}`);
  return out;
}

/** The emails we queued for a ticket, newest first: Message-ID, Reply-To (its reply key), In-Reply-To. */
async function emailsOf(iid: number) {
  const t = await app.dc.db.select().from(tickets).where(and(eq(tickets.projectId, 1), eq(tickets.iid, iid))).get();
  const rows = await app.dc.db.select().from(outbox).where(eq(outbox.ticketId, t?.id ?? 0)).orderBy(desc(outbox.id)).all();
  return rows.map((row) => {
    const spec = row.spec as OutboundSpec;
    return { messageId: spec.messageId, replyTo: spec.replyTo ?? '', inReplyTo: spec.inReplyTo };
  });
}
const lastEmailOf = async (iid: number) => (await emailsOf(iid))[0] ?? assert.fail(`no email for #${iid}`);

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  app.dc.now = () => clock;
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedUser(app, 'rep@test.io', 'Rita');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  await seedUser(app, 'guest@test.io', 'Gus');
  await seedMember(app, P, 'guest@test.io', 'guest');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
});
after(() => app.close());

test('merging #2 into #1: notes in time order with a marker, participants and threading move, #2 closes; live for viewers', async () => {
  const first = await email({ from: 'Kim <kim@acme.io>', id: '<jam-1@acme.io>', subject: 'Printer jam', body: 'The printer jams on page 2.' });
  tick();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'Try the rear tray.', internal: false });
  const second = await email({ from: 'Kim <kim@acme.io>', id: '<jam-2@acme.io>', subject: 'Printer still jammed', body: 'Still jammed, see attached.', cc: 'boss@acme.io' });
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: second.iid, emails: ['boss@acme.io'] });
  tick();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: second.iid, body: 'Which model is it?', internal: false });
  const secondsMail = await lastEmailOf(second.iid);
  // #1's thread root: the first email it sent (the thank-you).
  const firstRoot = (await emailsOf(first.iid)).at(-1)?.messageId;

  const links = async (iid: number) => (await rep.trpc.customerLinks.count.query({ projectPath: P, iid })).active;
  const [firstLinks, secondLinks] = [await links(first.iid), await links(second.iid)];
  assert.ok(secondLinks > 0, 'our emails on #2 carried customer-view links');
  const live = rep.live();
  const watcher = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  await new Promise((r) => setTimeout(r, 200));
  tick();
  const merged = await rep.trpc.tickets.merge.mutate({ projectPath: P, iid: second.iid, into: first.iid });

  const events = (await watcher.waitFor(5)).map((e) => e.data.event);
  const closing = events.find((e) => e.type === 'ticket.updated' && e.ticket.iid === second.iid);
  assert.ok(closing?.type === 'ticket.updated');
  assert.deepEqual([closing.ticket.state, closing.ticket.mergedInto, closing.previousState, closing.changes], ['closed', first.iid, 'opened', ['state', 'merged']]);
  const into = events.find((e) => e.type === 'ticket.merged');
  assert.ok(into?.type === 'ticket.merged');
  assert.deepEqual([into.ticket.iid, into.source], [first.iid, { iid: second.iid, title: 'Printer still jammed' }]);
  watcher.stop();
  live.close();

  const thread = merged.notes.filter((n) => !n.system).map((n) => [n.body.split('\n')[0], n.mergedFrom ?? null]);
  assert.deepEqual(thread, [
    ['Try the rear tray.', null],
    ['### Printer still jammed', second.iid],
    ['Which model is it?', second.iid],
  ]);
  assert.ok(merged.notes.some((n) => n.system && n.body.startsWith(`merged #${second.iid} into this ticket; added boss@acme.io`)));
  assert.deepEqual(merged.participants.map((p) => p.email), ['kim@acme.io', 'boss@acme.io']);
  assert.equal(merged.noteCount, 3);

  // The links in #2's emails now open #1's customer view.
  assert.deepEqual([await links(first.iid), await links(second.iid)], [firstLinks + secondLinks, 0]);
  const closed = await rep.trpc.tickets.get.query({ projectPath: P, iid: second.iid });
  assert.deepEqual([closed.state, closed.mergedInto], ['closed', first.iid]);
  assert.deepEqual(closed.notes.map((n) => n.body), [`merged into #${first.iid}`]);

  // The customer answers #2's email by its reply key, and by its Message-ID: both land on #1.
  const byKey = await email({ from: 'kim@acme.io', id: '<jam-3@acme.io>', subject: 'Re: Printer still jammed', body: 'It is a LaserJet 4.', to: secondsMail.replyTo });
  assert.equal(byKey.iid, first.iid);
  const byId = await email({ from: 'boss@acme.io', id: '<jam-4@acme.io>', subject: 'Re: Printer still jammed', body: 'Please hurry.', inReplyTo: secondsMail.messageId });
  assert.equal(byId.iid, first.iid);
  // Our next email on #1 keeps #1's own thread root.
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'A technician comes tomorrow.', internal: false });
  assert.equal((await lastEmailOf(first.iid)).inReplyTo, firstRoot);
});

test('what cannot be merged is refused; a merged ticket takes no more notes or changes; guests cannot merge', async () => {
  const a = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'A', confidential: false });
  const b = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'B', confidential: true });
  const c = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'C', confidential: false });
  assert.equal(await outcome(rep.trpc.tickets.merge.mutate({ projectPath: P, iid: a.iid, into: a.iid })), 'BAD_REQUEST');
  assert.equal(await outcome(guest.trpc.tickets.merge.mutate({ projectPath: P, iid: c.iid, into: a.iid })), 'FORBIDDEN');
  assert.equal(await outcome(rep.trpc.tickets.merge.mutate({ projectPath: P, iid: a.iid, into: 999 })), 'NOT_FOUND');
  // A confidential ticket merged in makes the target confidential: its text is no more visible than before.
  const target = await rep.trpc.tickets.merge.mutate({ projectPath: P, iid: b.iid, into: a.iid });
  assert.equal(target.confidential, true);
  assert.equal(await outcome(rep.trpc.tickets.merge.mutate({ projectPath: P, iid: b.iid, into: c.iid })), 'CONFLICT');
  assert.equal(await outcome(rep.trpc.tickets.merge.mutate({ projectPath: P, iid: c.iid, into: b.iid })), 'CONFLICT');
  assert.equal(await outcome(rep.trpc.notes.create.mutate({ projectPath: P, iid: b.iid, body: 'late', internal: false })), 'CONFLICT');
  assert.equal(await outcome(rep.trpc.tickets.update.mutate({ projectPath: P, iid: b.iid, state: 'opened' })), 'CONFLICT');
});

test('a merge keeps the unsubscribed unsubscribed, reopens a closed target for an open request, recomputes the wait, and keeps guests from seeing the source\'s former participants', async () => {
  // #x: the customer wrote first and never got an answer; #y: they wrote later and were answered.
  const x = await email({ from: 'Lou <lou@acme.io>', id: '<w-1@acme.io>', subject: 'Invoice wrong', body: 'My invoice is wrong; ask eve@acme.io too.', cc: 'eve@acme.io, max@acme.io' });
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: x.iid, emails: ['eve@acme.io', 'max@acme.io'] });
  await rep.trpc.participants.remove.mutate({ projectPath: P, iid: x.iid, emails: ['eve@acme.io'] });
  await app.dc.db.write((tx) =>
    tx.update(participants).set({ unsubscribedAt: clock }).where(and(eq(participants.email, 'max@acme.io'))).run(),
  );
  const y = await email({ from: 'Lou <lou@acme.io>', id: '<w-2@acme.io>', subject: 'Invoice, again', body: 'Any news?' });
  tick();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: y.iid, body: 'Fixed, a new invoice is on its way.', internal: false });
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: y.iid, state: 'closed' });
  assert.notEqual((await rep.trpc.tickets.get.query({ projectPath: P, iid: x.iid })).waitingSince, null);

  tick();
  const merged = await rep.trpc.tickets.merge.mutate({ projectPath: P, iid: x.iid, into: y.iid });
  // The open request reopened the closed target; it was answered after every customer message.
  assert.equal(merged.state, 'opened');
  assert.equal(merged.waitingSince, null);
  // Max unsubscribed from #x and stays unsubscribed on #y; Eve, removed from #x, was not added.
  assert.deepEqual(
    merged.participants.map((p) => [p.email, p.unsubscribed]),
    [['lou@acme.io', false], ['max@acme.io', true]],
  );
  // A guest reading #y (made visible to guests) sees Eve's address masked in the customer's words
  // that came with #x.
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: y.iid, confidential: false });
  const seen = await guest.trpc.tickets.get.query({ projectPath: P, iid: y.iid });
  assert.doesNotMatch(JSON.stringify(seen), /eve@acme\.io|max@acme\.io|lou@acme\.io/);
  assert.ok(seen.notes.some((n) => /ask e.*too/.test(n.body)), 'the moved description is there, masked');
});
