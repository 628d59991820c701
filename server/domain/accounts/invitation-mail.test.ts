/**
 * The invitation email as the invitee reads it (mail7 #2, ui6 #13), through a real SMTP
 * conversation: plain wording with and without a project, From the instance's address in the
 * inviter's name, and replies that reach the inviter instead of the Service Desk.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink, type SmtpSink } from '../../../e2e/fixtures/smtp-sink';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';
import { invite } from './invitations';
import { COMMAND_LINE } from '../audit/audit-log';
import { sentMail } from '../../testing/customer-mail';

let sink: SmtpSink;
let app: TestApp;
let mia: Session;
let admin: Session;
const P = 'acme/app';

const sent = sentMail(() => app, () => sink);
const next = async () => (await sent())[0]!;

before(async () => {
  sink = await startSmtpSink();
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', MAIL_FROM: 'help@acme.test', SMTP_URL: `${sink.url}?tls=off`, PUBLIC_URL: 'https://desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'mia@test.io', 'Mia Maintainer');
  await seedMember(app, P, 'mia@test.io', 'maintainer');
  mia = await signIn(app, 'mia@test.io');
  admin = await signIn(app, 'admin@test.io');
});
after(async () => {
  await app.close();
  await sink.stop();
});

test('to a project: says who invited, where and as what; From the instance address in their name; replies go to them', async () => {
  await mia.trpc.invitations.create.mutate({ email: 'olga@test.io', projectPath: P, role: 'developer' });
  const m = await next();
  assert.deepEqual(m.rcpt, ['olga@test.io']);
  assert.equal(m.subject, 'Mia Maintainer invited you to acme/app on Threadline');
  assert.match(m.text ?? '', /^Mia Maintainer invited you to join acme\/app on Threadline as a developer\.\n/);
  assert.doesNotMatch(m.text ?? '', /to Threadline to the project/);
  assert.equal(m.from?.value[0]?.name, 'Mia Maintainer (via Threadline)');
  assert.equal(m.from?.value[0]?.address, 'help@acme.test', 'the instance From address (MAIL_FROM), not the incoming one');
  assert.equal(m.replyTo?.value[0]?.address, 'mia@test.io', 'a reply reaches the person who invited');
  assert.match(m.text ?? '', /Reply to this email to reach Mia Maintainer\./);
  assert.match(typeof m.html === 'string' ? m.html : '', /Mia Maintainer invited you to join acme\/app on Threadline as a developer\./);
});

test('to the instance, by an admin; and "an owner"', async () => {
  await admin.trpc.invitations.create.mutate({ email: 'pat@test.io' });
  const m = await next();
  assert.equal(m.subject, 'Admin invited you to Threadline');
  assert.match(m.text ?? '', /^Admin invited you to join Threadline\.\n/);
  assert.equal(m.replyTo?.value[0]?.address, 'admin@test.io');
  await admin.trpc.invitations.create.mutate({ email: 'quinn@test.io', projectPath: P, role: 'owner' });
  const o = await next();
  assert.match(o.text ?? '', /^Admin invited you to join acme\/app on Threadline as an owner\./);
});

test('from the command line: nobody is named ("command line invited you" is no name), no Reply-To', async () => {
  await invite(app.dc, COMMAND_LINE, { email: 'rex@test.io', pa: undefined, role: undefined });
  const m = await next();
  assert.equal(m.subject, 'You are invited to Threadline');
  assert.match(m.text ?? '', /^You are invited to join Threadline\.\n/);
  assert.doesNotMatch(m.text ?? '', /command line/);
  assert.equal(m.from?.value[0]?.name, 'Threadline');
  assert.equal(m.replyTo, undefined);
  assert.match(m.text ?? '', /If you did not expect this invitation, you can ignore this email\./);
});
