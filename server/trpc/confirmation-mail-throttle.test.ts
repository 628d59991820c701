/**
 * Review 9 L4: the forms that email an address someone typed — a new address for one's account
 * (profile.changeEmail), a project's custom support address (serviceDesk.setCustomEmail) — are
 * throttled per address written to and per account asking, with a message that says which. The
 * custom address's verification goes through a real SMTP sink.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import { startSmtpSink, type SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { MAX_CONFIRMATION_MAILS_PER_ACCOUNT, MAX_CONFIRMATION_MAILS_PER_ADDRESS, MAX_INVITATION_RESENDS_PER_ADDRESS } from '../domain/accounts/login-throttle';
import { emailedLink } from '../testing/account-links';
import { httpClient, PASSWORD, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/throttle';
let app: TestApp;
let sink: SmtpSink;
let mallory: Session;
let other: Session;

before(async () => {
  sink = await startSmtpSink();
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'mallory@test.io');
  await seedMember(app, P, 'mallory@test.io', 'maintainer');
  await seedUser(app, 'other@test.io');
  mallory = await signIn(app, 'mallory@test.io');
  other = await signIn(app, 'other@test.io');
});
after(async () => {
  await app?.close();
  await sink?.stop();
});

/** The tRPC error's app code and message, or 'OK'. */
async function result(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
    return { code: 'OK', message: '' };
  } catch (err) {
    const e = err as { data?: { appCode?: string }; message: string };
    return { code: e.data?.appCode ?? 'UNKNOWN', message: e.message };
  }
}

const changeEmailMails = async (to: string) =>
  (await app.dc.db.select().from(outbox).where(and(eq(outbox.kind, 'email_change'), eq(outbox.toAddress, to))).all()).length;

test('asking for an account address change mails a victim at most a few times, whoever asks; one account cannot mail everyone either', async () => {
  const victim = 'victim@elsewhere.test';
  for (let i = 0; i < MAX_CONFIRMATION_MAILS_PER_ADDRESS; i++) {
    assert.equal((await result(mallory.trpc.profile.changeEmail.mutate({ email: victim, currentPassword: PASSWORD }))).code, 'OK');
  }
  const refused = await result(mallory.trpc.profile.changeEmail.mutate({ email: victim, currentPassword: PASSWORD }));
  assert.equal(refused.code, 'CONFIRMATION_MAILS_TO_ADDRESS', 'one more confirmation email went to the same address');
  assert.match(refused.message, /Several confirmation emails went to this address in the last 15 minutes/);
  assert.equal((await result(other.trpc.profile.changeEmail.mutate({ email: victim, currentPassword: PASSWORD }))).code, 'CONFIRMATION_MAILS_TO_ADDRESS', 'another account mailed the same address');
  assert.equal(await changeEmailMails(victim), MAX_CONFIRMATION_MAILS_PER_ADDRESS);
  // A wrong password costs nothing and sends nothing.
  assert.equal((await result(other.trpc.profile.changeEmail.mutate({ email: 'x@elsewhere.test', currentPassword: 'wrong' }))).code, 'WRONG_PASSWORD');

  // Many addresses from one account: the account's own limit (the custom-address form counts too).
  const used = MAX_CONFIRMATION_MAILS_PER_ADDRESS;
  for (let i = used; i < MAX_CONFIRMATION_MAILS_PER_ACCOUNT; i++) {
    assert.equal((await result(mallory.trpc.profile.changeEmail.mutate({ email: `target${i}@elsewhere.test`, currentPassword: PASSWORD }))).code, 'OK');
  }
  const byYou = await result(mallory.trpc.profile.changeEmail.mutate({ email: 'one-more@elsewhere.test', currentPassword: PASSWORD }));
  assert.equal(byYou.code, 'CONFIRMATION_MAILS_BY_YOU', 'one account mailed more addresses than its limit');
  assert.match(byYou.message, /You have asked for several confirmation emails/);
  assert.equal(await changeEmailMails('one-more@elsewhere.test'), 0);
  const limited = await result(mallory.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: 'fresh@elsewhere.test', smtp: null }));
  assert.equal(limited.code, 'CONFIRMATION_MAILS_BY_YOU');
});

test('setting a custom support address sends its verification to one address at most a few times', async () => {
  // (a maintainer of its own, so that the test above does not count)
  await seedUser(app, 'maint@test.io');
  await seedMember(app, P, 'maint@test.io', 'maintainer');
  const maint = await signIn(app, 'maint@test.io');
  const victim = 'boss@victim.test';
  const verifications = () => sink.messages.filter((m) => m.to.includes(victim) && m.raw.toString().includes('X-Threadline-Verification')).length;
  for (let i = 0; i < MAX_CONFIRMATION_MAILS_PER_ADDRESS; i++) {
    assert.equal((await result(maint.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: victim, smtp: null }))).code, 'OK');
  }
  await sink.waitFor(MAX_CONFIRMATION_MAILS_PER_ADDRESS);
  assert.equal(verifications(), MAX_CONFIRMATION_MAILS_PER_ADDRESS);
  const refused = await result(maint.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: victim, smtp: null }));
  assert.equal(refused.code, 'CONFIRMATION_MAILS_TO_ADDRESS', 'the verification email went out once more');
  assert.match(refused.message, /Several confirmation emails went to this address/);
  // A refused request changes nothing: the last verification still waits.
  assert.equal((await maint.trpc.serviceDesk.customEmail.query({ projectPath: P }))?.state, 'waiting');
  assert.equal(verifications(), MAX_CONFIRMATION_MAILS_PER_ADDRESS);
});

test('an invitation sent again goes to its address a few times at most; a team invited at once is not held back, and a refused resend keeps the last link working', async () => {
  const admin = await signIn(app, 'admin@test.io');
  const invitations = (to: string) => app.dc.db.select().from(outbox).where(and(eq(outbox.kind, 'invitation'), eq(outbox.toAddress, to))).all();
  // a whole team at once: first invitations are not counted
  for (let i = 0; i < 12; i++) assert.equal((await admin.trpc.invitations.create.mutate({ email: `team${i}@newco.test` })).status, 'invited');
  const first = await admin.trpc.invitations.create.mutate({ email: 'dora@newco.test' });
  const id = first.status === 'invited' ? first.invitation.id : 0;
  for (let i = 0; i < MAX_INVITATION_RESENDS_PER_ADDRESS; i++) assert.equal((await result(admin.trpc.invitations.resend.mutate({ id }))).code, 'OK');
  const refused = await result(admin.trpc.invitations.resend.mutate({ id }));
  assert.equal(refused.code, 'INVITATIONS_TO_ADDRESS', 'the invitation went out once more');
  assert.match(refused.message, /sent again several times in the last 15 minutes/);
  // inviting the same address again (which replaces the pending link) counts the same (review 11)
  const again = await result(admin.trpc.invitations.create.mutate({ email: 'dora@newco.test' }));
  assert.equal(again.code, 'INVITATIONS_TO_ADDRESS', 'a new invitation to the same address went out once more');
  const sent = await invitations('dora@newco.test');
  assert.equal(sent.length, 1 + MAX_INVITATION_RESENDS_PER_ADDRESS);
  // the refused resend changed nothing: the last emailed link still opens the invitation
  const last = await emailedLink(app, 'invitation', 'dora@newco.test');
  assert.ok(last);
  assert.equal((await httpClient(app, { cookie: '' }).auth.invitation.query({ token: last.token })).state, 'valid');
});
