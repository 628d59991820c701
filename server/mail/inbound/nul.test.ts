/**
 * NUL characters (`=00` in a quoted-printable subject or body) are not text: SQLite would store
 * them, PostgreSQL refuses them — and then the message could be neither stored nor quarantined.
 * On both engines the message becomes a ticket without them, and the API refuses NUL with a
 * precise message.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, outcome, type Session, type TestApp } from '../../testing/test-app';

let app: TestApp;
let rep: Session;
const TO = 'incoming+acme-app-1-issue-@desk.test';

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
});
after(() => app.close());

test('a mail with NUL in its subject, sender name and body becomes a ticket without them', async () => {
  const raw = [
    'From: =?utf-8?q?Ann=00e?= <nul@customer.test>',
    `To: ${TO}`,
    'Subject: =?utf-8?q?Printer=00_on_fire?=',
    'Message-ID: <nul-1@customer.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'It smokes=00 a lot.',
    '',
  ].join('\r\n');
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.equal(out.status, 'ticket', JSON.stringify(out));
  const t = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: 1 });
  assert.equal(t.title, 'Printer on fire');
  assert.ok(!t.description.includes('\u0000'));
  assert.match(t.description, /It smokes a lot\./);
});

test('the API refuses NUL in a note with a precise message', async () => {
  const err = await outcome(rep.trpc.notes.create.mutate({ projectPath: 'acme/app', iid: 1, body: 'a\u0000b', internal: true }));
  assert.equal(err, 'BAD_REQUEST');
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: 'acme/app', iid: 1, body: 'a\u0000b', internal: true }), /NUL/);
});
