/** The role matrix (SPEC §5): every procedure, every role, over real HTTP and WebSocket. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  collect,
  outcome,
  seedAdmin,
  seedMember,
  seedProject,
  seedUser,
  signIn,
  startTestApp,
  type Session,
  type TestApp,
} from '../testing/test-app';
import { adminOnly, EVERYONE, expected, roleOutcomes, ROLE_USERS, type Who } from '../testing/role-matrix';

const P = 'acme/desk';

let app: TestApp;
const s = {} as Record<Who, Session>;
let counter = 0;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app, 'admin@test.io');
  await seedProject(app, P);
  for (const r of ROLE_USERS) {
    await seedUser(app, `${r}@test.io`);
    await seedMember(app, P, `${r}@test.io`, r);
  }
  await seedUser(app, 'outsider@test.io');
  await seedUser(app, 'target@test.io');
  for (const who of EVERYONE) s[who] = await signIn(app, `${who}@test.io`);
  await s.admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Public ticket', confidential: false });
});

after(() => app.close());

/** Runs `call` as each role and returns role → outcome ('OK' or the tRPC error code). */
const matrix = (call: (who: Session) => Promise<unknown>) => roleOutcomes(s, call);

describe('role matrix', () => {
  test('projects.get: any member', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.projects.get.query({ projectPath: P })), expected('guest'));
  });

  test('projects.list: everyone signed in, but outsiders do not see the private project', async () => {
    const seen = {} as Record<Who, boolean>;
    for (const who of EVERYONE) seen[who] = (await s[who].trpc.projects.list.query()).some((p) => p.path === P);
    assert.deepEqual(seen, { outsider: false, guest: true, reporter: true, developer: true, maintainer: true, owner: true, admin: true });
  });

  test('members.list: any member', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.members.list.query({ projectPath: P })), expected('guest'));
  });

  test('members.set and members.remove: maintainer and up', async () => {
    assert.deepEqual(
      await matrix((c) => c.trpc.members.set.mutate({ projectPath: P, email: 'target@test.io', role: 'reporter' })),
      expected('maintainer'),
    );
    const removed = await matrix(async (c) => {
      await s.admin.trpc.members.set.mutate({ projectPath: P, email: 'target@test.io', role: 'reporter' });
      await c.trpc.members.remove.mutate({ projectPath: P, email: 'target@test.io' });
    });
    assert.deepEqual(removed, expected('maintainer'));
  });

  test('granting the owner role: owners and admins only', async () => {
    const out = await matrix((c) => c.trpc.members.set.mutate({ projectPath: P, email: 'target@test.io', role: 'owner' }));
    assert.deepEqual(out, { ...expected('owner') });
    await s.admin.trpc.members.remove.mutate({ projectPath: P, email: 'target@test.io' });
  });

  test('tickets.list and tickets.get: any member', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.tickets.list.query({ projectPath: P })), expected('guest'));
    assert.deepEqual(await matrix((c) => c.trpc.tickets.get.query({ projectPath: P, iid: 1 })), expected('guest'));
  });

  test('tickets.create, tickets.update, notes.create: reporter and up', async () => {
    assert.deepEqual(
      await matrix((c) => c.trpc.tickets.create.mutate({ projectPath: P, title: `Made by hand ${++counter}` })),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.tickets.update.mutate({ projectPath: P, iid: 1, labels: [`l${++counter}`] })),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'hello', internal: false })),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'between us', internal: true })),
      expected('reporter'),
    );
  });

  test('events.project: any member may subscribe; outsiders are refused', async () => {
    const out = {} as Record<Who, string>;
    for (const who of EVERYONE) {
      const live = s[who].live();
      const sub = collect<unknown>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
      try {
        await sub.waitFor(1);
        out[who] = 'OK';
      } catch (err) {
        out[who] = String((err as { data?: { code?: string } }).data?.code ?? err);
      } finally {
        sub.stop();
        live.close();
      }
    }
    assert.deepEqual(out, expected('guest'));
  });

  test('tickets.markUnread: any member; tickets.merge and tickets.bulk: reporter and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.tickets.markUnread.mutate({ projectPath: P, iid: 1 })), expected('guest'));
    assert.deepEqual(
      await matrix(async (c) => {
        const made = await s.admin.trpc.tickets.create.mutate({ projectPath: P, title: `To merge ${++counter}`, confidential: false });
        await c.trpc.tickets.merge.mutate({ projectPath: P, iid: made.iid, into: 1 });
      }),
      expected('reporter'),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.tickets.bulk.mutate({ projectPath: P, iids: [1], action: { kind: 'labels', add: [`b${++counter}`], remove: [] } })),
      expected('reporter'),
    );
  });

  test('customers: the picker and the page for reporters and up; guests find no customer', async () => {
    // Kim writes to the project: its responders share the notes about her (decision 013).
    const to = app.dc.mail.book.incomingFor('acme-desk-1-issue-');
    const mail = await app.mail.ingest.receive(Buffer.from(`From: kim@customer.test\r\nTo: ${to}\r\nSubject: From a customer\r\nMessage-ID: <kim-roles@customer.test>\r\n\r\nHello\r\n`), { source: 'cli' });
    assert.equal(mail.status, 'ticket');
    const [kim] = await s.admin.trpc.customers.search.query({ projectPath: P, query: 'kim' });
    assert.ok(kim);
    assert.deepEqual(await matrix((c) => c.trpc.customers.search.query({ projectPath: P, query: 'kim' })), expected('reporter'));
    const page = await matrix((c) => c.trpc.customers.get.query({ id: kim.id }));
    const notes = await matrix((c) => c.trpc.customers.update.mutate({ id: kim.id, notes: `seen ${++counter}` }));
    // Not a project procedure: who may not see the customer is told it does not exist.
    const want = { ...expected('reporter'), guest: 'NOT_FOUND' };
    assert.deepEqual(page, want);
    assert.deepEqual(notes, want);
  });

  test('saved replies: reporters list and fill them, maintainers keep them', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.savedReplies.save.mutate({ projectPath: P, name: `Reply ${++counter}`, body: 'Hi {customer_name}' })), expected('maintainer'));
    const [first] = await s.admin.trpc.savedReplies.list.query({ projectPath: P });
    assert.ok(first);
    assert.deepEqual(await matrix((c) => c.trpc.savedReplies.list.query({ projectPath: P })), expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.savedReplies.fill.query({ projectPath: P, iid: 1, id: first.id })), expected('reporter'));
    assert.deepEqual(
      await matrix(async (c) => {
        const r = await s.admin.trpc.savedReplies.save.mutate({ projectPath: P, name: `Doomed ${++counter}`, body: 'x' });
        await c.trpc.savedReplies.remove.mutate({ projectPath: P, id: r.id });
      }),
      expected('maintainer'),
    );
  });

  test('saved views: any member lists them, reporters and up save and delete their own', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.savedViews.list.query({ projectPath: P })), expected('guest'));
    assert.deepEqual(
      await matrix(async (c) => {
        const v = await c.trpc.savedViews.save.mutate({ projectPath: P, name: `View ${++counter}`, shared: false, filters: { sort: 'waiting' } });
        await c.trpc.savedViews.remove.mutate({ projectPath: P, id: v.id });
      }),
      expected('reporter'),
    );
  });

  test('users.list, users.create, projects.create: instance admin only', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.users.list.query()), adminOnly());
    assert.deepEqual(
      await matrix((c) => c.trpc.users.create.mutate({ email: `new${++counter}@test.io`, password: 'long enough pw' })),
      adminOnly(),
    );
    assert.deepEqual(
      await matrix((c) => c.trpc.projects.create.mutate({ path: `acme/p${++counter}` })),
      adminOnly(),
    );
  });

  test('users.deactivate, reactivate, setAdmin, sendPasswordReset, unlock, unlinkSso: instance admin only', async () => {
    const target = (await s.admin.trpc.users.list.query({ search: 'target@' }))[0]?.id ?? 0;
    assert.deepEqual(await matrix((c) => c.trpc.users.deactivate.mutate({ userId: target })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.users.reactivate.mutate({ userId: target })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.users.setAdmin.mutate({ userId: target, isAdmin: false })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.users.sendPasswordReset.mutate({ userId: target })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.users.unlock.mutate({ userId: target })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.users.unlinkSso.mutate({ userId: target })), adminOnly());
  });

  test('sso.get, sso.update, audit.instance: instance admin only', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.sso.get.query()), adminOnly());
    assert.deepEqual(
      await matrix((c) => c.trpc.sso.update.mutate({ enabled: false, issuer: '', clientId: '', providerName: '', autoCreate: false, ssoOnly: false })),
      adminOnly(),
    );
    assert.deepEqual(await matrix((c) => c.trpc.audit.instance.query()), adminOnly());
  });

  test('invitations to the instance: admin only; to the project: maintainer and up (owner invitations: owners)', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.invitations.create.mutate({ email: `inst${++counter}@invite.io` })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.invitations.list.query()), adminOnly());
    assert.deepEqual(
      await matrix((c) => c.trpc.invitations.create.mutate({ email: `proj${++counter}@invite.io`, projectPath: P, role: 'reporter' })),
      expected('maintainer'),
    );
    assert.deepEqual(await matrix((c) => c.trpc.invitations.list.query({ projectPath: P })), expected('maintainer'));
    assert.deepEqual(
      await matrix((c) => c.trpc.invitations.create.mutate({ email: `own${++counter}@invite.io`, projectPath: P, role: 'owner' })),
      expected('owner'),
    );
  });

  test('invitations.resend and invitations.revoke: admins any, maintainers their project\'s; others are told it does not exist', async () => {
    const made = async () => {
      const r = await s.admin.trpc.invitations.create.mutate({ email: `re${++counter}@invite.io`, projectPath: P, role: 'guest' });
      return r.status === 'invited' ? r.invitation.id : 0;
    };
    const notFound = { ...expected('maintainer'), outsider: 'NOT_FOUND', guest: 'NOT_FOUND', reporter: 'NOT_FOUND', developer: 'NOT_FOUND' };
    assert.deepEqual(await matrix(async (c) => c.trpc.invitations.resend.mutate({ id: await made() })), notFound);
    assert.deepEqual(await matrix(async (c) => c.trpc.invitations.revoke.mutate({ id: await made() })), notFound);
    const instanceWide = async () => {
      const r = await s.admin.trpc.invitations.create.mutate({ email: `iw${++counter}@invite.io` });
      return r.status === 'invited' ? r.invitation.id : 0;
    };
    const onlyAdmin = { ...adminOnly() };
    for (const who of EVERYONE) if (who !== 'admin') onlyAdmin[who] = 'NOT_FOUND';
    assert.deepEqual(await matrix(async (c) => c.trpc.invitations.revoke.mutate({ id: await instanceWide() })), onlyAdmin);
  });

  test('audit.project: maintainer and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.audit.project.query({ projectPath: P })), expected('maintainer'));
  });

  test('profile.*: every signed-in user, for their own account only', async () => {
    const everyone = {} as Record<Who, string>;
    for (const who of EVERYONE) everyone[who] = 'OK';
    assert.deepEqual(await matrix((c) => c.trpc.profile.get.query()), everyone);
    assert.deepEqual(await matrix((c) => c.trpc.profile.update.mutate({ signature: 'Thanks!' })), everyone);
    assert.deepEqual(await matrix((c) => c.trpc.profile.previewSignature.query({ signature: '**hi**' })), everyone);
    assert.deepEqual(await matrix((c) => c.trpc.profile.sessions.query()), everyone);
    const own = await matrix(async (c) => {
      const mine = await c.trpc.profile.get.query();
      if (mine.email !== (await c.trpc.auth.me.query()).email) throw new Error('saw another account');
    });
    assert.deepEqual(own, everyone);
  });

  test('signed-out callers get UNAUTHORIZED everywhere but sign-in', async () => {
    const { httpClient } = await import('../testing/test-app');
    const anon = httpClient(app, { cookie: '' });
    assert.equal(await outcome(anon.auth.me.query()), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.projects.list.query()), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.tickets.list.query({ projectPath: P })), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.notes.create.mutate({ projectPath: P, iid: 1, body: 'x', internal: false })), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.auth.status.query()), 'OK');
    for (const call of [
      () => anon.profile.get.query(),
      () => anon.profile.update.mutate({ name: 'x' }),
      () => anon.profile.changePassword.mutate({ currentPassword: 'x', newPassword: 'long enough pw' }),
      () => anon.profile.changeEmail.mutate({ email: 'a@b.io' }),
      () => anon.profile.sessions.query(),
      () => anon.profile.signOutOthers.mutate(),
      () => anon.profile.revokeSession.mutate({ id: '0123456789abcdef' }),
      () => anon.profile.previewSignature.query({ signature: 'x' }),
      () => anon.invitations.create.mutate({ email: 'a@b.io' }),
      () => anon.invitations.list.query(),
      () => anon.invitations.resend.mutate({ id: 1 }),
      () => anon.invitations.revoke.mutate({ id: 1 }),
      () => anon.users.deactivate.mutate({ userId: 1 }),
      () => anon.audit.instance.query(),
      () => anon.audit.project.query({ projectPath: P }),
      () => anon.sso.get.query(),
    ]) {
      assert.equal(await outcome(call()), 'UNAUTHORIZED');
    }
    // What a signed-out person needs to get in: all answer without a session.
    assert.equal(await outcome(anon.auth.requestPasswordReset.mutate({ email: 'someone@test.io' })), 'OK');
    assert.equal(await outcome(anon.auth.passwordResetState.query({ token: 'x'.repeat(43) })), 'OK');
    assert.equal(await outcome(anon.auth.invitation.query({ token: 'x'.repeat(43) })), 'OK');
    assert.equal(await outcome(anon.auth.acceptInvitation.mutate({ token: 'x'.repeat(43), name: 'N', password: 'long enough pw' })), 'NOT_FOUND');
    assert.equal(await outcome(anon.auth.resetPassword.mutate({ token: 'x'.repeat(43), password: 'long enough pw' })), 'NOT_FOUND');
    assert.equal(await outcome(anon.auth.confirmEmail.mutate({ token: 'x'.repeat(43) })), 'NOT_FOUND');
  });

  test('serviceDesk.customEmail, setCustomEmail, removeCustomEmail: maintainer and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.serviceDesk.customEmail.query({ projectPath: P })), expected('maintainer'));
    assert.deepEqual(
      await matrix((c) => c.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: `support${++counter}@matrix.test`, smtp: null })),
      expected('maintainer'),
    );
    // (a new address each time: the verification emails to one address are throttled)
    const removed = await matrix(async (c) => {
      await s.admin.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: `support${++counter}@matrix.test`, smtp: null });
      await c.trpc.serviceDesk.removeCustomEmail.mutate({ projectPath: P });
    });
    assert.deepEqual(removed, expected('maintainer'));
  });

  test('webhooks.get, reveal, regenerate, deliveries: maintainer and up (the secret closes tickets)', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.webhooks.get.query({ projectPath: P })), expected('maintainer'));
    assert.deepEqual(await matrix((c) => c.trpc.webhooks.reveal.mutate({ projectPath: P })), expected('maintainer'));
    assert.deepEqual(await matrix((c) => c.trpc.webhooks.regenerate.mutate({ projectPath: P })), expected('maintainer'));
    assert.deepEqual(await matrix((c) => c.trpc.webhooks.deliveries.query({ projectPath: P })), expected('maintainer'));
  });

  test('emailTemplates.list, update, preview: maintainer and up (the words customers receive)', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.emailTemplates.list.query({ projectPath: P })), expected('maintainer'));
    assert.deepEqual(await matrix((c) => c.trpc.emailTemplates.preview.query({ projectPath: P, kind: 'thank_you', body: 'Thanks %{ISSUE_ID}' })), expected('maintainer'));
    assert.deepEqual(await matrix((c) => c.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'thank_you', body: null })), expected('maintainer'));
  });

  test('mailSettings.*: instance admin only', async () => {
    const smtp = { host: '127.0.0.1', port: 1, security: 'none' as const, user: '' };
    const box = (name: string) => ({ name, host: '127.0.0.1', port: 1, security: 'none' as const, username: 'u', password: 'p', folder: 'INBOX', after: 'seen' as const, moveTo: 'Processed' });
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.get.query()), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.saveAddresses.mutate({ mailFrom: 'desk@matrix.test' })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.saveSmtp.mutate(smtp)), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.clearSmtp.mutate()), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'any', hosts: [] })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.sendTestEmail.mutate({ to: 'a@matrix.test', settings: smtp })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.addMailbox.mutate(box(`box-${++counter}`))), adminOnly());
    const id = (await s.admin.trpc.mailSettings.get.query()).mailboxes[0]?.id as number;
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.pauseMailbox.mutate({ id, paused: true })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.updateMailbox.mutate({ id, ...box('renamed') })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.testMailbox.mutate({ id })), adminOnly());
    assert.deepEqual(
      await matrix(async (c) => {
        const made = await s.admin.trpc.mailSettings.addMailbox.mutate(box(`gone-${++counter}`));
        const last = made.mailboxes.at(-1)?.id as number;
        await s.admin.trpc.mailSettings.pauseMailbox.mutate({ id: last, paused: true });
        await c.trpc.mailSettings.removeMailbox.mutate({ id: last });
      }),
      adminOnly(),
    );
  });

  test('mailSettings.*GraphMailbox: instance admin only', async () => {
    const graph = (name: string) => ({
      name,
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      clientSecret: 's3cret',
      mailbox: 'support@contoso.com',
      baseUrl: 'http://127.0.0.1:1',
      loginUrl: 'http://127.0.0.1:1',
      pollSeconds: 3600,
      after: 'seen' as const,
      moveTo: '',
    });
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.addGraphMailbox.mutate(graph(`graph-${++counter}`))), adminOnly());
    const id = (await s.admin.trpc.mailSettings.get.query()).graphMailboxes[0]?.id as number;
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.pauseGraphMailbox.mutate({ id, paused: true })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.updateGraphMailbox.mutate({ id, ...graph('graph-renamed') })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.mailSettings.testGraphMailbox.mutate({ id })), adminOnly());
    assert.deepEqual(
      await matrix(async (c) => {
        const made = await s.admin.trpc.mailSettings.addGraphMailbox.mutate(graph(`graph-gone-${++counter}`));
        const last = made.graphMailboxes.at(-1)?.id as number;
        await s.admin.trpc.mailSettings.pauseGraphMailbox.mutate({ id: last, paused: true });
        await c.trpc.mailSettings.removeGraphMailbox.mutate({ id: last });
      }),
      adminOnly(),
    );
  });
});
