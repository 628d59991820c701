import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';
import { ftsQuery } from './search';

test('user text becomes a safe FTS5 prefix query', () => {
  assert.equal(ftsQuery('printer fire'), '"printer"* "fire"*');
  assert.equal(ftsQuery('"a" OR b* NEAR(c)'), '"a"* "OR"* "b"* "NEAR"* "c"*');
  assert.equal(ftsQuery('  !!! '), null);
});

let app: TestApp;
let rep: Session;
let guest: Session;
const P = 'acme/app';
const titles = async (s: Session, input: Record<string, unknown>) =>
  (await s.trpc.tickets.list.query({ projectPath: P, state: 'all', ...input })).items.map((t) => t.title).sort();

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  seedProject(app, P, 'internal');
  await seedUser(app, 'rep@test.io');
  await seedUser(app, 'guest@test.io');
  seedMember(app, P, 'rep@test.io', 'reporter');
  seedMember(app, P, 'guest@test.io', 'guest');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Printer on fire', description: 'The café printer smokes', confidential: false, labels: ['hardware'] });
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Password reset', description: 'cannot log in', confidential: false });
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Salary question', description: 'payroll', confidential: true });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: 2, body: 'internal: the printer vendor is Zeta', internal: true });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: 2, body: 'Try the reset link again', internal: false });
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: 1, title: 'Printer still on fire' });
});
after(() => app.close());

test('full-text search over titles, descriptions and notes, with prefixes and accents folded', async () => {
  assert.deepEqual(await titles(rep, { search: 'fir' }), ['Printer still on fire']);
  assert.deepEqual(await titles(rep, { search: 'print' }), ['Password reset', 'Printer still on fire'], 'title, and an internal note');
  assert.deepEqual(await titles(rep, { search: 'cafe' }), ['Printer still on fire']);
  assert.deepEqual(await titles(rep, { search: 'reset link' }), ['Password reset']);
  assert.deepEqual(await titles(rep, { search: '#3' }), ['Salary question']);
  assert.deepEqual(await titles(rep, { search: 'zeta' }), ['Password reset'], 'responders find internal notes');
});

test('search never reveals confidential tickets or internal notes below reporter', async () => {
  assert.deepEqual(await titles(guest, { search: 'payroll' }), []);
  assert.deepEqual(await titles(guest, { search: 'zeta' }), []);
  assert.deepEqual(await titles(guest, { search: 'print' }), ['Printer still on fire']);
  assert.deepEqual(await titles(guest, { search: '#3' }), []);
});

test('filters: label, confidential, and sort by newest', async () => {
  assert.deepEqual(await titles(rep, { label: 'HARDWARE' }), ['Printer still on fire']);
  assert.deepEqual(await titles(rep, { confidential: true }), ['Salary question']);
  const newest = (await rep.trpc.tickets.list.query({ projectPath: P, state: 'all', sort: 'newest' })).items.map((t) => t.iid);
  assert.deepEqual(newest, [3, 2, 1]);
  const activity = (await rep.trpc.tickets.list.query({ projectPath: P, state: 'all', sort: 'activity' })).items.map((t) => t.iid);
  assert.equal(activity[0], 1, 'the renamed ticket had the latest activity');
  const page1 = await rep.trpc.tickets.list.query({ projectPath: P, state: 'all', sort: 'newest', limit: 2 });
  const page2 = await rep.trpc.tickets.list.query({ projectPath: P, state: 'all', sort: 'newest', limit: 2, cursor: page1.nextCursor! });
  assert.deepEqual([...page1.items, ...page2.items].map((t) => t.iid), [3, 2, 1]);
});

test('unread markers: tickets.list tells each user when they last read each ticket', async () => {
  const before = await rep.trpc.tickets.list.query({ projectPath: P, state: 'all' });
  assert.ok(before.items.every((t) => t.readAt === null), 'nothing read yet');
  const { readAt } = await rep.trpc.tickets.markRead.mutate({ projectPath: P, iid: 1 });
  const after = await rep.trpc.tickets.list.query({ projectPath: P, state: 'all' });
  assert.equal(after.items.find((t) => t.iid === 1)?.readAt, readAt);
  const forGuest = await guest.trpc.tickets.list.query({ projectPath: P, state: 'all' });
  assert.equal(forGuest.items.find((t) => t.iid === 1)?.readAt, null, 'read times are per user');
  await assert.rejects(guest.trpc.tickets.markRead.mutate({ projectPath: P, iid: 3 }), /Ticket not found/);
});

test('a renamed ticket is found by its new title only; the SQLite index stays whole', async () => {
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: 2, title: 'Login trouble' });
  assert.deepEqual(await titles(rep, { search: 'trouble' }), ['Login trouble']);
  assert.deepEqual(await titles(rep, { search: 'password' }), [], 'the old title no longer matches');
  assert.deepEqual(await titles(rep, { search: 'cannot' }), ['Login trouble'], 'its description still does');
  const sqlite = app.dc.db.sqlite;
  if (sqlite) {
    // external content (migration 0022): the index holds the words only, removed with the old values
    sqlite.prepare("insert into ticket_fts(ticket_fts, rank) values ('integrity-check', 1)").run();
    sqlite.prepare("insert into note_fts(note_fts) values ('integrity-check')").run();
    for (const t of ['ticket_fts_content', 'note_fts_content']) assert.equal((sqlite.prepare('select count(*) n from sqlite_master where name = ?').get(t) as { n: number }).n, 0, t);
  }
});
