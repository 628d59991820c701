/**
 * Customers and triage rows (issue 12, items 2 and 3): every external sender is a customer with
 * the name their mail gave; queue rows carry the customer, a preview and the waiting time; the
 * queue sorts by waiting longest and filters by customer or domain; the customer page lists
 * their tickets where the caller is a responder; guests see none of it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let guest: Session;
let other: Session;
const P = 'acme/app';
const Q = 'acme/other';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let clock = Date.UTC(2031, 0, 1, 9, 0);
const minutes = (n: number) => (clock += n * 60_000);

function mail(opts: { from: string; id: string; subject?: string; body: string; to?: string; inReplyTo?: string }): Buffer {
  return Buffer.from(
    `From: ${opts.from}\r\nTo: ${opts.to ?? TO}\r\nSubject: ${opts.subject ?? 'Help'}\r\nMessage-ID: ${opts.id}\r\n` +
      `${opts.inReplyTo ? `In-Reply-To: ${opts.inReplyTo}\r\n` : ''}\r\n${opts.body}\r\n`,
  );
}
async function receive(b: Buffer) {
  const out = await app.mail.ingest.receive(b, { source: 'cli' });
  if (out.status !== 'ticket' && out.status !== 'note') throw new Error(`expected a ticket or note, got ${out.status}`);
  return out;
}

/** The first customer.updated event the stream brings (other events may come first: email sent, …). */
async function customerUpdated(events: { items: { data: ProjectEventEnvelope }[]; waitFor(n: number): Promise<unknown> }) {
  for (let n = 1; ; n++) {
    await events.waitFor(n);
    const found = events.items.find((x) => x.data.event.type === 'customer.updated');
    if (found) return found;
  }
}

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  app.dc.now = () => clock;
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedProject(app, Q);
  await seedUser(app, 'rep@test.io', 'Rita');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  await seedUser(app, 'guest@test.io');
  await seedMember(app, P, 'guest@test.io', 'guest');
  await seedUser(app, 'other@test.io');
  await seedMember(app, Q, 'other@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  other = await signIn(app, 'other@test.io');
});
after(() => app.close());

test('a sender becomes a customer with their display name; rows show customer, preview and waiting time', async () => {
  minutes(1);
  const t = await receive(mail({ from: 'Kim Lee <Kim@Acme.io>', id: '<k1@acme.io>', subject: 'Kettle broken', body: 'The **kettle** stopped heating.\n\nKim' }));
  const created = clock;
  const [row] = (await rep.trpc.tickets.list.query({ projectPath: P })).items;
  assert.equal(row?.iid, t.iid);
  assert.deepEqual({ name: row?.customer?.name, email: row?.customer?.email }, { name: 'Kim Lee', email: 'kim@acme.io' });
  assert.equal(row?.preview, 'The kettle stopped heating. Kim');
  assert.equal(row?.waitingSince, new Date(created).toISOString());
  assert.equal(row?.firstResponseAt, null);

  minutes(30);
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'Sorry to hear! Is it plugged in?', internal: false });
  const replied = clock;
  minutes(1);
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'Internal: check warranty', internal: true });
  let detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.waitingSince, null, 'our public reply ends the wait');
  assert.equal(detail.firstResponseAt, new Date(replied).toISOString());
  assert.equal(detail.preview, 'Sorry to hear! Is it plugged in?', 'internal notes are no preview');
  assert.equal(detail.customerDetail?.organization, 'acme.io');

  minutes(10);
  await receive(mail({ from: 'Kim L. <kim@acme.io>', id: '<k2@acme.io>', inReplyTo: '<k1@acme.io>', body: 'Yes it is plugged in.\n\nOn Mon, Support wrote:\n> Is it plugged in?' }));
  detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.waitingSince, new Date(clock).toISOString(), 'waiting since their last message');
  assert.equal(detail.preview, 'Yes it is plugged in.');
  assert.equal(detail.customer?.name, 'Kim L.', 'the name their latest mail gave');
  assert.equal(detail.notes.at(-1)?.externalAuthorName, 'Kim L.', 'their notes name them too');
  assert.equal(detail.firstResponseAt, new Date(replied).toISOString(), 'the first response stays the first');
});

test('"waiting longest" puts the longest wait first, answered tickets last, and pages without gaps', async () => {
  const made: number[] = [];
  for (const name of ['amy', 'bo', 'cy', 'di']) {
    minutes(5);
    made.push((await receive(mail({ from: `${name}@shop.test`, id: `<${name}@shop.test>`, subject: `From ${name}`, body: `Hi from ${name}` }))).iid);
  }
  minutes(1);
  // Bo got an answer: nobody waits on that one any more.
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: made[1] as number, body: 'Done.', internal: false });
  const first = await rep.trpc.tickets.list.query({ projectPath: P, sort: 'waiting', limit: 2 });
  const second = await rep.trpc.tickets.list.query({ projectPath: P, sort: 'waiting', limit: 2, cursor: first.nextCursor ?? undefined });
  const third = await rep.trpc.tickets.list.query({ projectPath: P, sort: 'waiting', limit: 2, cursor: second.nextCursor ?? undefined });
  const order = [...first.items, ...second.items, ...third.items].map((t) => t.title);
  // Kim's reply came before Amy wrote: Kim has waited longest.
  assert.deepEqual(order, ['Kettle broken', 'From amy', 'From cy', 'From di', 'From bo']);
  assert.equal(third.nextCursor, null);
});

test('filter by customer (from: or the picker) and by domain; counts agree; the picker finds customers', async () => {
  const byEmail = await rep.trpc.tickets.list.query({ projectPath: P, search: 'from:kim@acme.io' });
  assert.deepEqual(byEmail.items.map((t) => t.title), ['Kettle broken']);
  const byDomain = await rep.trpc.tickets.list.query({ projectPath: P, customer: '@shop.test', sort: 'newest' });
  assert.deepEqual(byDomain.items.map((t) => t.title), ['From di', 'From cy', 'From bo', 'From amy']);
  const withWords = await rep.trpc.tickets.list.query({ projectPath: P, search: 'from:@shop.test cy' });
  assert.deepEqual(withWords.items.map((t) => t.title), ['From cy']);
  assert.deepEqual(await rep.trpc.tickets.counts.query({ projectPath: P, customer: '@shop.test' }), { opened: 4, pending: 0, snoozed: 0, closed: 0 });
  const picked = await rep.trpc.customers.search.query({ projectPath: P, query: 'ki' });
  assert.deepEqual(picked.map((c) => c.email), ['kim@acme.io']);
  assert.deepEqual((await rep.trpc.customers.search.query({ projectPath: P, query: '@shop' })).map((c) => c.email), ['amy@shop.test', 'bo@shop.test', 'cy@shop.test', 'di@shop.test']);
  assert.equal(await outcome(rep.trpc.tickets.list.query({ projectPath: P, customer: 'not an address' })), 'BAD_REQUEST');
});

test('the customer page lists their tickets where the caller responds; notes reach responders live; guests see no customer', async () => {
  const kim = (await rep.trpc.tickets.list.query({ projectPath: P, search: 'from:kim@acme.io' })).items[0]?.customer;
  assert.ok(kim);
  // Kim writes to the other project too.
  minutes(1);
  await receive(mail({ from: 'kim@acme.io', id: '<k-other@acme.io>', to: 'incoming+acme-other-2-issue-@desk.test', subject: 'Other project', body: 'Hello other' }));
  const page = await rep.trpc.customers.get.query({ id: kim.id });
  assert.deepEqual(page.tickets.map((t) => [t.projectPath, t.ticket.title]), [[P, 'Kettle broken']], 'only tickets in projects the caller responds in');
  const admin = await signIn(app, 'admin@test.io');
  assert.deepEqual((await admin.trpc.customers.get.query({ id: kim.id })).tickets.map((t) => t.projectPath), [Q, P]);
  assert.equal(await outcome(guest.trpc.customers.get.query({ id: kim.id })), 'NOT_FOUND');
  const amy = (await rep.trpc.customers.search.query({ projectPath: P, query: 'amy' }))[0];
  assert.ok(amy);
  assert.equal(await outcome(other.trpc.customers.get.query({ id: amy.id })), 'NOT_FOUND', 'a customer without tickets in your projects is not found');

  const live = rep.live();
  // from a known position, not "from whenever the stream happens to start" (a busy machine)
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: P });
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
  await other.trpc.customers.update.mutate({ id: kim.id, notes: 'VIP: replace, do not repair.' });
  const e = await customerUpdated(events);
  assert.equal(e?.data.event.type, 'customer.updated');
  assert.equal(e?.data.event.type === 'customer.updated' && e.data.event.customer.notes, 'VIP: replace, do not repair.');
  events.stop();
  live.close();
  assert.equal(await outcome(guest.trpc.customers.update.mutate({ id: kim.id, notes: 'x' })), 'NOT_FOUND');
  assert.equal(await outcome(guest.trpc.customers.search.query({ projectPath: P, query: 'k' })), 'FORBIDDEN');

  const kettle = (await rep.trpc.tickets.list.query({ projectPath: P, search: 'from:kim@acme.io' })).items[0];
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: kettle?.iid ?? 0, confidential: false });
  const seenByGuest = (await guest.trpc.tickets.list.query({ projectPath: P, state: 'all' })).items;
  assert.ok(seenByGuest.length > 0, 'the guest sees the internal project\'s non-confidential tickets');
  for (const t of seenByGuest) {
    assert.equal(t.customer, null);
    assert.equal(t.externalAuthor, 'ki*****@a*****.i**');
  }
  const seen = await guest.trpc.tickets.get.query({ projectPath: P, iid: kettle?.iid ?? 0 });
  assert.equal(seen.customerDetail, null);
  assert.ok(seen.notes.every((n) => !n.externalAuthorName), 'no customer names below reporter');
  assert.deepEqual((await guest.trpc.tickets.list.query({ projectPath: P, search: 'from:@shop.test' })).items, [], 'guests cannot filter by customer');
});

test('a customer\'s notes stay with the projects they wrote to: a reporter elsewhere who creates, converts or spoofs a ticket for their address neither reads nor overwrites them (review 9 M1)', async () => {
  // Vic writes to the other project only, whose reporter keeps a note.
  minutes(1);
  await receive(mail({ from: 'Vic <vic@corp.test>', id: '<vic-1@corp.test>', to: 'incoming+acme-other-2-issue-@desk.test', subject: 'Refund', body: 'Refund please' }));
  const theirs = (await other.trpc.tickets.list.query({ projectPath: Q, search: 'from:vic@corp.test' })).items[0];
  assert.ok(theirs?.customer);
  const vic = theirs.customer;
  const secret = 'Q-PRIVATE: refund case #991, lawyer involved';
  await other.trpc.customers.update.mutate({ id: vic.id, notes: secret });

  // A reporter of this project (not of the other) gets Vic onto tickets here without Vic doing anything.
  const probe = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'probe' });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: probe.iid, body: '/convert_to_ticket vic@corp.test', internal: true });
  const created = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'probe 2', externalAuthor: 'vic@corp.test' });
  // and mail with Vic only in Reply-To (anyone can write that) is no mail from Vic either
  const spoofed = await receive(Buffer.from(`From: probe@attacker.test\r\nReply-To: vic@corp.test\r\nTo: ${TO}\r\nSubject: probe 3\r\nMessage-ID: <probe-3@attacker.test>\r\n\r\nhello\r\n`));
  for (const iid of [probe.iid, created.iid, spoofed.iid]) {
    const t = await rep.trpc.tickets.get.query({ projectPath: P, iid });
    assert.equal(t.customerDetail?.id, vic.id);
    assert.equal(t.customerDetail?.notes, '', 'the other project\'s notes are shown on a ticket made here');
    assert.equal(t.customerDetail?.notesShared, false);
  }
  const page = await rep.trpc.customers.get.query({ id: vic.id });
  assert.equal(page.customer.notes, '', 'the customer page shows the other project\'s notes');
  assert.deepEqual(page.tickets.map((t) => t.ticket.title).sort(), ['probe', 'probe 2', 'probe 3'], 'the tickets here are still listed');
  assert.equal((await rep.trpc.customers.search.query({ projectPath: P, query: 'vic' }))[0]?.notes, '');

  // Saving notes is refused with a reason, and the other project's note is untouched.
  const refused = await rep.trpc.customers.update.mutate({ id: vic.id, notes: 'overwritten' }).then(() => null, (e: { data?: { appCode?: string }; message: string }) => e);
  assert.equal(refused?.data?.appCode, 'CUSTOMER_NOTES_NOT_SHARED', 'a reporter elsewhere overwrote the notes');
  assert.match(refused?.message ?? '', /has not written to any of your projects/);
  assert.equal((await other.trpc.tickets.get.query({ projectPath: Q, iid: theirs.iid })).customerDetail?.notes, secret);

  // Live: the other project's next note reaches this project's responders without its text.
  const live = rep.live();
  // from a known position, not "from whenever the stream happens to start" (a busy machine)
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: P });
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
  await other.trpc.customers.update.mutate({ id: vic.id, notes: `${secret}; settled` });
  const e = await customerUpdated(events);
  events.stop();
  live.close();
  assert.ok(e?.data.event.type === 'customer.updated');
  assert.equal(e.data.event.customer.notes, '', 'the note went out live to a project Vic never wrote to');

  // Once Vic writes here herself, the team here shares the notes (decision 013).
  minutes(1);
  await receive(mail({ from: 'vic@corp.test', id: '<vic-2@corp.test>', subject: 'Another question', body: 'Also: invoices?' }));
  const now = await rep.trpc.tickets.get.query({ projectPath: P, iid: probe.iid });
  assert.equal(now.customerDetail?.notes, `${secret}; settled`);
  assert.equal(now.customerDetail?.notesShared, true);
  assert.equal((await rep.trpc.customers.update.mutate({ id: vic.id, notes: 'shared by both teams' })).notes, 'shared by both teams');
});

test('a display name that looks like an address is not shown as a name', async () => {
  minutes(1);
  const t = await receive(mail({ from: '"ceo@bank.test" <spoof@evil.test>', id: '<spoof@evil.test>', subject: 'Transfer', body: 'Pay now' }));
  const d = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.deepEqual({ name: d.customer?.name, email: d.customer?.email }, { name: null, email: 'spoof@evil.test' });
});
