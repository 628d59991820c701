/**
 * Issue 15 item 3: nobody joins a ticket by quoting a customer's Message-ID. Mail threaded only
 * that way, from an address that is no participant, becomes a marked note; nobody is added or
 * emailed until a responder adds the sender. Threading by what we sent is unchanged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { inboundMessages, notes, outbox, serviceDeskSettings } from '../../../db/schema';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';

let app: TestApp;
let rep: Session;
const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';

function mail(opts: { from: string; id: string; inReplyTo?: string; cc?: string; subject?: string; body: string }): Buffer {
  return Buffer.from(
    `From: ${opts.from}\r\nTo: ${TO}\r\n${opts.cc ? `Cc: ${opts.cc}\r\n` : ''}Subject: ${opts.subject ?? 'Re: Invoice missing'}\r\n` +
      `Message-ID: ${opts.id}\r\n${opts.inReplyTo ? `In-Reply-To: ${opts.inReplyTo}\r\nReferences: ${opts.inReplyTo}\r\n` : ''}\r\n${opts.body}\r\n`,
  );
}
const receive = (b: Buffer) => app.mail.ingest.receive(b, { source: 'cli' });
const outboxRows = () => app.dc.db.select().from(outbox).orderBy(outbox.id).all();
const queuedSince = async (id: number) => (await outboxRows()).filter((r) => r.id > id);
const lastOutboxId = async () => (await outboxRows()).at(-1)?.id ?? 0;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  await app.dc.db.write((tx) =>
    tx.update(serviceDeskSettings).set({ addCcParticipants: true, reopenOnExternalNote: true }).where(eq(serviceDeskSettings.projectId, 1)).run(),
  );
});
after(() => app.close());

test('a stranger quoting a customer\'s Message-ID leaves a marked note: no participant, no email, until a responder adds them', async () => {
  const first = await receive(mail({ from: 'Dana <dana@customer.test>', id: '<invoice-1@customer.test>', subject: 'Invoice missing', body: 'Where is my invoice?' }));
  assert.ok(first.status === 'ticket');
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: first.iid, emails: ['colleague@customer.test'] });
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: first.iid, state: 'closed' });
  const mark = await lastOutboxId();

  const stranger = await receive(mail({
    from: 'Mallory <mallory@evil.test>',
    id: '<m-1@evil.test>',
    inReplyTo: '<invoice-1@customer.test>',
    cc: 'friend@evil.test',
    body: 'Please send the invoice to me instead: https://evil.test/pay',
  }));
  assert.ok(stranger.status === 'note');
  let t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  const note = t.notes.find((n) => n.id === stranger.noteId);
  assert.equal(note?.fromNewSender, true);
  assert.equal(note?.externalAuthor, 'mallory@evil.test');
  assert.deepEqual(t.participants.map((p) => p.email), ['dana@customer.test', 'colleague@customer.test'], 'neither the sender nor their Cc joined');
  assert.deepEqual((await queuedSince(mark)), [], 'nothing emailed: not to the stranger, and their text is not relayed to the customers');
  assert.equal(t.state, 'closed', 'a stranger does not reopen the ticket');
  assert.ok(!t.notes.some((n) => n.system && n.body.includes('evil.test')));

  // A participant quoting the same customer Message-ID is answered as before.
  const colleague = await receive(mail({ from: 'colleague@customer.test', id: '<c-1@customer.test>', inReplyTo: '<invoice-1@customer.test>', body: 'I have the same problem.' }));
  assert.ok(colleague.status === 'note');
  t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t.notes.find((n) => n.id === colleague.noteId)?.fromNewSender, false);
  assert.equal(t.state, 'opened');
  assert.deepEqual((await queuedSince(mark)).map((r) => [r.kind, r.toAddress]), [['new_note', 'dana@customer.test']]);

  // "Add as participant": the procedure the button calls.
  const mark2 = await lastOutboxId();
  const people = await rep.trpc.participants.add.mutate({ projectPath: P, iid: first.iid, emails: ['mallory@evil.test'] });
  assert.ok(people.some((p) => p.email === 'mallory@evil.test'));
  t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t.notes.at(-1)?.body, 'added mallory@evil.test');
  assert.equal(t.notes.at(-1)?.system, true);
  assert.deepEqual((await queuedSince(mark2)).map((r) => [r.kind, r.toAddress]), [['new_participant', 'mallory@evil.test']]);

  // Now a participant, the same kind of mail is an ordinary reply.
  const mark3 = await lastOutboxId();
  const again = await receive(mail({ from: 'mallory@evil.test', id: '<m-2@evil.test>', inReplyTo: '<invoice-1@customer.test>', body: 'Thanks for adding me.' }));
  assert.ok(again.status === 'note');
  t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t.notes.find((n) => n.id === again.noteId)?.fromNewSender, false);
  assert.deepEqual((await queuedSince(mark3)).map((r) => r.toAddress).sort(), ['colleague@customer.test', 'dana@customer.test']);
});

test('the ticket\'s own author quoting their Message-ID is answered as before, whatever the case of the address', async () => {
  const first = await receive(mail({ from: 'erin@customer.test', id: '<erin-1@customer.test>', subject: 'Broken login', body: 'Cannot log in.' }));
  assert.ok(first.status === 'ticket');
  const reply = await receive(mail({ from: 'Erin <ERIN@customer.test>', id: '<erin-2@customer.test>', inReplyTo: '<erin-1@customer.test>', body: 'Still broken.' }));
  assert.ok(reply.status === 'note');
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t.notes.find((n) => n.id === reply.noteId)?.fromNewSender, false);
});

test('a reply that quotes one of our Message-IDs threads as before, and its sender joins', async () => {
  const first = await receive(mail({ from: 'fay@customer.test', id: '<fay-1@customer.test>', subject: 'Slow export', body: 'Export takes an hour.' }));
  assert.ok(first.status === 'ticket');
  const thanks = (await outboxRows()).find((r) => r.toAddress === 'fay@customer.test' && r.kind === 'thank_you');
  assert.ok(thanks);
  const mark = await lastOutboxId();
  // Fay forwarded our answer to her manager, who replies to it (and quotes Fay's mail too).
  const manager = await receive(mail({ from: 'gus@customer.test', id: '<gus-1@customer.test>', inReplyTo: `${thanks.messageId} <fay-1@customer.test>`, body: 'How long until this is fixed?' }));
  assert.ok(manager.status === 'note');
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t.notes.find((n) => n.id === manager.noteId)?.fromNewSender, false);
  assert.ok(t.participants.some((p) => p.email === 'gus@customer.test'));
  assert.deepEqual((await queuedSince(mark)).map((r) => [r.kind, r.toAddress]), [['new_note', 'fay@customer.test']]);
});

// Review 9 M3: Reply-To is whatever the sender typed; SPF, DKIM and DMARC vouch for From only.
// These go through the real SMTP listener, as an attacker's mail would.
async function overSmtp(raw: Buffer): Promise<{ status: 'note'; noteId: number }> {
  const head = raw.toString().split('\r\n\r\n')[0] ?? '';
  const from = /^From: (?:.*<)?([^<>\s]+@[^<>\s]+)>?$/m.exec(head)?.[1] ?? '';
  const to = /^To: (.+)$/m.exec(head)?.[1] ?? TO;
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
  try {
    await smtp.sendMail({ envelope: { from, to: [to] }, raw });
  } finally {
    smtp.close();
  }
  const id = /^Message-ID: (.+)$/m.exec(head)?.[1] ?? '';
  const note = await app.dc.db.select({ id: notes.id }).from(notes).innerJoin(inboundMessages, eq(notes.emailId, inboundMessages.id)).where(eq(inboundMessages.messageId, id)).get();
  assert.ok(note, `a note for ${id}`);
  return { status: 'note', noteId: note.id };
}
function spoofed(opts: { from: string; replyTo: string; id: string; inReplyTo?: string; to?: string; cc?: string; body: string }): Buffer {
  return Buffer.from(
    `From: ${opts.from}\r\nReply-To: ${opts.replyTo}\r\nTo: ${opts.to ?? TO}\r\n${opts.cc ? `Cc: ${opts.cc}\r\n` : ''}Subject: Re: Secret contract\r\n` +
      `Message-ID: ${opts.id}\r\n${opts.inReplyTo ? `In-Reply-To: ${opts.inReplyTo}\r\n` : ''}\r\n${opts.body}\r\n`,
  );
}

test('a stranger who puts the customer in Reply-To is still a new sender: shown under their own From, nobody joins, nothing is emailed', async () => {
  const first = await receive(mail({ from: 'Cust <cust@victim.test>', id: '<contract-1@victim.test>', cc: 'colleague@victim.test', subject: 'Secret contract', body: 'Our secret terms.' }));
  assert.ok(first.status === 'ticket');
  const mark = await lastOutboxId();
  const eve = await overSmtp(spoofed({
    from: 'Eve <eve@attacker.test>',
    replyTo: 'Cust <cust@victim.test>',
    id: '<e-1@attacker.test>',
    inReplyTo: '<contract-1@victim.test>',
    cc: 'eve@attacker.test',
    body: 'Please also keep me in the loop.',
  }));
  assert.ok(eve.status === 'note');
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  const note = t.notes.find((n) => n.id === eve.noteId);
  assert.equal(note?.fromNewSender, true, 'a Reply-To naming the customer made the stranger a participant\'s reply');
  assert.equal(note?.externalAuthor, 'eve@attacker.test', '"Add as participant" would offer the customer, not who wrote');
  assert.deepEqual(t.participants.map((p) => p.email), ['cust@victim.test', 'colleague@victim.test'], 'the stranger joined through their Cc');
  assert.deepEqual(await queuedSince(mark), [], 'the stranger\'s text was relayed to the customers');

  // Replies the responder sends later go to the customer and the colleague only.
  const mark2 = await lastOutboxId();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'Here is the signed contract.', internal: false });
  assert.deepEqual((await queuedSince(mark2)).map((r) => r.toAddress).sort(), ['colleague@victim.test', 'cust@victim.test']);

  // The customer themselves, with a Reply-To of their own other address, is a participant's reply
  // only when that address takes part too: here it does not, so it waits for a responder as well.
  const other = await overSmtp(spoofed({ from: 'cust@victim.test', replyTo: 'cust.private@mail.test', id: '<contract-2@victim.test>', inReplyTo: '<contract-1@victim.test>', body: 'Write to my private address.' }));
  assert.ok(other.status === 'note');
  const t2 = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t2.notes.find((n) => n.id === other.noteId)?.fromNewSender, true);
  assert.equal(t2.notes.find((n) => n.id === other.noteId)?.externalAuthor, 'cust.private@mail.test');
  // The colleague writing with the customer as Reply-To (both take part) is an ordinary reply.
  const colleague = await overSmtp(spoofed({ from: 'colleague@victim.test', replyTo: 'cust@victim.test', id: '<contract-3@victim.test>', inReplyTo: '<contract-1@victim.test>', body: 'Signed on our side.' }));
  assert.ok(colleague.status === 'note');
  const t3 = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t3.notes.find((n) => n.id === colleague.noteId)?.fromNewSender, false);
  assert.equal(t3.notes.find((n) => n.id === colleague.noteId)?.externalAuthor, 'cust@victim.test', 'an ordinary reply is shown under its Reply-To, as SPEC §2 has it');
});

test('a removed participant replying to our email with a participant in Reply-To stays out, and so does their Cc', async () => {
  const first = await receive(mail({ from: 'kai@victim.test', id: '<kai-1@victim.test>', cc: 'ex.partner@elsewhere.test', subject: 'Renewal', body: 'Renewal terms?' }));
  assert.ok(first.status === 'ticket');
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'Here are the terms.', internal: false });
  const theirs = (await outboxRows()).filter((r) => r.toAddress === 'ex.partner@elsewhere.test').at(-1);
  const replyKeyAddress = (theirs?.spec as { replyTo?: string } | undefined)?.replyTo ?? '';
  assert.match(replyKeyAddress, /^incoming\+[0-9a-f]{32}@desk\.test$/);
  await rep.trpc.participants.remove.mutate({ projectPath: P, iid: first.iid, emails: ['ex.partner@elsewhere.test'] });
  const mark = await lastOutboxId();
  const back = await overSmtp(spoofed({
    from: 'ex.partner@elsewhere.test',
    replyTo: 'kai@victim.test',
    to: replyKeyAddress,
    id: '<back-1@elsewhere.test>',
    cc: 'ex.partner@elsewhere.test',
    body: 'Keep me posted.',
  }));
  assert.ok(back.status === 'note');
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  assert.equal(t.notes.find((n) => n.id === back.noteId)?.fromNewSender, true, 'a Reply-To naming a participant let a removed sender reply as a participant');
  assert.equal(t.notes.find((n) => n.id === back.noteId)?.externalAuthor, 'ex.partner@elsewhere.test');
  assert.deepEqual(t.participants.map((p) => p.email), ['kai@victim.test'], 'the removed participant is back through their Cc');
  assert.deepEqual(await queuedSince(mark), []);
});
