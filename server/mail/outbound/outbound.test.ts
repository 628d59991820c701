/** Customer email through a real SMTP server (smtp-sink), and the customer's replies coming back. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { SmtpSink } from '../../../e2e/fixtures/smtp-sink';
import { signIn, type Session, type TestApp } from '../../testing/test-app';
import { startDeskWithSink } from '../../testing/customer-mail';

let sink: SmtpSink;
let app: TestApp;
let rep: Session;
const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let seq = 0;

/** The raw (unfolded) value of a header, as sent. */
const header = (m: ParsedMail, name: string): string => {
  const line = m.headerLines.find((h) => h.key === name)?.line ?? '';
  return line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
};

async function inbound(raw: string) {
  return app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
}

function customerMail(opts: { from?: string; to?: string; subject?: string; body?: string; extra?: string; id?: string }): string {
  return `From: ${opts.from ?? 'Jane <jane@customer.test>'}\r\nTo: ${opts.to ?? TO}\r\nSubject: ${opts.subject ?? 'Help'}\r\nMessage-ID: ${opts.id ?? `<c-${++seq}@customer.test>`}\r\n${opts.extra ?? ''}\r\n${opts.body ?? 'Hello'}\r\n`;
}

/**
 * Messages at the sink the tests have taken (or skipped). Counted from here, not from the sink's
 * length when `next` is called: an email can reach the sink before the action that queued it
 * has even returned to the test.
 */
let taken = 0;

/** Waits for the next `n` messages at the sink and returns them parsed. */
async function next(n = 1): Promise<(ParsedMail & { rcpt: string[] })[]> {
  const from = taken;
  taken += n;
  app.mail.outbox.kick();
  const all = await sink.waitFor(from + n);
  return Promise.all(all.slice(from, from + n).map(async (c) => Object.assign(await simpleParser(c.raw), { rcpt: c.to })));
}

/** Sends what is queued and skips it: mail one test does not look at is not taken by the next. */
async function skipSent(): Promise<void> {
  await app.mail.outbox.drain();
  taken = sink.messages.length;
}

before(async () => {
  ({ sink, app, rep } = await startDeskWithSink(P, 'reporter', { SYSTEM_FOOTER: 'ACME Support Desk' }));
});
after(async () => {
  await app.close();
  await sink.stop();
});

test('a new ticket by email gets the thank-you: one recipient, GitLab headers, threading root, no link when confidential', async () => {
  const out = await inbound(customerMail({ subject: 'Printer on fire', body: 'It is on fire.' }));
  assert.ok(out.status === 'ticket');
  const [m] = await next();
  assert.ok(m);
  assert.deepEqual(m.rcpt, ['jane@customer.test']);
  assert.equal(m.subject, `Re: Printer on fire (#${out.iid})`);
  assert.equal(m.from?.value[0]?.name, 'app Support', 'the project\'s name with "Support" (GitLab says "Support Bot")');
  assert.equal(m.from?.value[0]?.address, 'incoming@desk.test');
  assert.match(m.replyTo?.value[0]?.address ?? '', /^incoming\+[0-9a-f]{32}@desk\.test$/);
  assert.equal(header(m, 'auto-submitted'), 'auto-generated');
  assert.equal(header(m, 'x-auto-response-suppress'), 'All');
  assert.match(header(m, 'list-id'), /acme-app-1\.desk\.test/);
  const key = /incoming\+([0-9a-f]{32})@/.exec(m.replyTo?.value[0]?.address ?? '')?.[1];
  const token = /unsubscribe\/([0-9a-f]{32})>/.exec(header(m, 'list-unsubscribe'))?.[1];
  assert.ok(key && token);
  assert.equal(header(m, 'list-unsubscribe'), `<https://desk.test/unsubscribe/${token}>, <mailto:incoming+${token}-unsubscribe@desk.test>`);
  assert.equal(header(m, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
  assert.match(m.messageId ?? '', /^<ticket-\d+-[0-9a-f]{24}@desk\.test>$/, 'thread root with a random part: not guessable');
  assert.match(m.text ?? '', /We are tracking your request as ticket #\d+, and will respond as soon as we can\./);
  assert.match(m.text ?? '', /ACME Support Desk/);
  assert.match(typeof m.html === 'string' ? m.html : '', /We are tracking your request as ticket #\d+/);
  assert.ok(!(m.text ?? '').includes('/-/tickets/'), 'confidential: no link to the ticket');
});

test('round trip: reply to the Reply-To, responder answers, customer answers again with References only', async () => {
  const first = await inbound(customerMail({ subject: 'Round trip', id: '<rt-1@customer.test>' }));
  assert.ok(first.status === 'ticket');
  const [thanks] = await next();
  const replyTo = thanks!.replyTo!.value[0]!.address!;
  const noteIn = await inbound(customerMail({ to: replyTo, subject: 'Re: Round trip', body: 'More details: model X200.' }));
  assert.equal(noteIn.status, 'note');

  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'Between us: known bug.', internal: true });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'Please **restart** the printer.', internal: false });
  const [reply] = await next();
  assert.ok(reply);
  assert.deepEqual(reply.rcpt, ['jane@customer.test']);
  assert.equal(reply.from?.value[0]?.name, 'Rita Responder (via app Support)');
  assert.match(reply.text ?? '', /Please \*\*restart\*\* the printer\./);
  assert.match(typeof reply.html === 'string' ? reply.html : '', /<strong>restart<\/strong>/);
  assert.ok(!(reply.text ?? '').includes('known bug'), 'the internal note was never sent');
  assert.equal(sink.messages.filter((c) => c.raw.toString().includes('known bug')).length, 0);
  const root = thanks!.messageId!;
  assert.equal(reply.inReplyTo, root);
  const refs = Array.isArray(reply.references) ? reply.references : [reply.references];
  // The customer's own first Message-ID, byte for byte, then the reply key and our thread root.
  assert.deepEqual(refs.slice(0, 1), ['<rt-1@customer.test>']);
  assert.match(refs[1] ?? '', /^<reply-[0-9a-f]{32}@desk\.test>$/);
  assert.equal(refs[2], root);
  assert.equal(thanks!.inReplyTo, '<rt-1@customer.test>', 'the thank-you answers the customer\'s email');

  // An email client that keeps only References (no key in To, no In-Reply-To) still threads.
  const back = await inbound(customerMail({ subject: 'Re: Re: Round trip', body: 'Restarted, works now.', extra: `References: <x@y> ${reply.messageId}\r\n` }));
  assert.ok(back.status === 'note');
  assert.equal(back.iid, first.iid);
});

test('one message per participant, each with its own reply key; the note author gets none', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Shared thread', externalAuthor: 'a@customer.test' });
  const [welcome] = await next();
  assert.deepEqual(welcome!.rcpt, ['a@customer.test']);
  assert.match(welcome!.text ?? '', /You have been added to ticket #\d+/);
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: t.iid, emails: ['b@customer.test'] });
  await next();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'Update for both of you.', internal: false });
  const two = await next(2);
  assert.deepEqual(two.map((m) => m.rcpt).sort(), [['a@customer.test'], ['b@customer.test']]);
  assert.notEqual(two[0]!.replyTo!.value[0]!.address, two[1]!.replyTo!.value[0]!.address);
  for (const m of two) assert.equal(header(m, 'to').split(',').length, 1, 'never a shared To list');
  // b answers by email: a is told, b is not.
  const bKey = two.find((m) => m.rcpt[0] === 'b@customer.test')!.replyTo!.value[0]!.address!;
  await inbound(customerMail({ from: 'b@customer.test', to: bKey, subject: 'Re: Shared thread', body: 'Thanks from B' }));
  const [toA] = await next();
  assert.deepEqual(toA!.rcpt, ['a@customer.test']);
  assert.match(toA!.text ?? '', /Thanks from B/);
});

test('unsubscribe: GET only confirms, POST (one-click) unsubscribes, then no more mail; mailto works too', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Unsubscribe me', externalAuthor: 'u1@customer.test' });
  const [m] = await next();
  const url = /<(https:\/\/desk\.test\/unsubscribe\/[0-9a-f]{32})>/.exec(header(m!, 'list-unsubscribe'))![1]!;
  const local = url.replace('https://desk.test', app.url);
  const page = await fetch(local);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Unsubscribe from this thread\?/);
  let detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants[0]?.unsubscribed, false, 'a GET (link scanner) changes nothing');
  const post = await fetch(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(post.status, 200);
  assert.match(await post.text(), /You have been unsubscribed from this thread\./);
  detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants[0]?.unsubscribed, true);
  assert.ok(detail.notes.some((n) => n.system && n.body === 'unsubscribed u1@customer.test'));
  const count = sink.messages.length;
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'Anyone there?', internal: false });
  await app.mail.outbox.drain();
  assert.equal(sink.messages.length, count, 'no mail after unsubscribing');

  const t2 = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Unsubscribe by mail', externalAuthor: 'u2@customer.test' });
  const [m2] = await next();
  const mailto = /<mailto:([^>]+)>/.exec(header(m2!, 'list-unsubscribe'))![1]!;
  const out = await inbound(customerMail({ from: 'u2@customer.test', to: mailto, subject: 'unsubscribe', body: '' }));
  assert.equal(out.status, 'unsubscribed');
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: P, iid: t2.iid })).participants[0]?.unsubscribed, true);
});

test('an unsubscribe link never carries the reply key, and its token can unsubscribe but never post', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Leaked footer', externalAuthor: 'leak@customer.test' });
  const [m] = await next();
  const key = /incoming\+([0-9a-f]{32})@/.exec(m!.replyTo!.value[0]!.address!)![1]!;
  const list = header(m!, 'list-unsubscribe');
  const html = typeof m!.html === 'string' ? m!.html : '';
  assert.match(m!.text ?? '', /Unsubscribe from this thread: https:\/\/desk\.test\/unsubscribe\/[0-9a-f]{32}/);
  for (const [where, text] of [['List-Unsubscribe', list], ['text footer', m!.text ?? ''], ['HTML footer', html]] as const) {
    assert.ok(!text.includes(key), `the reply key is not in the ${where}`);
  }
  const token = /unsubscribe\/([0-9a-f]{32})>/.exec(list)![1]!;

  // Whoever holds the footer link cannot post into the ticket with it.
  const posted = await inbound(customerMail({ from: 'finder@elsewhere.test', to: `incoming+${token}@desk.test`, subject: 'Re: Leaked footer', body: 'I am in' }));
  assert.ok(posted.status === 'rejected');
  assert.equal(posted.error, 'ReplyKeyNotFound');
  const viaRefs = await inbound(customerMail({ from: 'finder@elsewhere.test', to: 'incoming@desk.test', subject: 'Re: Leaked footer', body: 'I am in', extra: `References: <reply-${token}@desk.test>\r\n` }));
  assert.notEqual(viaRefs.status, 'note');
  let detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.notes.filter((n) => !n.system).length, 0, 'no note was posted');

  // The reply key does not unsubscribe either; the token does.
  assert.equal((await inbound(customerMail({ from: 'leak@customer.test', to: `incoming+${key}-unsubscribe@desk.test`, subject: 'unsubscribe', body: '' }))).status, 'rejected');
  assert.equal((await fetch(`${app.url}/unsubscribe/${key}`)).status, 404);
  const out = await inbound(customerMail({ from: 'leak@customer.test', to: `incoming+${token}-unsubscribe@desk.test`, subject: 'unsubscribe', body: '' }));
  assert.equal(out.status, 'unsubscribed');
  detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants[0]?.unsubscribed, true);
  // and the reply key still posts, as before
  assert.equal((await inbound(customerMail({ from: 'leak@customer.test', to: `incoming+${key}@desk.test`, subject: 'Re: Leaked footer', body: 'Still here' }))).status, 'note');
  await skipSent(); // the rejections
});

test('attachments of an emailed note are attached for the other participants', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'With files', externalAuthor: 'c1@customer.test' });
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: t.iid, emails: ['c2@customer.test'] });
  const mails = await next(2);
  const c1Key = mails.find((m) => m.rcpt[0] === 'c1@customer.test')!.replyTo!.value[0]!.address!;
  const body = `--b\r\nContent-Type: text/plain\r\n\r\nLog attached\r\n--b\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n\r\nERROR 42\r\n--b--`;
  await inbound(customerMail({ from: 'c1@customer.test', to: c1Key, subject: 'Re: With files', extra: 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n', body }));
  const [m] = await next();
  assert.deepEqual(m!.rcpt, ['c2@customer.test']);
  assert.deepEqual(m!.attachments.map((a) => [a.filename, a.content.toString().trim()]), [['log.txt', 'ERROR 42']]);
  assert.match(m!.text ?? '', /https:\/\/desk\.test\/attachments\/[0-9a-f]{32}\/log\.txt/);
});

test('a 550 answer marks the email failed with the server\'s reason; 4xx and a server that is down are retried', async () => {
  sink.failWith = (rcpt) => (rcpt === 'gone@customer.test' ? { code: 550, message: 'No such user here' } : null);
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Bounce', externalAuthor: 'gone@customer.test' });
  await app.mail.outbox.drain();
  const admin = await signIn(app, 'admin@test.io');
  const failed = (await admin.trpc.outbox.list.query({ status: ['failed'] })).find((r) => r.to === 'gone@customer.test');
  assert.ok(failed);
  assert.match(failed.lastError ?? '', /550.*No such user here/);
  sink.failWith = null;

  await sink.stop();
  const before = sink.messages.length;
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await rep.trpc.tickets.create.mutate({ projectPath: P, title: `Down ${i}`, externalAuthor: `down${i}@customer.test` }));
  await app.mail.outbox.drain();
  const queued = await admin.trpc.outbox.list.query({ status: ['queued'] });
  assert.ok(queued.filter((r) => r.to.startsWith('down')).every((r) => r.attempts >= 1 && r.lastError), 'attempted, kept queued with the error');
  await sink.start();
  for (const r of queued) await admin.trpc.outbox.retry.mutate({ id: r.id });
  const got = await sink.waitFor(before + 5);
  const ids = got.slice(before).map((c) => /^Message-ID: (.+)$/im.exec(c.raw.toString())?.[1]);
  assert.equal(new Set(ids).size, 5, 'five distinct messages, none twice');
  await skipSent();
});

test('the thank-you switch, a link for non-confidential tickets, and attachments over 10 MB linked not attached', async () => {
  const { eq } = await import('drizzle-orm');
  const { serviceDeskSettings, outbox } = await import('../../../db/schema');
  const { write } = await import('../../domain/core/context');
  const { sendNewNote } = await import('../../domain/customer-email/notifications');
  const { findTicket } = await import('../../domain/tickets/ticket-lookup');
  const { findProjectByPath } = await import('../../domain/accounts/access');
  const set = (s: Partial<typeof serviceDeskSettings.$inferInsert>) =>
    app.dc.db.write((tx) => tx.update(serviceDeskSettings).set(s).where(eq(serviceDeskSettings.projectId, 1)).run());

  await set({ sendThankYou: false });
  const quiet = await inbound(customerMail({ from: 'quiet@customer.test', subject: 'No thanks please' }));
  assert.equal(quiet.status, 'ticket');
  await app.mail.outbox.drain();
  assert.equal(sink.messages.filter((m) => m.to.includes('quiet@customer.test')).length, 0);
  await set({ sendThankYou: true, confidentialByDefault: false });

  const open = await inbound(customerMail({ from: 'open@customer.test', subject: 'Public one' }));
  assert.ok(open.status === 'ticket');
  const [m] = await next();
  // The customer view, never the staff page: a link that works without an account.
  assert.match(m!.text ?? '', /View ticket #\d+: https:\/\/desk\.test\/c\/\d+\.\d+\.[A-Za-z0-9_-]{32}/, 'non-confidential: linked');
  assert.ok(!(m!.text ?? '').includes('/p/acme/app/-/tickets/') && !String(m!.html).includes('/p/acme/app/-/tickets/'), 'no staff link');
  await set({ confidentialByDefault: true });

  const project = (await findProjectByPath(app.dc.db, P))!;
  const ticket = (await findTicket(app.dc.db, project.id, open.iid))!;
  const outboxRows = () => app.dc.db.select().from(outbox).orderBy(outbox.id).all();
  const before = (await outboxRows()).length;
  await write(app.dc, async (tx, _emit, at) =>
    sendNewNote(tx, app.dc.mail, {
      ticket, project, settings: undefined, body: 'big file', authorName: 'X', externalAuthor: null,
      attachments: [{ filename: 'huge.bin', sha256: 'f'.repeat(64), contentType: 'application/octet-stream', size: 11 * 1024 * 1024 }],
    }, at),
  );
  const row = (await outboxRows()).slice(before)[0]!;
  assert.equal((row.spec as { attachments?: unknown[] }).attachments, undefined, 'over 10 MB: not attached');
  await skipSent();
});

test('review regressions: a guessed thread id does not hijack a ticket; one broken email does not resend its siblings', async () => {
  const { outbox } = await import('../../../db/schema');
  const { eq } = await import('drizzle-orm');
  const victim = await inbound(customerMail({ from: 'victim@customer.test', subject: 'Private matter' }));
  assert.ok(victim.status === 'ticket');
  await next();
  const ticketId = (await app.dc.db.sqlGet<{ id: number }>('select id from tickets where iid = ?', victim.iid))!;
  const attack = await inbound(customerMail({ from: 'attacker@evil.test', subject: 'Re: hi', extra: `References: <ticket-${ticketId.id}@desk.test>\r\n` }));
  assert.equal(attack.status, 'ticket', 'a new ticket of its own, not a note on the victim\'s');

  // Three emails queued at once; the middle one cannot be composed (its attachment is gone).
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Siblings', externalAuthor: 's1@customer.test' });
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: t.iid, emails: ['s2@customer.test', 's3@customer.test'] });
  await app.mail.outbox.drain();
  const before = sink.messages.length;
  await app.mail.outbox.stop();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'To all three', internal: false });
  const rows = await app.dc.db.select().from(outbox).where(eq(outbox.status, 'queued')).orderBy(outbox.id).all();
  assert.equal(rows.length, 3);
  const broken = rows[1]!;
  const spec = { ...(broken.spec as object), attachments: [{ filename: 'gone.bin', sha256: '0'.repeat(64), contentType: 'application/octet-stream' }] };
  await app.dc.db.write((tx) => tx.update(outbox).set({ spec }).where(eq(outbox.id, broken.id)).run());
  const { createOutboxWorker } = await import('./worker');
  const { createSmtpTransport } = await import('./smtp-transport');
  const { createAttachmentStore } = await import('../../files/attachment-store');
  const worker = createOutboxWorker(app.dc, createSmtpTransport(`${sink.url}?tls=off`), { store: createAttachmentStore(app.dataDir, app.dc.db) });
  await worker.drain();
  await worker.drain();
  await worker.stop();
  assert.equal(sink.messages.length, before + 2, 'each healthy email exactly once');
  const failed = (await app.dc.db.select().from(outbox).where(eq(outbox.id, broken.id)).get())!;
  assert.equal(failed.status, 'failed');
  assert.match(failed.lastError ?? '', /Could not be composed/);
});

test('a reply sent to our bare From address (not the Reply-To) still threads by In-Reply-To', async () => {
  // Runs after the outbox was stopped above: the thank-you is composed by hand from the queue.
  const first = await inbound(customerMail({ from: 'fromonly@customer.test', subject: 'Reply to From' }));
  assert.ok(first.status === 'ticket');
  const row = (await app.dc.db.sqlGet<{ message_id: string }>("select message_id from outbox where to_address = 'fromonly@customer.test'"))!;
  const reply = await inbound(customerMail({ from: 'fromonly@customer.test', to: 'incoming@desk.test', subject: 'Re: Reply to From', body: 'Answering the From address', extra: `In-Reply-To: ${row.message_id}\r\n` }));
  assert.ok(reply.status === 'note');
  assert.equal(reply.iid, first.iid);
});
