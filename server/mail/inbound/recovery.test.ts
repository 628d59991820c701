/**
 * Recovery of pending messages (decision 003, issue 14): a node finishes only rows whose node is
 * gone — its `node:` lease ran out — and never the rows a live node is processing right now
 * (that double-counted their attempts and raced the live node). Runs on both engines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { inboundMessages, leases, tickets as ticketsTable } from '../../../db/schema';
import { storeInbound } from '../../domain/mail-log/inbound-log';
import { sha256 } from './parse';
import { seedProject, startTestApp, TEST_ENGINE, type TestApp } from '../../testing/test-app';

let app: TestApp;
before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedProject(app, 'acme/app');
});
after(() => app.close());

const TO = 'incoming+acme-app-1-issue-@desk.test';
const raw = (tag: string, body = 'Hello.') =>
  Buffer.from(`From: someone@customer.test\r\nTo: ${TO}\r\nSubject: ${tag}\r\nMessage-ID: <${tag}@customer.test>\r\n\r\n${body}\r\n`);

/** a pending row as node `node` stores it on receipt, received `ageMs` ago */
async function pendingOf(node: string, tag: string, ageMs: number, body?: string): Promise<number> {
  const bytes = raw(tag, body);
  const at = Date.now() - ageMs;
  const { row } = await app.dc.db.write((tx) => storeInbound(tx, { source: 'smtp', envelopeTo: [TO] }, bytes, sha256(bytes), at, bytes, node));
  return row.id;
}

async function rowOf(id: number) {
  return (await app.dc.db.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get())!;
}

async function setLease(node: string, expiresAt: number): Promise<void> {
  await app.dc.db.write((tx) =>
    tx.insert(leases).values({ name: `node:${node}`, holder: node, expiresAt, acquiredAt: Date.now() }).onConflictDoUpdate({ target: leases.name, set: { expiresAt } }).run(),
  );
}

test("a live node's pending rows are left to it; a dead node's are finished once, by one node", async () => {
  const ingest = app.mail.ingest;
  await setLease('live-node', Date.now() + 60_000);
  const live = await pendingOf('live-node', 'live-1', 60_000);
  // a node without a lease (`desk ingest`) keeps a fresh row for the grace period
  const fresh = await pendingOf('cli-node', 'fresh-1', 0);
  await setLease('dead-node', Date.now() - 1);
  const dead = await pendingOf('dead-node', 'dead-1', 60_000);

  await ingest.recoverPending();
  const [l, f, d] = [await rowOf(live), await rowOf(fresh), await rowOf(dead)];
  assert.deepEqual({ status: l.status, attempts: l.attempts, claimedBy: l.claimedBy }, { status: 'pending', attempts: 0, claimedBy: 'live-node' }, 'untouched: its node is alive');
  assert.deepEqual({ status: f.status, attempts: f.attempts }, { status: 'pending', attempts: 0 }, 'untouched: received moments ago');
  assert.equal(d.status, 'ticket', "the dead node's message became its ticket");
  assert.equal(d.claimedBy, app.dc.node, 'taken over by this node');
  // claim (1) and finish (1): counted once, not once per node that looked at it
  assert.equal(d.attempts, 2);

  // a second sweep finds nothing more of the dead node's, and still leaves the live node's row
  await ingest.recoverPending();
  assert.equal((await rowOf(dead)).attempts, 2);
  assert.equal((await rowOf(live)).attempts, 0);

  // once the live node's lease runs out, its row is taken over too
  await setLease('live-node', Date.now() - 1);
  await ingest.recoverPending();
  assert.equal((await rowOf(live)).status, 'ticket');
});

test('the same pending message processed twice at once (a mailbox delivering it again meanwhile) becomes one ticket: the second finish rolls back', async () => {
  const ingest = app.mail.ingest;
  const bytes = raw('twice-1');
  const src = { source: 'imap:twice', uidvalidity: 1, uid: 7, envelopeTo: [TO] };
  // the second receipt finds the first's pending row and processes it too, side by side
  const outcomes = await Promise.all([ingest.receive(bytes, src), ingest.receive(bytes, src)]);
  assert.deepEqual(outcomes.map((o) => o.status).sort(), ['duplicate', 'ticket']);
  const rows = await app.dc.db.select().from(inboundMessages).where(eq(inboundMessages.uid, 7)).all();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.status, 'ticket');
  const tickets = await app.dc.db.select().from(ticketsTable).where(eq(ticketsTable.title, 'twice-1')).all();
  assert.equal(tickets.length, 1, 'one ticket, not two');
});

/**
 * The database has no room for a new ticket: SQLite's file may not grow (max_page_count, as a full
 * disk answers SQLITE_FULL); PostgreSQL answers disk_full (53100) as when its disk is full.
 */
async function noRoomForTickets(on: boolean): Promise<void> {
  const db = app.dc.db;
  if (TEST_ENGINE === 'pg') {
    const ddl = on
      ? [
          "create or replace function no_room() returns trigger language plpgsql as $$ begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$",
          'create trigger no_room before insert on tickets for each row execute function no_room()',
        ]
      : ['drop trigger no_room on tickets', 'drop function no_room()'];
    for (const q of ddl) await db.write(async (tx) => db.exec(sql.raw(q), tx));
    return;
  }
  // per connection: the writer's
  const pages = on ? Number((await db.sqlGet<{ page_count: number }>('pragma page_count'))?.page_count) : 4294967294;
  await db.write(async (tx) => db.exec(sql.raw(`pragma max_page_count = ${pages}`), tx));
}

test('a taken-over message that cannot be stored for lack of room is tried again by a later sweep, once there is room, and is not quarantined meanwhile', async () => {
  const ingest = app.mail.ingest;
  await setLease('full-node', Date.now() - 1);
  // large enough that its ticket needs new pages of the database
  const id = await pendingOf('full-node', 'no-room-1', 10 * 60_000, 'A long story. '.repeat(30_000));
  await noRoomForTickets(true);
  try {
    // sweeps as the runtime's (rows nobody claims once 2 minutes old), more of them than the
    // attempts a message that kills the process gets before its quarantine
    for (let sweep = 1; sweep <= 4; sweep++) {
      await ingest.recoverPending(2 * 60_000);
      const r = await rowOf(id);
      assert.deepEqual({ status: r.status, claimedBy: r.claimedBy }, { status: 'pending', claimedBy: null }, `sweep ${sweep}: left for a later sweep, claimed by nobody`);
    }
  } finally {
    await noRoomForTickets(false);
  }
  await ingest.recoverPending(2 * 60_000);
  const r = await rowOf(id);
  assert.equal(r.status, 'ticket', 'the next sweep with room made it a ticket, with no restart');
  const tickets = await app.dc.db.select().from(ticketsTable).where(eq(ticketsTable.title, 'no-room-1')).all();
  assert.equal(tickets.length, 1);
});
