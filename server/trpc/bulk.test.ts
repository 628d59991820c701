/**
 * Bulk actions (issue 12, item 7): one change to many tickets, one event per ticket, and nothing
 * lost when some fail — the answer says which and why.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
let guest: Session;
let repId = 0;
const P = 'acme/app';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  repId = await seedUser(app, 'rep@test.io', 'Rita');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  await seedUser(app, 'guest@test.io', 'Gus');
  await seedMember(app, P, 'guest@test.io', 'guest');
  rep = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
});
after(() => app.close());

async function make(n: number, prefix: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await rep.trpc.tickets.create.mutate({ projectPath: P, title: `${prefix} ${i}`, labels: ['triage'] })).iid);
  return out;
}

test('closing ten tickets at once: one update event per ticket; a merged one and a missing one fail with their reasons', async () => {
  const ten = await make(10, 'Outage report');
  const extra = await make(1, 'Duplicate');
  await rep.trpc.tickets.merge.mutate({ projectPath: P, iid: extra[0] as number, into: ten[0] as number });
  const live = rep.live();
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  await new Promise((r) => setTimeout(r, 200));
  const result = await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: [...ten, extra[0] as number, 999], action: { kind: 'state', state: 'closed' } });
  assert.deepEqual(result.updated, ten);
  assert.deepEqual(result.failed.map((f) => [f.iid, f.code]), [[extra[0], 'TICKET_MERGED'], [999, 'TICKET_NOT_FOUND']]);
  assert.match(result.failed[1]?.message ?? '', /Ticket not found/);
  const got = await events.waitFor(20);
  const updates = got.map((e) => e.data.event).filter((e) => e.type === 'ticket.updated');
  assert.deepEqual(updates.map((e) => (e.type === 'ticket.updated' ? [e.ticket.iid, e.ticket.state, e.previousState] : [])), ten.map((iid) => [iid, 'closed', 'opened']));
  events.stop();
  live.close();
  assert.equal((await rep.trpc.tickets.counts.query({ projectPath: P, search: 'Outage report' })).closed, 10);
});

test('assign, label and snooze in bulk; a change that fails for all is refused as a whole', async () => {
  const three = await make(3, 'Printer');
  const assigned = await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: three, action: { kind: 'assign', assigneeId: repId } });
  assert.deepEqual(assigned, { updated: three, failed: [] });
  await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: three, action: { kind: 'labels', add: ['hardware'], remove: ['TRIAGE'] } });
  for (const iid of three) {
    const t = await rep.trpc.tickets.get.query({ projectPath: P, iid });
    assert.deepEqual([t.assignee?.name, t.labels], ['Rita', ['hardware']]);
  }
  const guestId = (await guest.trpc.auth.me.query()).id;
  assert.equal(await outcome(rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: three, action: { kind: 'assign', assigneeId: guestId } })), 'BAD_REQUEST');
  assert.equal(await outcome(rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: three, action: { kind: 'state', state: 'snoozed', snoozedUntil: '2000-01-01T00:00:00Z' } })), 'BAD_REQUEST');
  const until = new Date(Date.now() + 3600_000).toISOString();
  await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: three, action: { kind: 'state', state: 'snoozed', snoozedUntil: until } });
  assert.equal((await rep.trpc.tickets.counts.query({ projectPath: P, search: 'Printer' })).snoozed, 3);
  assert.equal(await outcome(guest.trpc.tickets.bulk.mutate({ projectPath: P, iids: three, action: { kind: 'state', state: 'closed' } })), 'FORBIDDEN');
  assert.equal(await outcome(rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: [], action: { kind: 'state', state: 'closed' } })), 'BAD_REQUEST');
});

test('merge in bulk: every selected ticket goes into the one chosen', async () => {
  const [target, ...rest] = await make(3, 'Same problem');
  const result = await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: [target as number, ...rest], action: { kind: 'merge', into: target as number } });
  assert.deepEqual(result, { updated: rest, failed: [] });
  const t = await rep.trpc.tickets.get.query({ projectPath: P, iid: target as number });
  assert.deepEqual(t.notes.filter((n) => n.mergedFrom).map((n) => n.mergedFrom), rest);
});

test('adding in bulk a label some tickets already have changes only the others: no second system note, no event for them', async () => {
  const two = await make(2, 'Label twice');
  await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: [two[0] as number], action: { kind: 'labels', add: ['billing'], remove: [] } });
  const notesOf = async (iid: number) => (await rep.trpc.tickets.get.query({ projectPath: P, iid })).notes.filter((n) => n.system).map((n) => n.body);
  const before0 = await notesOf(two[0] as number);
  const result = await rep.trpc.tickets.bulk.mutate({ projectPath: P, iids: two, action: { kind: 'labels', add: ['Billing'], remove: [] } });
  assert.deepEqual(await notesOf(two[0] as number), before0, 'the ticket that had it got no second note');
  assert.equal((await notesOf(two[1] as number)).filter((b) => /billing/i.test(b)).length, 1);
  assert.deepEqual(result.failed, []);
});
