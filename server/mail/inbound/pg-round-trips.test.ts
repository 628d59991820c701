/**
 * On PostgreSQL every ingested message holds the cluster-wide write lock for a number of round
 * trips to the database; with the database on another machine that number, not the CPU, sets how
 * many messages the whole cluster takes in per second (decision 010). Counted at the client
 * (server/testing/pg-round-trips.ts), from the BEGIN that takes the lock to the COMMIT.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { createDomain } from '../../app';
import { loadConfig } from '../../config';
import { createProject } from '../../domain/projects/projects';
import type { DomainCtx } from '../../domain/core/context';
import { createMailCore } from '../runtime';
import { closeRenderPool } from '../../render';
import { readViewToken } from '../../domain/customer-email/customer-links';
import { customerLinks, customers, inboundMessages, messageIds, notes, outbox, participants, projects, replyKeys, serviceDeskSettings, tickets } from '../../../db/schema';
import { later } from '../../../db/later';
import { finishInbound, NotPendingError } from '../../domain/mail-log/inbound-log';
import { startPostgres, type RunningPostgres } from '../../testing/postgres';
import { countLockedRoundTrips } from '../../testing/pg-round-trips';

let pg: RunningPostgres;
let dataDir: string;
let dc: DomainCtx;
let core: Awaited<ReturnType<typeof createMailCore>>;
const trips = countLockedRoundTrips();
const TO = 'incoming+acme-app-1-issue-@desk.test';

before(async () => {
  pg = await startPostgres();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-rt-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: await pg.createDatabase('round_trips'),
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    LOG_LEVEL: 'error',
  });
  dc = await createDomain(config);
  const project = await createProject(dc, { path: 'acme/app' });
  // tickets the customer may view: the thank-you carries the signed link to their thread
  await dc.db.write((tx) => tx.update(serviceDeskSettings).set({ confidentialByDefault: false }).where(eq(serviceDeskSettings.projectId, project.id)).run());
  // a transport that keeps nothing: the outbox is not what is counted here
  core = await createMailCore(dc, config, { send: async () => ({}), close: async () => undefined } as never);
});

after(async () => {
  await core?.outbox.stop();
  await dc?.db.close();
  await closeRenderPool();
  trips.stop();
  await pg?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const mail = (n: number, from: string, name = 'Kim Lee') =>
  Buffer.from(
    `From: ${name} <${from}>\r\nTo: ${TO}\r\nSubject: Printer ${n} is broken\r\nMessage-ID: <m${n}@customer.test>\r\n` +
      `Date: Mon, 30 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, printer ${n} prints blank pages since yesterday.\r\n`,
  );

/** Ingests one message alone and returns the round trips its locked transaction took. */
async function roundTrips(raw: Buffer, to = TO): Promise<number> {
  const before = trips.transactions.length;
  const outcome = await core.ingest.receive(raw, { source: 'smtp', envelopeTo: [to] });
  assert.ok(outcome.status === 'ticket' || outcome.status === 'note', JSON.stringify(outcome));
  const seen = trips.transactions.slice(before);
  assert.equal(seen.length, 1, `one locked transaction per message alone: ${JSON.stringify(seen)}`);
  return seen[0] as number;
}

test('a new ticket from email takes 4 round trips under the write lock, for a new customer and a known one', async () => {
  // the statements are known to the server (prepared once per connection)
  await roundTrips(mail(0, 'warm@customer.test'));
  const fresh = await roundTrips(mail(1, 'kim@customer.test'));
  const known = await roundTrips(mail(2, 'kim@customer.test'));
  // lock + reads; the rate limit; number + customer + ticket; everything else with the COMMIT
  assert.equal(fresh, 4);
  assert.equal(known, 4);
  // and everything is there: ticket numbers in order, one customer, the thank-you with its link
  const rows = await dc.db.select().from(tickets).orderBy(tickets.iid).all();
  assert.deepEqual(rows.map((t) => t.iid), [1, 2, 3]);
  const kim = await dc.db.select().from(customers).where(eq(customers.email, 'kim@customer.test')).all();
  assert.equal(kim.length, 1);
  assert.deepEqual(rows.slice(1).map((t) => t.customerId), [kim[0]!.id, kim[0]!.id]);
  for (const t of rows) {
    const [link] = await dc.db.select().from(customerLinks).where(eq(customerLinks.ticketId, t.id)).all();
    const [mailOut] = await dc.db.select().from(outbox).where(eq(outbox.ticketId, t.id)).all();
    assert.ok(link && mailOut, `ticket ${t.iid} has its customer link and thank-you`);
    // the thank-you carries the link's own id in its signed view URL, which opens the thread
    const url = /\/c\/(\d+\.\d+\.[A-Za-z0-9_-]+)/.exec(JSON.stringify(mailOut.spec))?.[1];
    assert.ok(url, JSON.stringify(mailOut.spec));
    assert.equal(readViewToken(dc.secrets, url, Date.now())?.linkId, link.id);
    assert.equal((await dc.db.select().from(participants).where(eq(participants.ticketId, t.id)).all()).length, 1);
    assert.equal((await dc.db.select().from(messageIds).where(eq(messageIds.ticketId, t.id)).all()).length, 2);
    const [inbound] = await dc.db.select().from(inboundMessages).where(eq(inboundMessages.ticketId, t.id)).all();
    assert.equal(inbound?.status, 'ticket');
  }
});

test('a known customer with a new display name is renamed, in the same transaction', async () => {
  await roundTrips(mail(3, 'lee@customer.test', 'Lee'));
  const [before] = await dc.db.select().from(customers).where(eq(customers.email, 'lee@customer.test')).all();
  assert.equal(before?.name, 'Lee');
  await roundTrips(mail(4, 'lee@customer.test', 'Lee Park'));
  const [lee] = await dc.db.select().from(customers).where(eq(customers.email, 'lee@customer.test')).all();
  assert.equal(lee?.name, 'Lee Park');
});

/** four different replies (the same text again and again would look like an auto-responder loop) */
const WORDS = ['Still blank.', 'I tried another cable, no change.', 'It works after a restart!', 'Sorry, it is broken again since lunch.'];

test("a customer's reply takes at most 7 round trips under the lock, through its reply key or its Message-ID", async () => {
  const [kim] = await dc.db.select().from(tickets).where(eq(tickets.iid, 2)).all();
  assert.ok(kim);
  const [key] = await dc.db.select().from(replyKeys).where(eq(replyKeys.ticketId, kim.id)).all();
  assert.ok(key);
  const reply = (n: number, to: string, extra: string) =>
    Buffer.from(
      `From: Kim Lee <kim@customer.test>\r\nTo: ${to}\r\nSubject: Re: Printer\r\nMessage-ID: <r${n}@customer.test>\r\n${extra}` +
        `Date: Mon, 30 Nov 2026 10:05:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${WORDS[n]}\r\n`,
    );
  // warm: each kind's statements known to the server
  await core.ingest.receive(reply(0, `incoming+${key.key}@desk.test`, ''), { source: 'smtp', envelopeTo: [`incoming+${key.key}@desk.test`] });
  const byKey = await roundTrips(reply(1, `incoming+${key.key}@desk.test`, ''), `incoming+${key.key}@desk.test`);
  assert.ok(byKey <= 7, `${byKey} round trips`);
  await roundTrips(reply(2, TO, 'In-Reply-To: <m1@customer.test>\r\n'));
  const byId = await roundTrips(reply(3, TO, 'In-Reply-To: <m1@customer.test>\r\n'));
  assert.ok(byId <= 7, `${byId} round trips`);
  // all four replies are notes on Kim's ticket, from Kim
  const kimNotes = await dc.db.select().from(notes).where(eq(notes.ticketId, kim.id)).all();
  assert.deepEqual(kimNotes.filter((n) => n.externalAuthor === 'kim@customer.test').map((n) => n.body.trim()), WORDS);
  for (const r of await dc.db.select().from(inboundMessages).where(eq(inboundMessages.ticketId, kim.id)).all()) assert.ok(['ticket', 'note'].includes(r.status), r.status);
});


test("mail from known customers uses up no customer ids (PostgreSQL's sequence is taken only for a new one)", async () => {
  const all = await dc.db.select({ id: customers.id }).from(customers).orderBy(customers.id).all();
  // every message so far came from three addresses, most of them known by then
  assert.deepEqual(all.map((c) => c.id), [1, 2, 3]);
  await roundTrips(mail(5, 'new@customer.test'));
  const [fresh] = await dc.db.select().from(customers).where(eq(customers.email, 'new@customer.test')).all();
  assert.equal(fresh?.id, 4);
});

test('an outcome sent without waiting, for a message no longer pending, fails in PostgreSQL itself: the transaction keeps nothing', async () => {
  const [done] = await dc.db.select().from(inboundMessages).where(eq(inboundMessages.status, 'ticket')).limit(1).all();
  assert.ok(done);
  await assert.rejects(
    dc.db.write(async (tx) => {
      later(tx, tx.insert(projects).values({ path: 'marker/kept', name: 'marker', createdAt: 1 }).run());
      // COMMIT goes out right behind this one, before its answer is read
      later(tx, finishInbound(tx, done.id, { status: 'ignored', reason: 'test' }, Date.now()));
    }),
    (err: unknown) => err instanceof NotPendingError && err.id === done.id,
  );
  assert.equal((await dc.db.select().from(projects).where(eq(projects.path, 'marker/kept')).all()).length, 0);
  const [after] = await dc.db.select().from(inboundMessages).where(eq(inboundMessages.id, done.id)).all();
  assert.equal(after?.status, 'ticket');
});
