/**
 * A customer's email to a closed ticket (UI pass 5): with the default ("reopen on external note"
 * off, SPEC) it stays closed, but it waits for our answer like an open one. The queue's Open tab
 * finds these with the closed list in "waiting longest" order, where they come first; our public
 * reply ends the wait; a guest does not see a confidential one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let guest: Session;
const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let clock = Date.UTC(2031, 0, 1, 9, 0);
const minutes = (n: number) => (clock += n * 60_000);

function mail(opts: { id: string; subject: string; body: string; inReplyTo?: string }): Buffer {
  return Buffer.from(
    `From: Pat <pat@customer.test>\r\nTo: ${TO}\r\nSubject: ${opts.subject}\r\nMessage-ID: ${opts.id}\r\n` +
      `${opts.inReplyTo ? `In-Reply-To: ${opts.inReplyTo}\r\n` : ''}\r\n${opts.body}\r\n`,
  );
}

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  app.dc.now = () => clock;
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedUser(app, 'rep@test.io', 'Rita');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  await seedUser(app, 'guest@test.io');
  await seedMember(app, P, 'guest@test.io', 'guest');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
});
after(() => app.close());

test('a customer’s email to a closed ticket leaves it closed and waiting; the closed list by waiting longest puts it first', async () => {
  const older = await app.mail.ingest.receive(mail({ id: '<old@customer.test>', subject: 'Old question', body: 'Old.' }), { source: 'cli' });
  minutes(1);
  const fire = await app.mail.ingest.receive(mail({ id: '<fire@customer.test>', subject: 'Printer on fire', body: 'Help.' }), { source: 'cli' });
  assert.equal(older.status, 'ticket');
  assert.equal(fire.status, 'ticket');
  if (older.status !== 'ticket' || fire.status !== 'ticket') return;
  for (const iid of [fire.iid, older.iid]) {
    minutes(1);
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid, state: 'closed' });
  }
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: P, iid: fire.iid })).waitingSince, null, 'closing ends the wait');

  minutes(5);
  const wrote = clock;
  const again = await app.mail.ingest.receive(mail({ id: '<fire2@customer.test>', subject: 'Re: Printer on fire', inReplyTo: '<fire@customer.test>', body: 'On fire again.' }), { source: 'cli' });
  assert.equal(again.status, 'note');
  const detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: fire.iid });
  assert.equal(detail.state, 'closed', 'the default does not reopen');
  assert.equal(detail.waitingSince, new Date(wrote).toISOString());

  const closed = await rep.trpc.tickets.list.query({ projectPath: P, state: 'closed', sort: 'waiting', limit: 10 });
  assert.deepEqual(
    closed.items.map((t) => [t.iid, t.waitingSince !== null]),
    [
      [fire.iid, true],
      [older.iid, false],
    ],
  );
  // Tickets are confidential by default here: a guest sees neither.
  assert.deepEqual((await guest.trpc.tickets.list.query({ projectPath: P, state: 'closed', sort: 'waiting', limit: 10 })).items, []);

  minutes(1);
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: fire.iid, body: 'The fire brigade is on its way.', internal: false });
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: P, iid: fire.iid })).waitingSince, null, 'our public reply ends the wait');
});
