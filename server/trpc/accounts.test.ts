/**
 * Team accounts through the real API: invitations by email, password reset, My profile. Links
 * are read from the emails Threadline queued, as the invitee would click them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { accountTokens, outbox } from '../../db/schema';
import type { OutboundSpec } from '../mail/outbound/spec';
import { emailedLink, emailsTo } from '../testing/account-links';
import { httpClient, outcome, PASSWORD, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type TestApp } from '../testing/test-app';
import { TRPCClientError } from '@trpc/client';

const P = 'acme/help';
let app: TestApp;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'mia@test.io', 'Mia Maintainer');
  await seedMember(app, P, 'mia@test.io', 'maintainer');
  await seedUser(app, 'rob@test.io', 'Rob Reporter');
});

after(() => app.close());

function appCode(err: unknown): string | null {
  return err instanceof TRPCClientError ? ((err.data as { appCode?: string } | undefined)?.appCode ?? null) : null;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return appCode(err) ?? String(err);
  }
}

describe('invitations', () => {
  test('a maintainer invites by email; the link sets name and password, signs in and lands in the project; it works once', async () => {
    const mia = await signIn(app, 'mia@test.io');
    const res = await mia.trpc.invitations.create.mutate({ email: 'Nina@Test.io', projectPath: P, role: 'reporter' });
    assert.equal(res.status, 'invited');
    assert.ok(!('url' in res), 'the API never hands out the link');
    const link = await emailedLink(app, 'invitation', 'nina@test.io');
    assert.ok(link, 'an invitation email was queued');
    assert.ok(link.url.startsWith(`${app.url}/invite/`), link.url);
    assert.ok(link.token.length >= 43, 'at least 256 bits of randomness, base64url');
    const stored = await app.dc.db.select().from(accountTokens).where(eq(accountTokens.email, 'nina@test.io')).all();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.tokenHash, link.token, 'only a hash is stored');

    const pending = await mia.trpc.invitations.list.query({ projectPath: P });
    assert.deepEqual(pending.map((i) => [i.email, i.role, i.projectPath]), [['nina@test.io', 'reporter', P]]);

    const jar = { cookie: '' };
    const nina = httpClient(app, jar);
    const state = await nina.auth.invitation.query({ token: link.token });
    assert.deepEqual({ state: state.state, email: state.email, projectPath: state.projectPath, role: state.role }, { state: 'valid', email: 'nina@test.io', projectPath: P, role: 'reporter' });
    const accepted = await nina.auth.acceptInvitation.mutate({ token: link.token, name: 'Nina New', password: 'a new long password' });
    assert.equal(accepted.signedIn, true);
    assert.equal(accepted.projectPath, P);
    assert.equal((await nina.auth.me.query()).name, 'Nina New');
    assert.equal((await nina.projects.get.query({ projectPath: P })).role, 'reporter');

    assert.equal(await codeOf(httpClient(app, { cookie: '' }).auth.acceptInvitation.mutate({ token: link.token, name: 'Again', password: 'a new long password' })), 'LINK_USED');
    assert.equal((await nina.auth.invitation.query({ token: link.token })).state, 'used');
    assert.deepEqual(await mia.trpc.invitations.list.query({ projectPath: P }), []);
    // and the new account signs in with its password
    await signIn(app, 'nina@test.io', 'a new long password');
  });

  test('resending replaces the link; revoking kills it; an unknown or mangled token is simply invalid', async () => {
    const admin = await signIn(app, 'admin@test.io');
    const first = await admin.trpc.invitations.create.mutate({ email: 'olga@test.io' });
    assert.equal(first.status, 'invited');
    const old = await emailedLink(app, 'invitation', 'olga@test.io');
    const id = first.status === 'invited' ? first.invitation.id : 0;
    await admin.trpc.invitations.resend.mutate({ id });
    const fresh = await emailedLink(app, 'invitation', 'olga@test.io');
    assert.ok(old && fresh && old.token !== fresh.token);
    const anon = httpClient(app, { cookie: '' });
    assert.equal((await anon.auth.invitation.query({ token: old.token })).state, 'invalid');
    assert.equal((await anon.auth.invitation.query({ token: fresh.token })).state, 'valid');
    await admin.trpc.invitations.revoke.mutate({ id });
    assert.equal((await anon.auth.invitation.query({ token: fresh.token })).state, 'invalid');
    assert.equal(await codeOf(anon.auth.acceptInvitation.mutate({ token: fresh.token, name: 'Olga', password: 'long enough pass' })), 'LINK_INVALID');
    assert.equal((await anon.auth.invitation.query({ token: 'x'.repeat(43) })).state, 'invalid');
    assert.equal((await anon.auth.invitation.query({ token: '../../etc' })).state, 'invalid');
  });

  test('an expired invitation says so', async () => {
    const admin = await signIn(app, 'admin@test.io');
    await admin.trpc.invitations.create.mutate({ email: 'late@test.io', projectPath: P, role: 'guest' });
    const link = await emailedLink(app, 'invitation', 'late@test.io');
    assert.ok(link);
    await app.dc.db.write(async (tx) => {
      await tx.update(accountTokens).set({ expiresAt: Date.now() - 1 }).where(eq(accountTokens.email, 'late@test.io')).run();
    });
    const anon = httpClient(app, { cookie: '' });
    assert.equal((await anon.auth.invitation.query({ token: link.token })).state, 'expired');
    assert.equal(await codeOf(anon.auth.acceptInvitation.mutate({ token: link.token, name: 'Late', password: 'long enough pass' })), 'LINK_EXPIRED');
  });

  test('inviting someone who already has an account just adds the membership (no email)', async () => {
    const mia = await signIn(app, 'mia@test.io');
    const before = await emailsTo(app, 'rob@test.io');
    const res = await mia.trpc.invitations.create.mutate({ email: 'rob@test.io', projectPath: P, role: 'developer' });
    assert.equal(res.status, 'added');
    assert.equal(await emailsTo(app, 'rob@test.io'), before);
    const rob = await signIn(app, 'rob@test.io');
    assert.equal((await rob.trpc.projects.get.query({ projectPath: P })).role, 'developer');
    // a maintainer cannot invite as owner
    assert.equal(await codeOf(mia.trpc.invitations.create.mutate({ email: 'boss@test.io', projectPath: P, role: 'owner' })), 'OWNER_REQUIRED');
  });
});

describe('password reset', () => {
  test('the answer is the same for known and unknown addresses; only a known one gets an email', async () => {
    const anon = httpClient(app, { cookie: '' });
    assert.deepEqual(await anon.auth.requestPasswordReset.mutate({ email: 'nobody@test.io' }), { ok: true });
    assert.deepEqual(await anon.auth.requestPasswordReset.mutate({ email: 'rob@test.io' }), { ok: true });
    assert.equal(await emailsTo(app, 'nobody@test.io'), 0);
    assert.ok(await emailedLink(app, 'password_reset', 'rob@test.io'));
  });

  test('the link sets a new password once and ends every other session of the account', async () => {
    await seedUser(app, 'pat@test.io', 'Pat');
    const elsewhere = await signIn(app, 'pat@test.io');
    await httpClient(app, { cookie: '' }).auth.requestPasswordReset.mutate({ email: 'pat@test.io' });
    const link = await emailedLink(app, 'password_reset', 'pat@test.io');
    assert.ok(link);
    const jar = { cookie: '' };
    const browser = httpClient(app, jar);
    assert.deepEqual(await browser.auth.passwordResetState.query({ token: link.token }), { state: 'valid', email: 'pat@test.io' });
    await browser.auth.resetPassword.mutate({ token: link.token, password: 'my brand new password' });
    assert.equal((await browser.auth.me.query()).email, 'pat@test.io');
    assert.equal(await outcome(elsewhere.trpc.auth.me.query()), 'UNAUTHORIZED');
    assert.equal(await codeOf(httpClient(app, { cookie: '' }).auth.resetPassword.mutate({ token: link.token, password: 'another new password' })), 'LINK_USED');
    assert.equal(await outcome(signIn(app, 'pat@test.io', PASSWORD)), 'UNAUTHORIZED');
    await signIn(app, 'pat@test.io', 'my brand new password');
  });

  test('a link expires after an hour', async () => {
    await httpClient(app, { cookie: '' }).auth.requestPasswordReset.mutate({ email: 'mia@test.io' });
    const link = await emailedLink(app, 'password_reset', 'mia@test.io');
    assert.ok(link);
    const row = (await app.dc.db.select().from(accountTokens).where(eq(accountTokens.email, 'mia@test.io')).all()).at(-1);
    assert.ok(row && row.expiresAt - row.createdAt === 60 * 60 * 1000);
    await app.dc.db.write(async (tx) => {
      await tx.update(accountTokens).set({ expiresAt: Date.now() - 1 }).where(eq(accountTokens.id, row.id)).run();
    });
    assert.equal(await codeOf(httpClient(app, { cookie: '' }).auth.resetPassword.mutate({ token: link.token, password: 'whatever long one' })), 'LINK_EXPIRED');
  });

  test('requests are throttled per address, whether or not it has an account', async () => {
    const anon = httpClient(app, { cookie: '' });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push(await codeOf(anon.auth.requestPasswordReset.mutate({ email: 'ghost@test.io' })));
    assert.deepEqual(codes, ['OK', 'OK', 'OK', 'TOO_MANY_REQUESTS']);
  });

  test('an admin sends a reset link from the user list', async () => {
    const admin = await signIn(app, 'admin@test.io');
    const users = await admin.trpc.users.list.query({ search: 'rob@' });
    const rob = users.find((u) => u.email === 'rob@test.io');
    assert.ok(rob);
    const before = await emailsTo(app, 'rob@test.io');
    await admin.trpc.users.sendPasswordReset.mutate({ userId: rob.id });
    assert.equal(await emailsTo(app, 'rob@test.io'), before + 1);
  });
});

describe('my profile', () => {
  test('name, signature and notification mode are saved; the signature ends my public replies by email, not the note', async () => {
    const rob = await signIn(app, 'rob@test.io');
    const p = await rob.trpc.profile.update.mutate({ name: 'Robert Reporter', signature: 'Robert\nACME support', notifyMode: 'assigned' });
    assert.deepEqual({ name: p.name, signature: p.signature, notifyMode: p.notifyMode }, { name: 'Robert Reporter', signature: 'Robert\nACME support', notifyMode: 'assigned' });
    assert.equal((await rob.trpc.auth.me.query()).notifyMode, 'assigned');
    assert.match((await rob.trpc.profile.previewSignature.query({ signature: '**Robert**' })).html, /<strong>Robert<\/strong>/);

    const ticket = await rob.trpc.tickets.create.mutate({ projectPath: P, title: 'Printer', externalAuthor: 'kim@customer.test', confidential: false });
    const note = await rob.trpc.notes.create.mutate({ projectPath: P, iid: ticket.iid, body: 'It is fixed.', internal: false });
    assert.equal(note.body, 'It is fixed.');
    const sent = await app.dc.db.select().from(outbox).where(eq(outbox.kind, 'new_note')).all();
    const vars = (sent.at(-1)?.spec as OutboundSpec).template?.vars ?? {};
    assert.equal(vars.NOTE_TEXT, 'It is fixed.\n\n-- \nRobert\nACME support');
  });

  test('changing the password needs the current one and signs out everywhere else', async () => {
    await seedUser(app, 'cam@test.io', 'Cam');
    const here = await signIn(app, 'cam@test.io');
    const there = await signIn(app, 'cam@test.io');
    assert.equal(await codeOf(here.trpc.profile.changePassword.mutate({ currentPassword: 'wrong', newPassword: 'the next password' })), 'WRONG_PASSWORD');
    await here.trpc.profile.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'the next password' });
    assert.equal((await here.trpc.auth.me.query()).email, 'cam@test.io');
    assert.equal(await outcome(there.trpc.auth.me.query()), 'UNAUTHORIZED');
  });

  test('active sessions are listed; "sign out everywhere else" keeps only this one', async () => {
    await seedUser(app, 'dee@test.io', 'Dee');
    const a = await signIn(app, 'dee@test.io');
    const b = await signIn(app, 'dee@test.io');
    const list = await a.trpc.profile.sessions.query();
    assert.equal(list.length, 2);
    assert.equal(list.filter((s) => s.current).length, 1);
    await a.trpc.profile.signOutOthers.mutate();
    assert.equal(await outcome(b.trpc.auth.me.query()), 'UNAUTHORIZED');
    assert.equal((await a.trpc.profile.sessions.query()).length, 1);
  });

  test('an email change takes effect only when the link sent to the new address is opened', async () => {
    await seedUser(app, 'eve@test.io', 'Eve');
    const eve = await signIn(app, 'eve@test.io');
    assert.equal(await codeOf(eve.trpc.profile.changeEmail.mutate({ email: 'eve@new.io', currentPassword: 'wrong' })), 'WRONG_PASSWORD');
    const p = await eve.trpc.profile.changeEmail.mutate({ email: 'eve@new.io', currentPassword: PASSWORD });
    assert.equal(p.email, 'eve@test.io');
    assert.equal(p.pendingEmail, 'eve@new.io');
    const link = await emailedLink(app, 'email_change', 'eve@new.io');
    assert.ok(link);
    assert.deepEqual(await httpClient(app, { cookie: '' }).auth.confirmEmail.mutate({ token: link.token }), { email: 'eve@new.io' });
    assert.equal((await eve.trpc.auth.me.query()).email, 'eve@new.io');
    await signIn(app, 'eve@new.io');
  });
});
