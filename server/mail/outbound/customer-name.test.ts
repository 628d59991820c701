/**
 * %{CUSTOMER_NAME} and %{CUSTOMER_FIRST_NAME} in the customer email templates (mail7 #1), through
 * a real SMTP conversation (smtp-sink): the thank-you, a reply to each participant, a rejection,
 * an unknown name, and a name written to attack (a link, HTML, a quick action).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import type { SmtpSink } from '../../../e2e/fixtures/smtp-sink';
import type { Session, TestApp } from '../../testing/test-app';
import { customerNames, fill } from './templates';
import { startDeskWithSink, sentMail } from '../../testing/customer-mail';

let sink: SmtpSink;
let app: TestApp;
let rep: Session;
const P = 'acme/names';
const TO = 'incoming+acme-names-1-issue-@desk.test';
let seq = 0;

function customerMail(o: { from: string; to?: string; subject?: string; body?: string; extra?: string }): string {
  return `From: ${o.from}\r\nTo: ${o.to ?? TO}\r\nSubject: ${o.subject ?? 'Help'}\r\nMessage-ID: <n-${++seq}@customer.test>\r\n${o.extra ?? ''}\r\n${o.body ?? 'Hello'}\r\n`;
}

async function inbound(raw: string) {
  return app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
}

/** The next `n` emails the app sends, parsed. */
const next = sentMail(() => app, () => sink);

const html = (m: ParsedMail) => (typeof m.html === 'string' ? m.html : '');

before(async () => {
  ({ sink, app, rep } = await startDeskWithSink(P, 'maintainer'));
  await rep.trpc.serviceDesk.update.mutate({ projectPath: P, addCcParticipants: true });
  await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'thank_you', body: 'Hi %{CUSTOMER_FIRST_NAME},\n\nThanks, %{CUSTOMER_NAME}! We track it as %{ISSUE_ID}.' });
  await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'new_note', body: 'Hello %{ CUSTOMER_FIRST_NAME },\n\n%{NOTE_TEXT}' });
  await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'rejection', body: 'Sorry %{CUSTOMER_FIRST_NAME}.\n\n%{REJECTION_REASON}' });
});
after(async () => {
  await app.close();
  await sink.stop();
});

test('the thank-you greets the customer by the name on their email, in text and HTML', async () => {
  const out = await inbound(customerMail({ from: '"Ada Lovelace" <ada@customer.test>', subject: 'Engine' }));
  assert.ok(out.status === 'ticket');
  const [m] = await next();
  assert.deepEqual(m!.rcpt, ['ada@customer.test']);
  assert.match(m!.text ?? '', /^Hi Ada,\n\nThanks, Ada Lovelace! We track it as #\d+\./);
  assert.match(html(m!), /<p>Hi Ada,<\/p>\s*<p>Thanks, Ada Lovelace! We track it as #\d+\.<\/p>/);
});

test('an unknown name leaves no gap: "Hi," and "Thanks!", never the address or a made-up word', async () => {
  await inbound(customerMail({ from: 'nobody@customer.test' }));
  const [bare] = await next();
  assert.match(bare!.text ?? '', /^Hi,\n\nThanks! We track it as #\d+\./);
  // a "name" that is only the address again is no name
  await inbound(customerMail({ from: '"zed@customer.test" <zed@customer.test>' }));
  const [addr] = await next();
  assert.match(addr!.text ?? '', /^Hi,\n\nThanks! We track it as #\d+\./);
  // a directory's "Last, First"
  await inbound(customerMail({ from: '"Lovelace, Ada" <ada2@customer.test>' }));
  const [dir] = await next();
  assert.match(dir!.text ?? '', /^Hi Ada,\n\nThanks, Lovelace, Ada!/);
});

test('a name written to attack stays text: no link, no HTML, no quick action', async () => {
  const evil = '"[Claim your refund](https://evil.test/x) <b>now</b> www.evil.test" <eve@customer.test>';
  await inbound(customerMail({ from: evil }));
  const [m] = await next();
  const h = html(m!);
  assert.ok(!/<a\b/i.test(h.replace(/<a href="https:\/\/desk\.test\/unsubscribe\/[0-9a-f]+">Unsubscribe<\/a>/, '')), `no link but the unsubscribe one: ${h}`);
  assert.ok(!h.includes('<b>'), 'no HTML from the name');
  assert.match(h, /Claim your refund/);
  assert.match(h, /&lt;b&gt;now&lt;\/b&gt;/);
  // a name that reads as a quick action starts escaped
  await inbound(customerMail({ from: '"/close" <q@customer.test>' }));
  const [q] = await next();
  assert.match(q!.text ?? '', /^Hi \\\/close,/);
});

test('a reply greets each participant by their own name; a rejection by the sender\'s', async () => {
  const out = await inbound(customerMail({ from: '"Grace Hopper" <grace@customer.test>', subject: 'Compiler', extra: 'Cc: "Bob Builder" <bob@customer.test>, carol@customer.test\r\n' }));
  assert.ok(out.status === 'ticket');
  const [thanks, ...welcome] = await next(3); // thank-you, then the two added participants' emails
  assert.match(thanks!.text ?? '', /^Hi Grace,/);
  assert.equal(welcome.length, 2);
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: out.iid, body: 'It is **fixed**.', internal: false });
  const replies = await next(3);
  const byRcpt = new Map(replies.map((r) => [r.rcpt[0], r.text ?? '']));
  assert.match(byRcpt.get('grace@customer.test') ?? '', /^Hello Grace,\n\nIt is \*\*fixed\*\*\./);
  assert.match(byRcpt.get('bob@customer.test') ?? '', /^Hello Bob,\n\nIt is/);
  assert.match(byRcpt.get('carol@customer.test') ?? '', /^Hello,\n\nIt is/);

  // an empty reply is rejected in the project's words, with the sender's name
  const replyTo = thanks!.replyTo!.value[0]!.address!;
  const empty = await inbound(customerMail({ from: '"Grace Hopper" <grace@customer.test>', to: replyTo, subject: 'Re: Compiler', body: '' }));
  assert.equal(empty.status, 'rejected');
  const [rej] = await next();
  assert.match(rej!.text ?? '', /^Sorry Grace\.\n\nYour email arrived empty\./);
});

test('the editor lists the name placeholders as known, and the preview fills them with the sample name', async () => {
  const list = await rep.trpc.emailTemplates.list.query({ projectPath: P });
  assert.deepEqual(list.find((t) => t.kind === 'thank_you')?.unknownPlaceholders, []);
  const preview = await rep.trpc.emailTemplates.preview.query({ projectPath: P, kind: 'new_participant', body: 'Hi %{CUSTOMER_FIRST_NAME} (%{CUSTOMER_NAME}), %{ISSUE_ID}' });
  assert.deepEqual(preview.unknownPlaceholders, []);
  assert.match(preview.text, /^Hi Ada \(Ada Lovelace\), #42/);
});

test('fill: only the name placeholders close their gap; the others keep what is around them', () => {
  assert.equal(fill('Hi %{CUSTOMER_FIRST_NAME}, ticket %{ISSUE_ID}. Thanks, %{CUSTOMER_NAME}!', { CUSTOMER_FIRST_NAME: '', CUSTOMER_NAME: '', ISSUE_ID: '#1' }), 'Hi, ticket #1. Thanks!');
  assert.equal(fill('a, %{ADDITIONAL_TEXT}b', { ADDITIONAL_TEXT: '' }), 'a, b');
  assert.equal(fill('Hi %{CUSTOMER_FIRST_NAME},', { CUSTOMER_FIRST_NAME: 'Ada' }), 'Hi Ada,');
  assert.equal(fill('x %{NOPE} y', {}), 'x %{NOPE} y');
  assert.deepEqual(customerNames('  "Ada   Lovelace" '), { name: 'Ada Lovelace', first: 'Ada' });
  assert.deepEqual(customerNames('Cher'), { name: 'Cher', first: 'Cher' });
  assert.deepEqual(customerNames(null), { name: '', first: '' });
});
