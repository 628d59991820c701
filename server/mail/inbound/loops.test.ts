/**
 * Issue 15 item 8, through the real ingest pipeline: our own mail coming back, auto-responders
 * answering each other, bounces without DSN headers, rejection floods, and what an added
 * participant is told.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { outbox, participants, serviceDeskSettings, tickets } from '../../../db/schema';
import { compose } from '../outbound/compose';
import type { OutboundSpec } from '../outbound/spec';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';
import { MAX_REJECTIONS_PER_WINDOW_TOTAL } from './apply';

let app: TestApp;
let rep: Session;
const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let n = 0;

function mail(o: { from: string; to?: string; replyTo?: string; cc?: string; subject?: string; inReplyTo?: string; headers?: string; body?: string }): Buffer {
  const lines = [
    `From: ${o.from}`,
    `To: ${o.to ?? TO}`,
    o.replyTo && `Reply-To: ${o.replyTo}`,
    o.cc && `Cc: ${o.cc}`,
    `Subject: ${o.subject ?? `Loops ${n}`}`,
    `Message-ID: <loops-${++n}@sender.test>`,
    o.inReplyTo && `In-Reply-To: ${o.inReplyTo}`,
  ].filter(Boolean);
  return Buffer.from(`${lines.join('\r\n')}\r\n${o.headers ?? ''}\r\n${o.body ?? 'Hello'}\r\n`);
}
const receive = (b: Buffer) => app.mail.ingest.receive(b, { source: 'cli' });
const rows = () => app.dc.db.select().from(outbox).orderBy(outbox.id).all();
const lastOutboxId = async () => (await rows()).at(-1)?.id ?? 0;
const ticketCount = async () => (await app.dc.db.select().from(tickets).all()).length;
const people = async (iid: number) => {
  const t = (await app.dc.db.select().from(tickets).where(eq(tickets.iid, iid)).get())!;
  return app.dc.db.select().from(participants).where(eq(participants.ticketId, t.id)).orderBy(participants.id).all();
};

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', MAIL_FROM: 'support@acme.test', INGEST_RATE_LIMIT: '1000' });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  await app.dc.db.write((tx) => tx.update(serviceDeskSettings).set({ addCcParticipants: true }).where(eq(serviceDeskSettings.projectId, 1)).run());
});
after(() => app.close());

test('our own email relayed back with its headers stripped is ignored: no ticket, no participant, no reply', async () => {
  const before = { tickets: await ticketCount(), outbox: await lastOutboxId() };
  const relayed = [
    // our thank-you as a forwarder resends it: our From, our Reply-To with a reply key, no Auto-Submitted
    mail({ from: 'Support Bot <support@acme.test>', replyTo: 'incoming+0123456789abcdef0123456789abcdef@desk.test', subject: 'Re: Printer (#1)' }),
    // a list that rewrites From keeps our Reply-To
    mail({ from: 'Help Group <help-group@customer.test>', replyTo: 'incoming+fedcba9876543210fedcba9876543210@desk.test', subject: 'Re: Printer (#1)' }),
    mail({ from: 'incoming@desk.test', subject: 'Re: Printer (#1)' }),
    mail({ from: 'incoming+@desk.test', subject: 'Re: Printer (#1)' }),
  ];
  for (const raw of relayed) {
    const out = await receive(raw);
    assert.ok(out.status === 'ignored', JSON.stringify(out));
    assert.equal(out.reason, 'own-address');
  }
  assert.equal(await ticketCount(), before.tickets);
  assert.equal(await lastOutboxId(), before.outbox, 'nothing was answered');

  // A customer who copies our From address: it is not made a participant.
  const t = await receive(mail({ from: 'ivy@customer.test', cc: 'support@acme.test, Incoming <incoming+x@desk.test>, jo@customer.test', subject: 'Copying you' }));
  assert.ok(t.status === 'ticket');
  assert.deepEqual((await people(t.iid)).map((p) => p.email), ['ivy@customer.test', 'jo@customer.test']);
});

test('bounces without DSN headers are ignored and never add the bouncer as a participant', async () => {
  const t = await receive(mail({ from: 'kai@customer.test', subject: 'Password reset' }));
  assert.ok(t.status === 'ticket');
  const ours = (await rows()).find((r) => r.toAddress === 'kai@customer.test')!.messageId;
  const bounces: [Buffer, string][] = [
    [mail({ from: 'MAILER-DAEMON (Mail Delivery System)', subject: 'Undelivered Mail Returned to Sender', inReplyTo: ours }), 'mailer-daemon'],
    [mail({ from: 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@customer.test>', subject: 'Undeliverable: Re: Password reset', inReplyTo: ours }), 'bounce'],
    [mail({ from: 'Mail Delivery Subsystem <delivery@mx.customer.test>', subject: 'Delivery Status Notification (Failure)', inReplyTo: ours }), 'bounce'],
    [mail({ from: 'Mail Delivery System <mail@mx2.customer.test>', subject: 'Mail delivery failed: returning message to sender', inReplyTo: ours }), 'bounce'],
    [mail({ from: 'relay@mx3.customer.test', subject: 'Re: Password reset', inReplyTo: ours, headers: 'X-Failed-Recipients: kai@customer.test\r\n' }), 'bounce'],
  ];
  for (const [raw, reason] of bounces) {
    const out = await receive(raw);
    assert.ok(out.status === 'ignored', JSON.stringify(out));
    assert.equal(out.reason, reason);
  }
  assert.deepEqual((await people(t.iid)).map((p) => p.email), ['kai@customer.test']);
  // A customer forwarding a bounce to ask about it is still heard.
  const fwd = await receive(mail({ from: 'lou@customer.test', subject: 'Fwd: Undeliverable: Invoice 2231' }));
  assert.equal(fwd.status, 'ticket');
});

test('reports mail systems send (abuse and DMARC failure reports, SMTP TLS reports, DMARC aggregate reports) are ignored: no ticket, no thank-you', async () => {
  const before = { tickets: await ticketCount(), outbox: await lastOutboxId() };
  const part = (type: string, body: string, extra = '') => `--r\r\nContent-Type: ${type}\r\n${extra}\r\n${body}\r\n`;
  const mime = (type: string) => `MIME-Version: 1.0\r\nContent-Type: ${type}; boundary="r"\r\n`;
  const reports: [Buffer, string][] = [
    // an abuse report (ARF)
    [mail({ from: 'abusedesk@isp.test', subject: 'FW: Earn money', headers: mime('multipart/report; report-type=feedback-report'), body: part('text/plain', 'This is an email abuse report.') + part('message/feedback-report', 'Feedback-Type: abuse\r\nVersion: 1') + '--r--' }), 'report'],
    // an SMTP TLS report (RFC 8460)
    [mail({ from: 'noreply-smtp-tls-reporting@mx.test', subject: 'Report Domain: desk.test Submitter: mx.test Report-ID: <1@mx.test>', headers: mime('multipart/report; report-type=tlsrpt'), body: part('text/plain', 'This is an aggregate TLS report from mx.test') + part('application/tlsrpt+gzip', 'H4sIAAAAAAAAAwMAAAAAAAAAAAA=', 'Content-Transfer-Encoding: base64\r\n') + '--r--' }), 'report'],
    // a DMARC failure report Exchange re-wrapped as multipart/mixed, its feedback part kept
    [mail({ from: 'abuse@mail.test', subject: '[DMARC Failure Report] Rent Reminder', headers: mime('multipart/mixed'), body: part('text/plain', 'This is a spf/dkim authentication-failure report.') + part('message/feedback-report; name="ATT00001"', 'Feedback-Type: auth-failure', 'Content-Disposition: attachment; filename="ATT00001"\r\n') + '--r--' }), 'report'],
    // a DMARC aggregate report: plain mail with a zipped XML file under RFC 7489's subject
    [mail({ from: 'noreply-dmarc-support@mx.test', subject: 'Report domain: desk.test Submitter: mx.test Report-ID: 949348866075514174', headers: mime('multipart/mixed'), body: part('text/plain', '') + part('application/zip; name="mx.test!desk.test!1549929600!1550015999.zip"', 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'Content-Disposition: attachment; filename="mx.test!desk.test!1549929600!1550015999.zip"\r\nContent-Transfer-Encoding: base64\r\n') + '--r--' }), 'report'],
  ];
  for (const [raw, reason] of reports) {
    const out = await receive(raw);
    assert.ok(out.status === 'ignored', JSON.stringify(out));
    assert.equal(out.reason, reason);
  }
  assert.equal(await ticketCount(), before.tickets);
  assert.equal(await lastOutboxId(), before.outbox, 'no thank-you went to a report address');

  // a customer forwarding such a report, or writing about one, is a ticket
  const forwarded = await receive(mail({ from: 'lou@customer.test', subject: 'Fwd: Report domain: customer.test Submitter: mx.test', headers: mime('multipart/mixed'), body: part('text/plain', 'Can you read this?') + part('application/zip; name="r.zip"', 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'Content-Disposition: attachment; filename="r.zip"\r\nContent-Transfer-Encoding: base64\r\n') + '--r--' }));
  assert.ok(forwarded.status === 'ticket', JSON.stringify(forwarded));
  const asked = await receive(mail({ from: 'lou@customer.test', subject: 'Report Domain: customer.test Submitter: who?' }));
  assert.ok(asked.status === 'ticket', JSON.stringify(asked));
});

test('two auto-responders answering each other through a ticket are stopped after a few rounds', async () => {
  // Both answer every email they get, with no auto-reply headers; dates and counters change.
  const responders = ['ooo-a@customer.test', 'ooo-b@partner.test'];
  const days = ['Monday 3 March', 'Tuesday 4 March', 'Wed 5 Mar', 'Thursday 6 March', 'Friday 7 March'];
  const autoReply = (to: string, spec: OutboundSpec, i: number) =>
    mail({
      from: to,
      to: spec.replyTo,
      subject: `Automatic reply: ${spec.subject}`,
      inReplyTo: spec.messageId,
      body: `I am out of the office until ${days[i % days.length]}, 2025 and will reply on my return.\r\nReference ${1000 + i}.`,
    });
  let handled = await lastOutboxId();
  const first = await receive(mail({ from: responders[0]!, cc: responders[1], subject: 'Quarterly report' }));
  assert.ok(first.status === 'ticket');
  const outcomes: string[] = [];
  let rounds = 0;
  for (; rounds < 20; rounds++) {
    const fresh = (await rows()).filter((r) => r.id > handled && responders.includes(r.toAddress));
    if (fresh.length === 0) break;
    handled = await lastOutboxId();
    for (const r of fresh) outcomes.push((await receive(autoReply(r.toAddress, r.spec as OutboundSpec, outcomes.length))).status);
  }
  assert.ok(rounds < 20, `still looping after ${outcomes.length} auto-replies`);
  assert.ok(outcomes.length <= 6, `stopped after ${outcomes.length} auto-replies`);
  assert.ok(outcomes.every((o) => o === 'note'), 'every auto-reply is still recorded on the ticket');

  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: first.iid });
  for (const who of responders) {
    const stops = t.notes.filter((x) => x.body.startsWith(`stopped emailing ${who}: it looks like an auto-responder loop`));
    assert.equal(stops.length, 1, `one note for ${who}`);
    assert.equal(stops[0]?.internal, true);
    assert.equal(t.participants.find((p) => p.email === who)?.unsubscribed, true);
  }
  // A responder's answer now reaches nobody in the loop.
  const mark = await lastOutboxId();
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: first.iid, body: 'Anyone there?', internal: false });
  assert.deepEqual((await rows()).filter((r) => r.id > mark), []);
});

test('the same text from a person now and then is not a loop', async () => {
  const t = await receive(mail({ from: 'max@customer.test', subject: 'Still waiting' }));
  assert.ok(t.status === 'ticket');
  const key = ((await rows()).findLast((r) => r.toAddress === 'max@customer.test')!.spec as OutboundSpec).replyTo!;
  for (const body of ['Any news?', 'Thanks, any news on this?', 'Any news?']) {
    assert.equal((await receive(mail({ from: 'max@customer.test', to: key, body }))).status, 'note');
  }
  assert.equal((await people(t.iid))[0]?.unsubscribedAt, null);
});

test('rejection emails are capped in total as well as per recipient; every message is still recorded', async () => {
  const already = (await rows()).filter((r) => r.kind === 'rejection').length;
  const senders = MAX_REJECTIONS_PER_WINDOW_TOTAL - already + 3;
  for (let i = 0; i < senders; i++) {
    const out = await receive(mail({ from: `forged-${i}@victims.test`, to: 'nobody@nowhere.test', subject: `spam ${i}` }));
    assert.equal(out.status, 'rejected');
  }
  assert.equal((await rows()).filter((r) => r.kind === 'rejection').length, MAX_REJECTIONS_PER_WINDOW_TOTAL);
  const recorded = await app.dc.db.sqlGet<{ n: number }>("select count(*) n from inbound_messages where status = 'rejected' and from_address like 'forged-%'");
  assert.equal(Number(recorded?.n), senders);
});

test('an added participant is told they were added and how to reply, never the customer\'s text', async () => {
  const t = await receive(mail({ from: 'nia@customer.test', subject: 'Contract', body: 'Our account number is 99-1234, see https://customer.test/secret.png' }));
  assert.ok(t.status === 'ticket');
  const mark = await lastOutboxId();
  await rep.trpc.participants.add.mutate({ projectPath: P, iid: t.iid, emails: ['omar@partner.test'] });
  const row = (await rows()).find((r) => r.id > mark && r.kind === 'new_participant');
  assert.ok(row);
  const m = await simpleParser(await compose(row.spec as OutboundSpec));
  const html = typeof m.html === 'string' ? m.html : '';
  assert.match(m.text ?? '', /You have been added to ticket #\d+\. You will receive every public reply on it by email; reply to this email to add a comment\./);
  for (const text of [m.text ?? '', html]) {
    assert.ok(!text.includes('99-1234'), 'no customer text');
    assert.ok(!text.includes('customer.test/secret.png'), 'no customer links or images');
  }
});
