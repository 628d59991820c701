/**
 * Replies to account emails (password reset, email change, an invitation nobody signed), through
 * real SMTP both ways: the email says that replies are not read, and a reply that reaches our
 * listener anyway is dropped quietly and recorded, never answered with an "UnknownIncomingEmail"
 * rejection (a confusing bounce to a person, a reply for an auto-responder to loop on). Mail to
 * the same address that answers nothing of ours is still rejected as before.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startSmtpSink, type SmtpSink } from '../../../e2e/fixtures/smtp-sink';
import { httpClient, seedProject, seedUser, startTestApp, type TestApp } from '../../testing/test-app';
import { sentMail } from '../../testing/customer-mail';
import { emailsTo } from '../../testing/account-links';

let sink: SmtpSink;
let app: TestApp;
const sent = sentMail(() => app, () => sink);

before(async () => {
  sink = await startSmtpSink();
  // no MAIL_FROM: account email comes From the incoming address without a key, as by default
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off`, PUBLIC_URL: 'https://desk.test' });
  await seedProject(app, 'acme/app');
  await seedUser(app, 'ada@test.io', 'Ada Lovelace');
});
after(async () => {
  await app.close();
  await sink.stop();
});

async function reply(raw: string, to = 'incoming@desk.test'): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
  try {
    return (await t.sendMail({ envelope: { from: /^From: .*?<?([^\s<>]+@[^\s<>]+)>?\r?$/m.exec(raw)![1]!, to: [to] }, raw })).response;
  } finally {
    t.close();
  }
}

async function mailLog(messageId: string): Promise<{ status: string; reason: string | null } | undefined> {
  return app.dc.db.sqlGet<{ status: string; reason: string | null }>('select status, reason from inbound_messages where message_id = ?', messageId);
}

test('a reply to a password reset is dropped quietly: recorded, no rejection, no ticket', async () => {
  await httpClient(app, { cookie: '' }).auth.requestPasswordReset.mutate({ email: 'ada@test.io' });
  const [reset] = await sent();
  assert.equal(reset!.subject, 'Reset your Threadline password');
  assert.equal(reset!.from?.value[0]?.address, 'incoming@desk.test');
  assert.equal(reset!.headers.get('auto-submitted'), 'auto-generated');
  assert.match(reset!.text ?? '', /This email was sent automatically: replies to it are not read\.\n?$/);

  const response = await reply(
    `From: Ada Lovelace <ada@test.io>\r\nTo: incoming@desk.test\r\nSubject: Re: ${reset!.subject}\r\nMessage-ID: <ada-reply-1@test.io>\r\n` +
      `In-Reply-To: ${reset!.messageId}\r\nReferences: ${reset!.messageId}\r\n\r\nI did not ask for this, who did?\r\n`,
  );
  assert.match(response, /Ok: ignored/);
  assert.deepEqual(await mailLog('<ada-reply-1@test.io>'), { status: 'ignored', reason: 'account-email-reply' });
  assert.equal((await app.dc.db.sqlAll('select id from tickets')).length, 0);

  // The next email out is the rejection of a stranger's keyless mail: nothing was sent to Ada.
  const stranger = await reply('From: bob@else.test\r\nTo: incoming@desk.test\r\nSubject: Hello?\r\nMessage-ID: <bob-1@else.test>\r\n\r\nAnyone there?\r\n');
  assert.match(stranger, /Ok: rejected/);
  const [rejection] = await sent();
  assert.deepEqual(rejection!.rcpt, ['bob@else.test']);
  assert.match(rejection!.subject ?? '', /^\[Rejected\] Hello\?/);
  assert.equal(await emailsTo(app, 'ada@test.io'), 1, 'Ada got only the reset email');
});

test('a reply naming an id of that shape from another host is not ours: rejected as before', async () => {
  const response = await reply(
    'From: eve@else.test\r\nTo: incoming@desk.test\r\nSubject: Re: something\r\nMessage-ID: <eve-1@else.test>\r\n' +
      'In-Reply-To: <account-0123456789abcdef01234567@elsewhere.test>\r\n\r\nHi\r\n',
  );
  assert.match(response, /Ok: rejected/);
  assert.deepEqual(await mailLog('<eve-1@else.test>'), { status: 'rejected', reason: 'UnknownIncomingEmail' });
});

test("a reply to a password reset that reaches a project's address (MAIL_FROM may be one) is dropped too, not a ticket holding the reset link (review 10)", async () => {
  // (the rejection of the test above goes out first)
  assert.match((await sent())[0]!.subject ?? '', /^\[Rejected\] Re: something/);
  await httpClient(app, { cookie: '' }).auth.requestPasswordReset.mutate({ email: 'ada@test.io' });
  const [reset] = await sent();
  assert.equal(reset!.subject, 'Reset your Threadline password');
  const project = 'incoming+acme-app-1-issue-@desk.test';
  const response = await reply(
    `From: Ada Lovelace <ada@test.io>\r\nTo: ${project}\r\nSubject: Re: ${reset!.subject}\r\nMessage-ID: <ada-reply-2@test.io>\r\n` +
      `In-Reply-To: ${reset!.messageId}\r\nReferences: ${reset!.messageId}\r\n\r\nThanks!\r\n\r\n> ${reset!.text?.split('\n').join('\r\n> ')}\r\n`,
    project,
  );
  assert.match(response, /Ok: ignored/);
  assert.deepEqual(await mailLog('<ada-reply-2@test.io>'), { status: 'ignored', reason: 'account-email-reply' });
  assert.equal((await app.dc.db.sqlAll('select id from tickets')).length, 0, 'the reply became a ticket');
});

test("mail to a project's address later in a thread that began with an account email (the inviter answering, the project in Cc) is a person writing to the project (review 11)", async () => {
  const project = 'incoming+acme-app-1-issue-@desk.test';
  const response = await reply(
    `From: Mia Maintainer <mia@test.io>\r\nTo: ${project}\r\nSubject: Re: Join acme/app\r\nMessage-ID: <mia-2@test.io>\r\n` +
      `In-Reply-To: <newbie-1@else.test>\r\nReferences: <account-0123456789abcdef01234567@desk.test> <newbie-1@else.test>\r\n\r\nAdding the desk: the export fails for Newbie too.\r\n`,
    project,
  );
  assert.match(response, /Ok: ticket/);
});
