/**
 * Waiting states (issue 12, item 4): pending waits on the customer and their reply reopens it;
 * a snoozed ticket returns to open by itself at its time — from the database, so across restarts,
 * and with several nodes exactly once — with an event that tells its assignee why.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { leases } from '../../db/schema';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, TEST_ENGINE, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let rep: Session;
const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let clock = Date.UTC(2031, 0, 1, 9, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

async function email(from: string, id: string, subject: string, inReplyTo?: string) {
  const raw = `From: ${from}\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\n${inReplyTo ? `In-Reply-To: ${inReplyTo}\r\n` : ''}\r\nHello\r\n`;
  const out = await app.mail.ingest.receive(Buffer.from(raw), { source: 'cli' });
  assert.ok(out.status === 'ticket' || out.status === 'note', out.status);
  return out;
}

/** Waits (polling the database, as the UI's events would show) until `check` holds. */
async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  app.dc.now = () => clock;
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'rep@test.io', 'Rita');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
});
let stopped = false;
after(async () => {
  if (!stopped) await app?.close();
});

test('pending waits on the customer: their reply moves it back to open, and counts follow', async () => {
  const t = await email('kim@acme.io', '<p1@acme.io>', 'Need the serial number');
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'What is the serial number?\n/pending', internal: false });
  let d = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(d.state, 'pending');
  assert.equal(d.waitingSince, null);
  assert.equal((await rep.trpc.tickets.counts.query({ projectPath: P })).pending, 1);
  assert.deepEqual((await rep.trpc.tickets.list.query({ projectPath: P, state: 'pending' })).items.map((i) => i.iid), [t.iid]);

  const live = rep.live();
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  await new Promise((r) => setTimeout(r, 200));
  clock += HOUR;
  await email('kim@acme.io', '<p2@acme.io>', 'Re: Need the serial number', '<p1@acme.io>');
  const all = await events.waitFor(3);
  const update = all.map((e) => e.data.event).find((e) => e.type === 'ticket.updated');
  assert.ok(update?.type === 'ticket.updated');
  assert.deepEqual([update.ticket.state, update.previousState, update.cause], ['opened', 'pending', 'customer_replied']);
  events.stop();
  live.close();
  d = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(d.state, 'opened');
  assert.equal(d.waitingSince, iso(clock));
  assert.ok(d.notes.some((n) => n.system && /moved back to open: the customer replied/.test(n.body)));
});

test('a snooze needs a future time; it shows until when, and the ticket returns by itself with the cause', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Call back on Monday' });
  await rep.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, assigneeId: (await rep.trpc.auth.me.query()).id });
  assert.equal(await outcome(rep.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, state: 'snoozed', snoozedUntil: iso(clock - 1) })), 'BAD_REQUEST');
  assert.equal(await outcome(rep.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, state: 'snoozed' })), 'BAD_REQUEST');
  const due = clock + 2 * HOUR;
  const snoozed = await rep.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, state: 'snoozed', snoozedUntil: iso(due) });
  assert.equal(snoozed.snoozedUntil, iso(due));
  assert.ok(snoozed.notes.some((n) => n.system && n.body === 'snoozed until 2031-01-01 12:00 UTC'));
  assert.equal((await rep.trpc.tickets.counts.query({ projectPath: P })).snoozed, 1);

  const live = rep.live();
  const events = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid })).state, 'snoozed', 'not before its time');
  clock = due + 1;
  const [woke] = await events.waitFor(1);
  const e = woke?.data.event;
  assert.ok(e?.type === 'ticket.updated');
  assert.deepEqual([e.ticket.iid, e.ticket.state, e.previousState, e.cause, e.ticket.assignee?.name], [t.iid, 'opened', 'snoozed', 'snooze_ended', 'Rita']);
  events.stop();
  live.close();
  const d = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(d.snoozedUntil, null);
  assert.equal(d.notes.filter((n) => n.body === 'snooze ended: back to open').length, 1);
});

test('/snooze in a note: durations and dates; a bad time is refused before anything is posted', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Waiting for the courier' });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'Courier comes Thursday.\n/snooze 2d', internal: true });
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid })).snoozedUntil, iso(clock + 48 * HOUR));
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'x\n/snooze 2020-01-01', internal: true }), /in the future/);
  await assert.rejects(rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'x\n/snooze whenever', internal: true }), /give a time like 4h/);
  assert.equal((await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid })).notes.filter((n) => n.body === 'x').length, 0);
});

test('a snooze survives a restart, and with several nodes (PostgreSQL) each ticket wakes exactly once', async () => {
  const made: number[] = [];
  for (const title of ['Restart one', 'Restart two', 'Restart three']) {
    const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title });
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, state: 'snoozed', snoozedUntil: iso(clock + HOUR) });
    made.push(t.iid);
  }
  // The node stops (its timers with it); after the due time the app starts again on the same
  // database — as two nodes on PostgreSQL. (Two SQLite apps in one test process would block each
  // other's event loop on the file lock; several nodes are a PostgreSQL deployment.)
  await app.stop();
  stopped = true;
  clock += 2 * HOUR;
  const env = { INCOMING_EMAIL: 'incoming+%{key}@desk.test', DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir };
  const a = await startTestApp({ ...env, NODE_NAME: 'node-a' });
  a.dc.now = () => clock;
  const b = TEST_ENGINE === 'pg' ? await startTestApp({ ...env, NODE_NAME: 'node-b' }) : null;
  if (b) b.dc.now = () => clock;
  try {
    const s = await signIn(a, 'rep@test.io');
    for (const iid of made) {
      await until(`#${iid} back to open`, () => s.trpc.tickets.get.query({ projectPath: P, iid }), (t) => t.state === 'opened');
    }
    // Give the other node every chance to wake them again.
    await new Promise((r) => setTimeout(r, 2500));
    for (const iid of made) {
      const t = await s.trpc.tickets.get.query({ projectPath: P, iid });
      assert.equal(t.notes.filter((n) => n.body === 'snooze ended: back to open').length, 1, `#${iid} woke once`);
    }
    const holders = await a.dc.db.select().from(leases).where(eq(leases.name, 'snooze-waker')).all();
    assert.equal(holders.length, 1, 'one node wakes snoozed tickets');
  } finally {
    await b?.stop();
    await a.stop();
  }
});
