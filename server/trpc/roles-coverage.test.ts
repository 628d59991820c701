/**
 * The role matrix covers every procedure (SPEC §5): each one the router has is named in a matrix
 * (roles.test.ts or here) and sits in the class its middleware gives it; signed out, only the
 * sign-in procedures answer; no admin procedure answers a non-admin; no project procedure answers
 * a member of another project, by path or by the id of another project's record. Over real HTTP
 * and WebSocket.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { projectRef } from '../../shared/schemas';
import { adminProcedure, authedProcedure } from './init';
import { appRouter } from './router';
import { collect, httpClient, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';
import { adminOnly, EVERYONE, expected, roleOutcomes, ROLE_USERS, type Who } from '../testing/role-matrix';

const P = 'acme/desk';
const B = 'beta/other';
const TO = 'incoming+acme-desk-1-issue-@desk.test';
const TO_B = 'incoming+beta-other-2-issue-@desk.test';

/** Answer without a session: what a signed-out person needs to get in. */
const PUBLIC = [
  'auth.status', 'auth.setup', 'auth.login', 'auth.logout', 'auth.requestPasswordReset', 'auth.passwordResetState',
  'auth.resetPassword', 'auth.invitation', 'auth.acceptInvitation', 'auth.confirmEmail',
];
/** Any signed-in user; each decides inside what the caller may see (own account, own projects, own invitations). */
const SIGNED_IN = [
  'auth.me', 'projects.list', 'customers.get', 'customers.update', 'invitations.create', 'invitations.list', 'invitations.resend', 'invitations.revoke',
  'profile.get', 'profile.update', 'profile.changePassword', 'profile.changeEmail', 'profile.sessions', 'profile.signOutOthers', 'profile.revokeSession',
  'profile.previewSignature',
];

// tRPC keeps each procedure's middlewares and input parsers in `_def`: the only way to list them.
type Def = { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[]; middlewares: unknown[] };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: Def }> } })._def.procedures;
const lastMiddleware = (p: unknown) => (p as { _def: Def })._def.middlewares.at(-1);
const ADMIN_CHECK = lastMiddleware(adminProcedure);
const SESSION_CHECK = lastMiddleware(authedProcedure);
function classOf(d: Def): 'project' | 'admin' | 'signed-in' | 'public' {
  if (d.inputs.includes(projectRef)) return 'project';
  if (d.middlewares.includes(ADMIN_CHECK)) return 'admin';
  if (d.middlewares.includes(SESSION_CHECK)) return 'signed-in';
  return 'public';
}
const names = Object.keys(procedures).sort();
const ofClass = (c: ReturnType<typeof classOf>) => names.filter((n) => classOf(procedures[n]!._def) === c);

let app: TestApp;
const s = {} as Record<Who, Session>;
let counter = 0;
let seq = 0;

function mail(to: string, from: string, subject: string): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <rc-${++seq}@customer.test>\r\n\r\nHello\r\n`);
}

/** Calls `ns.name` through a client as its type says (query, mutation or, over WebSocket, subscription). */
async function call(who: Session | ReturnType<typeof httpClient>, name: string, input: unknown): Promise<string> {
  const [ns, proc] = name.split('.') as [string, string];
  const type = procedures[name]!._def.type;
  if (type === 'subscription') {
    const live = (who as Session).live();
    const client = live.trpc as unknown as Record<string, Record<string, { subscribe: (i: unknown, h: object) => { unsubscribe(): void } }>>;
    const sub = collect<unknown>((h) => client[ns]![proc]!.subscribe(input, h));
    try {
      await sub.waitFor(1);
      return 'OK';
    } catch (err) {
      return String((err as { data?: { code?: string } }).data?.code ?? err);
    } finally {
      sub.stop();
      live.close();
    }
  }
  const client = ('trpc' in who ? who.trpc : who) as unknown as Record<string, Record<string, { query(i: unknown): Promise<unknown>; mutate(i: unknown): Promise<unknown> }>>;
  const fn = client[ns]![proc]!;
  return outcome(type === 'query' ? fn.query(input) : fn.mutate(input));
}

/** Runs `call` as each role and returns role → outcome ('OK' or the tRPC error code). */
const matrix = (call: (who: Session) => Promise<unknown>) => roleOutcomes(s, call);

let emailed = 0;
let quarantined = 0;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app, 'admin@test.io');
  await seedProject(app, P);
  await seedProject(app, B);
  for (const r of ROLE_USERS) {
    await seedUser(app, `${r}@test.io`);
    await seedMember(app, P, `${r}@test.io`, r);
  }
  await seedUser(app, 'outsider@test.io');
  for (const who of EVERYONE) s[who] = await signIn(app, `${who}@test.io`);
  await s.admin.trpc.serviceDesk.update.mutate({ projectPath: P, confidentialByDefault: false });
  await s.admin.trpc.tickets.create.mutate({ projectPath: P, title: 'Public ticket', confidential: false });
  const out = await app.mail.ingest.receive(mail(TO, 'kim@customer.test', 'Emailed in'), { source: 'test' });
  assert.equal(out.status, 'ticket');
  emailed = out.status === 'ticket' ? out.iid : 0;
  const noAuthor = await app.mail.ingest.receive(Buffer.from(`To: ${TO}\r\nSubject: Nobody wrote this\r\nMessage-ID: <rc-q@customer.test>\r\n\r\nHello\r\n`), { source: 'test' });
  assert.equal(noAuthor.status, 'quarantined');
  quarantined = noAuthor.inboundId;
});

after(() => app.close());

describe('every procedure is in the role matrix', () => {
  test('each procedure is named in a matrix, and its class is the one its middleware gives it', () => {
    const here = fileURLToPath(import.meta.url);
    const matrices = readFileSync(here, 'utf8') + readFileSync(here.replace(/roles-coverage\.test\.ts$/, 'roles.test.ts'), 'utf8');
    const missing = names.filter((n) => !new RegExp(`\\b${n.replace('.', '\\.')}\\.(query|mutate|subscribe)\\(`).test(matrices) && !matrices.includes(`'${n}'`));
    assert.deepEqual(missing, [], 'procedures no matrix calls');
    assert.deepEqual(ofClass('public'), [...PUBLIC].sort(), 'procedures that answer without a session');
    assert.deepEqual(ofClass('signed-in'), [...SIGNED_IN].sort(), 'procedures open to every signed-in user');
  });

  test('signed out, every procedure but the sign-in ones is refused', async () => {
    const anon = httpClient(app, { cookie: '' });
    const answered: string[] = [];
    for (const name of names) {
      if (PUBLIC.includes(name) || procedures[name]!._def.type === 'subscription') continue;
      const got = await call(anon, name, { projectPath: P });
      if (got !== 'UNAUTHORIZED') answered.push(`${name}: ${got}`);
    }
    assert.deepEqual(answered, []);
  });

  test('no admin procedure answers a project owner who is not an instance admin', async () => {
    const answered: string[] = [];
    for (const name of ofClass('admin')) {
      const got = await call(s.owner, name, { id: 1, userId: 1 });
      if (got !== 'FORBIDDEN') answered.push(`${name}: ${got}`);
    }
    assert.deepEqual(answered, []);
  });

  test('no project procedure answers the owner of another project: the project does not exist for them', async () => {
    const answered: string[] = [];
    for (const name of ofClass('project')) {
      const got = await call(s.owner, name, { projectPath: B, iid: 1, id: 1, clientId: 'client-other-1', key: 'k', lastEventId: '0' });
      if (got !== 'NOT_FOUND') answered.push(`${name}: ${got}`);
    }
    assert.deepEqual(answered, []);
  });
});

describe('the procedures roles.test.ts does not reach', () => {
  test('tickets.counts and tickets.markRead: any member; tickets.originalEmail: reporter and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.tickets.counts.query({ projectPath: P })), expected('guest'));
    assert.deepEqual(await matrix((c) => c.trpc.tickets.markRead.mutate({ projectPath: P, iid: 1 })), expected('guest'));
    assert.deepEqual(await matrix((c) => c.trpc.tickets.originalEmail.query({ projectPath: P, iid: emailed })), expected('reporter'));
  });

  test('labels.list: any member; notes.preview and issueTemplates.list: reporter and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.labels.list.query({ projectPath: P })), expected('guest'));
    assert.deepEqual(await matrix((c) => c.trpc.notes.preview.query({ projectPath: P, text: '**hi**' })), expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.issueTemplates.list.query({ projectPath: P })), expected('reporter'));
  });

  test('issueTemplates.save and delete: maintainer and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.issueTemplates.save.mutate({ projectPath: P, key: `t${++counter}`, body: 'x' })), expected('maintainer'));
    assert.deepEqual(
      await matrix(async (c) => {
        const key = `gone${++counter}`;
        await s.admin.trpc.issueTemplates.save.mutate({ projectPath: P, key, body: 'x' });
        await c.trpc.issueTemplates.delete.mutate({ projectPath: P, key });
      }),
      expected('maintainer'),
    );
  });

  test('participants.add and remove, customerLinks.count and revoke: reporter and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.participants.add.mutate({ projectPath: P, iid: emailed, emails: [`p${++counter}@customer.test`] })), expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.participants.remove.mutate({ projectPath: P, iid: emailed, emails: ['nobody@customer.test'] })), expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.customerLinks.count.query({ projectPath: P, iid: emailed })), expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.customerLinks.revoke.mutate({ projectPath: P, iid: emailed })), expected('reporter'));
  });

  test('serviceDesk.get: reporter and up; checkKey and update: maintainer and up', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.serviceDesk.get.query({ projectPath: P })), expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.serviceDesk.checkKey.query({ projectPath: P, projectKey: 'help' })), expected('maintainer'));
    assert.deepEqual(await matrix((c) => c.trpc.serviceDesk.update.mutate({ projectPath: P, outgoingName: `Desk ${++counter}` })), expected('maintainer'));
  });

  test('presence.project and presence.update: reporter and up (nobody below learns of confidential tickets)', async () => {
    const joined = {} as Record<Who, string>;
    for (const who of EVERYONE) joined[who] = await call(s[who], 'presence.project', { projectPath: P, clientId: `client-${who}-${++counter}` });
    assert.deepEqual(joined, expected('reporter'));
    assert.deepEqual(await matrix((c) => c.trpc.presence.update.mutate({ projectPath: P, clientId: `client-u-${++counter}`, iid: null, typing: false })), expected('reporter'));
  });

  test('projects.addresses, inbound.*, outbox.*: instance admin only', async () => {
    assert.deepEqual(await matrix((c) => c.trpc.projects.addresses.query()), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.inbound.list.query()), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.inbound.mailboxes.query()), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.inbound.get.query({ id: quarantined })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.inbound.retry.mutate({ id: quarantined })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.inbound.discard.mutate({ id: quarantined })), adminOnly());
    assert.deepEqual(await matrix((c) => c.trpc.outbox.list.query()), adminOnly());
    const [queued] = await s.admin.trpc.outbox.list.query();
    assert.ok(queued, 'the emailed ticket queued a thank-you');
    assert.deepEqual(await matrix((c) => c.trpc.outbox.retry.mutate({ id: queued.id })), adminOnly());
  });

  test('auth.setup, login and logout answer signed out; setup only until the first admin exists', async () => {
    const anon = httpClient(app, { cookie: '' });
    assert.equal(await outcome(anon.auth.setup.mutate({ email: 'late@test.io', password: 'long enough pw', name: 'Late' })), 'CONFLICT');
    assert.equal(await outcome(anon.auth.login.mutate({ email: 'guest@test.io', password: 'wrong password' })), 'UNAUTHORIZED');
    assert.equal(await outcome(anon.auth.logout.mutate()), 'OK');
  });
});

describe('records of another project, named by id', () => {
  test('its customer, saved view, saved reply, invitation and original email do not exist for a member of this one', async () => {
    // Project B's records, made by the admin; the owner of A is no member of B.
    await app.mail.ingest.receive(mail(TO_B, 'only-b@customer.test', 'Only in B'), { source: 'test' });
    const [customer] = await s.admin.trpc.customers.search.query({ projectPath: B, query: 'only-b' });
    assert.ok(customer);
    const view = await s.admin.trpc.savedViews.save.mutate({ projectPath: B, name: 'B view', shared: true, filters: { sort: 'waiting' } });
    const reply = await s.admin.trpc.savedReplies.save.mutate({ projectPath: B, name: 'B reply', body: 'Hello from B' });
    const invited = await s.admin.trpc.invitations.create.mutate({ email: 'b-invitee@test.io', projectPath: B, role: 'guest' });
    assert.equal(invited.status, 'invited');
    const invitationId = invited.status === 'invited' ? invited.invitation.id : 0;
    const bTicket = (await s.admin.trpc.tickets.list.query({ projectPath: B })).items[0]!;
    const bNote = (await s.admin.trpc.tickets.get.query({ projectPath: B, iid: bTicket.iid })).notes;
    await s.admin.trpc.notes.create.mutate({ projectPath: B, iid: bTicket.iid, body: 'B internal', internal: true });
    const bNoteId = (await s.admin.trpc.tickets.get.query({ projectPath: B, iid: bTicket.iid })).notes.at(-1)!.id;
    assert.ok(bNote);

    const owner = s.owner.trpc;
    const got = {
      'customers.get': await outcome(owner.customers.get.query({ id: customer.id })),
      'customers.update': await outcome(owner.customers.update.mutate({ id: customer.id, notes: 'overwritten from A' })),
      'savedViews.save': await outcome(owner.savedViews.save.mutate({ projectPath: P, id: view.id, name: 'taken over', shared: true, filters: {} })),
      'savedViews.remove': await outcome(owner.savedViews.remove.mutate({ projectPath: P, id: view.id })),
      'savedReplies.fill': await outcome(owner.savedReplies.fill.query({ projectPath: P, iid: 1, id: reply.id })),
      'savedReplies.save': await outcome(owner.savedReplies.save.mutate({ projectPath: P, id: reply.id, name: 'taken over', body: 'x' })),
      'savedReplies.remove': await outcome(owner.savedReplies.remove.mutate({ projectPath: P, id: reply.id })),
      'invitations.resend': await outcome(owner.invitations.resend.mutate({ id: invitationId })),
      'invitations.revoke': await outcome(owner.invitations.revoke.mutate({ id: invitationId })),
      'tickets.originalEmail': await outcome(owner.tickets.originalEmail.query({ projectPath: P, iid: emailed, noteId: bNoteId })),
    };
    const notFound = Object.fromEntries(Object.keys(got).map((k) => [k, 'NOT_FOUND']));
    assert.deepEqual(got, notFound);
    // Nothing of B changed.
    assert.equal((await s.admin.trpc.customers.get.query({ id: customer.id })).customer.notes, '');
    assert.ok((await s.admin.trpc.savedViews.list.query({ projectPath: B })).some((v) => v.id === view.id && v.name === 'B view'));
    assert.ok((await s.admin.trpc.savedReplies.list.query({ projectPath: B })).some((r) => r.id === reply.id && r.name === 'B reply'));
    assert.ok((await s.admin.trpc.invitations.list.query({ projectPath: B })).some((i) => i.id === invitationId));
  });
});
