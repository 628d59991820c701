/** Confidential tickets and internal notes stay invisible below reporter, over queries and subscriptions. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp, seedMembers } from '../testing/test-app';

const P = 'acme/internal-desk';
let app: TestApp;
let reporter: Session;
let guest: Session;
let outsider: Session;
let privateOutsider: Session;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  // internal: any signed-in user may read its non-confidential tickets
  await seedProject(app, P, 'internal');
  await seedProject(app, 'acme/private-desk', 'private');
  await seedMembers(app, P, [['rep@test.io', 'reporter'], ['guest@test.io', 'guest']]);
  await seedUser(app, 'outsider@test.io');
  reporter = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  outsider = await signIn(app, 'outsider@test.io');
  privateOutsider = outsider;
  await reporter.trpc.tickets.create.mutate({ projectPath: P, title: 'Open to all', confidential: false, externalAuthor: 'user@example.com' });
  await reporter.trpc.tickets.create.mutate({ projectPath: P, title: 'Secret payroll question', description: 'salary', confidential: true });
  await reporter.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'internal: customer is VIP', internal: true });
  await reporter.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'We are on it', internal: false });
});

after(() => app.close());

test('a reporter sees both tickets; guests and non-members see only the non-confidential one', async () => {
  const titles = async (c: Session) => (await c.trpc.tickets.list.query({ projectPath: P, state: 'all' })).items.map((t) => t.title).sort();
  assert.deepEqual(await titles(reporter), ['Open to all', 'Secret payroll question']);
  assert.deepEqual(await titles(guest), ['Open to all']);
  assert.deepEqual(await titles(outsider), ['Open to all']);
});

test('search and counts do not reveal confidential tickets', async () => {
  const search = await guest.trpc.tickets.list.query({ projectPath: P, search: 'payroll' });
  assert.equal(search.items.length, 0);
  const bySalary = await guest.trpc.tickets.list.query({ projectPath: P, search: 'salary' });
  assert.equal(bySalary.items.length, 0);
  assert.equal((await guest.trpc.projects.get.query({ projectPath: P })).openCount, 1);
  assert.equal((await reporter.trpc.projects.get.query({ projectPath: P })).openCount, 2);
});

test('fetching a confidential ticket directly is "not found" below reporter', async () => {
  assert.equal(await outcome(guest.trpc.tickets.get.query({ projectPath: P, iid: 2 })), 'NOT_FOUND');
  assert.equal(await outcome(outsider.trpc.tickets.get.query({ projectPath: P, iid: 2 })), 'NOT_FOUND');
  assert.equal((await reporter.trpc.tickets.get.query({ projectPath: P, iid: 2 })).title, 'Secret payroll question');
});

test('internal notes are hidden and participant emails masked below reporter', async () => {
  const asGuest = await guest.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assert.deepEqual(asGuest.notes.map((n) => n.body), ['We are on it']);
  assert.equal(asGuest.externalAuthor, 'us*****@e*****.c**');
  assert.deepEqual(asGuest.participants.map((p) => p.email), ['us*****@e*****.c**']);
  const asReporter = await reporter.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assert.equal(asReporter.notes.length, 2);
  assert.equal(asReporter.externalAuthor, 'user@example.com');
});

test('a private project is "not found" for non-members', async () => {
  assert.equal(await outcome(privateOutsider.trpc.projects.get.query({ projectPath: 'acme/private-desk' })), 'NOT_FOUND');
  assert.equal(await outcome(privateOutsider.trpc.tickets.list.query({ projectPath: 'acme/private-desk' })), 'NOT_FOUND');
});

test('subscriptions: replay and live events skip confidential tickets and internal notes below reporter', async () => {
  const guestLive = guest.live();
  const outsiderLive = outsider.live();
  const reporterLive = reporter.live();
  const g = collect<{ data: ProjectEventEnvelope }>((h) => guestLive.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
  const o = collect<{ data: ProjectEventEnvelope }>((h) => outsiderLive.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
  const r = collect<{ data: ProjectEventEnvelope }>((h) => reporterLive.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
  try {
    // replay: reporter sees 4 events (2 created, 2 notes); guest and outsider only 2
    await r.waitFor(4);
    await g.waitFor(2);
    await o.waitFor(2);
    // live: a confidential ticket, an internal note, then a public marker note
    await reporter.trpc.tickets.create.mutate({ projectPath: P, title: 'Another secret', confidential: true });
    await reporter.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'psst', internal: true });
    await reporter.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'public marker', internal: false });
    await r.waitFor(7);
    await g.waitFor(3);
    await o.waitFor(3);
    for (const sub of [g, o]) {
      const seen = sub.items.map((i) => i.data.event);
      const text = JSON.stringify(seen);
      assert.ok(!text.includes('secret') && !text.includes('Secret'), 'no confidential ticket leaked');
      assert.ok(!text.includes('psst') && !text.includes('VIP'), 'no internal note leaked');
      assert.ok(!text.includes('user@example.com'), 'participant email masked');
      const last = seen[seen.length - 1];
      assert.equal(last?.type === 'note.created' ? last.note.body : null, 'public marker');
    }
    assert.equal(r.items.filter((i) => i.data.event.type === 'note.created' && i.data.event.note.internal).length, 2);
  } finally {
    for (const sub of [g, o, r]) sub.stop();
    for (const l of [guestLive, outsiderLive, reporterLive]) l.close();
  }
});

test('turning a ticket confidential tells guests to drop it; turning it back shows it again', async () => {
  const guestLive = guest.live();
  const { lastEventId } = await guest.trpc.tickets.list.query({ projectPath: P });
  const g = collect<{ data: ProjectEventEnvelope }>((h) => guestLive.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
  try {
    await reporter.trpc.tickets.update.mutate({ projectPath: P, iid: 1, confidential: true });
    const [hidden] = await g.waitFor(1);
    assert.deepEqual(hidden?.data.event, { type: 'ticket.hidden', iid: 1 });
    await reporter.trpc.tickets.update.mutate({ projectPath: P, iid: 1, confidential: false });
    const items = await g.waitFor(2);
    const shown = items[1]?.data.event;
    assert.equal(shown?.type, 'ticket.updated');
    assert.equal(shown?.type === 'ticket.updated' ? shown.ticket.title : '', 'Open to all');
  } finally {
    g.stop();
    guestLive.close();
  }
});

test('a replay from 0 does not show guests a ticket that has since turned confidential; system notes mask emails', async () => {
  const t = await reporter.trpc.tickets.create.mutate({ projectPath: P, title: 'Will become secret', confidential: false });
  await reporter.trpc.participants.add.mutate({ projectPath: P, iid: t.iid, emails: ['cfo@bigcorp.test'] });
  const asGuest = await guest.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  const added = asGuest.notes.find((n) => n.system && n.body.startsWith('added'));
  assert.equal(added?.body, 'added cf*****@b*****.t**');
  await reporter.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, confidential: true });
  const live = outsider.live();
  const sub = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
  try {
    await reporter.trpc.tickets.create.mutate({ projectPath: P, title: 'Marker after', confidential: false });
    for (;;) {
      const seen = JSON.stringify(sub.items.map((i) => i.data.event));
      if (seen.includes('Marker after')) {
        assert.ok(!seen.includes('Will become secret'), 'the hidden ticket never shows in the replay');
        assert.ok(!seen.includes('cfo@bigcorp.test'));
        break;
      }
      await sub.waitFor(sub.items.length + 1);
    }
  } finally {
    sub.stop();
    live.close();
  }
});
