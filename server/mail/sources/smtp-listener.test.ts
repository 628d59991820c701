/** The built-in SMTP listener through a real SMTP conversation (nodemailer as the client). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { ProjectEventEnvelope } from '../../../shared/events';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

let app: TestApp;
let rep: Session;
const TO = 'incoming+acme-app-1-issue-@desk.test';

function transport() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
}

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', MAX_EMAIL_SIZE: '65536' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'private');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
});
after(() => app.close());

test('an email becomes a ticket, live, and 250 comes only after it is stored', async () => {
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  const live = rep.live();
  const sub = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: 'acme/app', lastEventId }, h));
  try {
    const info = await transport().sendMail({
      from: 'Jane Customer <jane@example.com>',
      to: TO,
      subject: 'My order never arrived',
      text: 'Order #123 is late.\n/close\n',
      messageId: '<order-123@example.com>',
    });
    assert.match(info.response, /^250 .*Ok: ticket/);
    const tickets = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
    const t = tickets.items.find((x) => x.title === 'My order never arrived');
    assert.ok(t, 'ticket is in the queue once 250 was answered');
    assert.equal(t.externalAuthor, 'jane@example.com');
    assert.equal(t.author?.name, 'Support Bot');
    assert.equal(t.confidential, true);
    const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
    assert.match(detail.description, /^Order #123 is late\.\n`\/close`$/);
    assert.equal(detail.state, 'opened', 'a customer cannot close a ticket with a quick action');
    const [first] = await sub.waitFor(1);
    assert.equal(first?.data.event.type, 'ticket.created');
    // the live event's summary says who the author is, as the list does (the bot's row is known, not read)
    const event = first?.data.event;
    assert.deepEqual(event?.type === 'ticket.created' ? event.ticket.author : null, t.author);
    assert.equal(t.author?.bot, true);
  } finally {
    sub.stop();
    live.close();
  }
});

test('a reply threads by In-Reply-To and is reply-trimmed', async () => {
  const info = await transport().sendMail({
    from: 'jane@example.com',
    to: TO,
    subject: 'Re: My order never arrived',
    text: 'Any news?\n\nOn Mon, 2 Nov 2026 at 10:00, Support <x@desk.test> wrote:\n> earlier text\n',
    inReplyTo: '<order-123@example.com>',
    references: ['<order-123@example.com>'],
  });
  assert.match(info.response, /Ok: note/);
  const list = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  const t = list.items.find((x) => x.title === 'My order never arrived')!;
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  const note = detail.notes.find((n) => n.externalAuthor === 'jane@example.com');
  assert.ok(note);
  assert.match(note.body, /^Any news\?\n\n<details><summary>…<\/summary>[\s\S]*earlier text[\s\S]*<\/details>$/);
});

test('the same Message-ID delivered twice is one ticket', async () => {
  const mail = { from: 'bob@example.com', to: TO, subject: 'Twice', text: 'same', messageId: '<twice@example.com>' };
  const a = await transport().sendMail(mail);
  const b = await transport().sendMail(mail);
  assert.match(a.response, /Ok: ticket/);
  assert.match(b.response, /Ok: duplicate/);
  const list = await rep.trpc.tickets.list.query({ projectPath: 'acme/app', search: 'Twice' });
  assert.equal(list.items.filter((x) => x.title === 'Twice').length, 1);
});

test('never an open relay: other recipients get 550 and nothing is stored', async () => {
  const count = async () => Number((await app.dc.db.sqlGet<{ n: number }>('select count(*) n from inbound_messages'))?.n);
  const before = await count();
  await assert.rejects(
    transport().sendMail({ from: 'spammer@example.com', to: 'victim@elsewhere.test', subject: 'relay', text: 'x' }),
    (err: { responseCode?: number }) => err.responseCode === 550,
  );
  const afterCount = await count();
  assert.equal(afterCount, before);
});

test('over the size limit: 552', async () => {
  await assert.rejects(
    transport().sendMail({ from: 'big@example.com', to: TO, subject: 'huge', text: 'x'.repeat(100_000) }),
    (err: { responseCode?: number }) => err.responseCode === 552,
  );
});

test('when the message cannot be stored the listener answers 451 so the sender retries', async () => {
  // Storage fails: on SQLite the writer connection refuses writes (a real database error); on
  // PostgreSQL every write transaction fails as it would with the server unreachable.
  const db = app.dc.db;
  const sqlite = db.sqlite;
  const write = db.write;
  if (sqlite) sqlite.pragma('query_only = ON');
  else db.write = () => Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }));
  try {
    await assert.rejects(
      transport().sendMail({ from: 'later@example.com', to: TO, subject: 'retry me', text: 'x', messageId: '<retry-me@example.com>' }),
      (err: { responseCode?: number }) => err.responseCode === 451,
    );
  } finally {
    if (sqlite) sqlite.pragma('query_only = OFF');
    else db.write = write;
  }
  const again = await transport().sendMail({ from: 'later@example.com', to: TO, subject: 'retry me', text: 'x', messageId: '<retry-me@example.com>' });
  assert.match(again.response, /Ok: ticket/);
});

test('a Bcc\'d message (our address only in the envelope) becomes a ticket, and the envelope is kept for reprocessing', async () => {
  const info = await transport().sendMail({
    envelope: { from: 'bcc@example.com', to: [TO] },
    raw: 'From: bcc@example.com\r\nTo: someone-else@example.com\r\nSubject: Blind copy\r\nMessage-ID: <bcc-1@example.com>\r\n\r\nhello\r\n',
  });
  assert.match(info.response, /Ok: ticket/);
  const row = await app.dc.db.sqlGet<{ envelope_to: unknown }>("select envelope_to from inbound_messages where message_id = '<bcc-1@example.com>'");
  // SQLite returns JSON columns as text, PostgreSQL parsed
  const envelopeTo = typeof row?.envelope_to === 'string' ? JSON.parse(row.envelope_to) : row?.envelope_to;
  assert.deepEqual(envelopeTo, [TO]);
});

test('a bounce with a null envelope sender (MAIL FROM:<>) is ignored even without DSN headers, and nobody joins', async () => {
  const info = await transport().sendMail({
    envelope: { from: '', to: [TO] },
    raw: 'From: Mail Delivery <deliveries@mx.example.com>\r\nTo: ' + TO + '\r\nSubject: Your message could not be delivered\r\nMessage-ID: <bounce-1@mx.example.com>\r\n\r\nThe mailbox is full.\r\n',
  });
  assert.match(info.response, /Ok: ignored/);
  const row = await app.dc.db.sqlGet("select status, reason from inbound_messages where message_id = '<bounce-1@mx.example.com>'");
  assert.deepEqual({ ...row }, { status: 'ignored', reason: 'null-return-path' });
});

test('blank lines a relay put before the header block do not cut our Return-Path off from the message\'s headers', async () => {
  const info = await transport().sendMail({
    envelope: { from: 'walter@example.com', to: [TO] },
    raw: '\r\n\r\nFrom: Walter White <walter@example.com>\r\nTo: ' + TO + '\r\nSubject: Leading blank line\r\nMessage-ID: <leading-blank-1@example.com>\r\n\r\nThanks!\r\n',
  });
  assert.match(info.response, /Ok: ticket/);
  const tickets = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  assert.ok(tickets.items.some((t) => t.title === 'Leading blank line'));
});
