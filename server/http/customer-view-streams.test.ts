/**
 * Review 9 M2: the customer view's live streams are bounded. One link holds at most three at once
 * (a fourth ends the oldest, which is told not to reconnect), one client address at most twenty,
 * a stream ends after half an hour (the browser reconnects), and a commit costs the same reads
 * however many pages are open.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { and, eq, type Table } from 'drizzle-orm';
import { customerLinks, events, outbox } from '../../db/schema';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';
import { customerViewStreams, MAX_STREAM_MS, MAX_STREAMS_PER_ADDRESS, MAX_STREAMS_PER_LINK } from './customer-view-streams';

const P = 'acme/streams';
const TO = 'incoming+acme-streams-1-issue-@desk.test';
let app: TestApp;
let rep: Session;
let seq = 0;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', PUBLIC_URL: 'https://desk.test' });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'maintainer');
  rep = await signIn(app, 'rep@test.io');
  await rep.trpc.serviceDesk.update.mutate({ projectPath: P, confidentialByDefault: false });
});
after(() => app.close());

/** A new ticket from `from`, and the customer view link its thank-you email carries. */
async function ticketWithLink(from: string): Promise<{ iid: number; view: string }> {
  const out = await app.mail.ingest.receive(
    Buffer.from(`From: ${from}\r\nTo: ${TO}\r\nSubject: Question ${++seq}\r\nMessage-ID: <s-${seq}@customer.test>\r\n\r\nHello\r\n`),
    { source: 'test' },
  );
  assert.ok(out.status === 'ticket');
  const row = await app.dc.db.select().from(outbox).where(and(eq(outbox.kind, 'thank_you'), eq(outbox.toAddress, from))).get();
  const url = (row?.spec as { template?: { vars?: { ISSUE_URL?: string } } } | undefined)?.template?.vars?.ISSUE_URL ?? '';
  assert.match(url, /^https:\/\/desk\.test\/c\//);
  return { iid: out.iid, view: new URL(url).pathname };
}

interface Events {
  status: number;
  changed(): number;
  superseded(): boolean;
  ended(): boolean;
  until(what: string, ok: () => boolean): Promise<void>;
  close(): void;
}

async function openEvents(path: string): Promise<Events> {
  let changed = 0;
  let superseded = false;
  let ended = false;
  const req = http.get(`${app.url}${path}`, { agent: false });
  const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
  let buffer = '';
  res.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      if (block.startsWith('event: changed')) changed++;
      if (block.startsWith('event: superseded')) superseded = true;
      buffer = buffer.slice(end + 2);
    }
  });
  res.on('end', () => (ended = true));
  res.on('error', () => undefined);
  return {
    status: res.statusCode ?? 0,
    changed: () => changed,
    superseded: () => superseded,
    ended: () => ended,
    async until(what, ok) {
      const deadline = Date.now() + 5000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`${what} within 5 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => req.destroy(),
  };
}

test('a link holds at most three live streams: a fourth ends the oldest, which is told not to reconnect', async () => {
  const { view } = await ticketWithLink('ann@customer.test');
  const streams: Events[] = [];
  try {
    for (let i = 0; i < MAX_STREAMS_PER_LINK; i++) streams.push(await openEvents(`${view}/events`));
    assert.ok(streams.every((s) => s.status === 200));
    const newest = await openEvents(`${view}/events`);
    streams.push(newest);
    assert.equal(newest.status, 200, 'the newest tab is live');
    await streams[0]!.until('the oldest stream to end', () => streams[0]!.ended());
    assert.equal(streams[0]!.superseded(), true, 'the page of the ended stream would reconnect and end the next one, round and round');
    assert.ok(streams.slice(1).every((s) => !s.ended()), 'a stream other than the oldest ended');
  } finally {
    for (const s of streams) s.close();
  }
});

/** Until the server has seen the earlier tests' streams close (on a busy machine it can lag). */
async function noStreamsHeld(): Promise<void> {
  const hub = customerViewStreams(app.dc);
  const deadline = Date.now() + 5000;
  while (hub.held() > 0) {
    if (Date.now() > deadline) throw new Error(`${hub.held()} streams still held after 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('one client address holds at most twenty live streams, whatever links it uses', async () => {
  const streams: Events[] = [];
  await noStreamsHeld();
  try {
    const links = Math.ceil(MAX_STREAMS_PER_ADDRESS / MAX_STREAMS_PER_LINK);
    for (let l = 0; l < links; l++) {
      const { view } = await ticketWithLink(`many-${l}@customer.test`);
      for (let i = 0; i < MAX_STREAMS_PER_LINK && streams.length < MAX_STREAMS_PER_ADDRESS; i++) streams.push(await openEvents(`${view}/events`));
    }
    assert.ok(streams.every((s) => s.status === 200));
    const { view } = await ticketWithLink('one-more@customer.test');
    const refused = await openEvents(`${view}/events`);
    refused.close();
    assert.equal(refused.status, 429, 'one address opened more than twenty streams');
    // One closes: there is room again.
    streams.shift()?.close();
    const room = await (async () => {
      for (let tries = 0; tries < 100; tries++) {
        const s = await openEvents(`${view}/events`);
        if (s.status === 200) return s;
        s.close();
        await new Promise((r) => setTimeout(r, 20));
      }
      return null;
    })();
    assert.ok(room, 'a closed stream left no room');
    streams.push(room);
  } finally {
    for (const s of streams) s.close();
  }
});

test('a stream ends after half an hour (without "superseded": the browser reconnects), and a new one opens', async () => {
  const { iid, view } = await ticketWithLink('bo@customer.test');
  const realNow = app.dc.now;
  const first = await openEvents(`${view}/events`);
  try {
    app.dc.now = () => realNow() + MAX_STREAM_MS + 1000;
    // any commit in the project: the streams' next look
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid, labels: ['later'] });
    await first.until('the stream to end after its lifetime', () => first.ended());
    assert.equal(first.superseded(), false);
    const again = await openEvents(`${view}/events`);
    assert.equal(again.status, 200, 'the link still opens a stream');
    again.close();
  } finally {
    app.dc.now = realNow;
    first.close();
  }
});

test('a commit costs the same reads with one live page open or many', async () => {
  const one = await ticketWithLink('cy@customer.test');
  const two = await ticketWithLink('di@customer.test');
  // Reads of what the streams look at: the project's events and the links.
  const db = app.dc.db as unknown as { select: (...a: unknown[]) => { from(t: Table): unknown } };
  const select = db.select;
  let reads = 0;
  db.select = function (this: unknown, ...a: unknown[]) {
    const builder = select.apply(this, a);
    const from = builder.from.bind(builder);
    builder.from = (t: Table) => {
      if (t === events || t === customerLinks) reads++;
      return from(t);
    };
    return builder;
  };
  const streams: Events[] = [];
  /** Reads from a public reply on the first ticket until the first stream hears of it. */
  const readsOfOneCommit = async (watcher: Events): Promise<number> => {
    // a first commit, so that what the streams read when they start is behind us
    const warm = watcher.changed();
    await rep.trpc.notes.create.mutate({ projectPath: P, iid: one.iid, body: `Warm-up ${++seq}`, internal: false });
    await watcher.until('the warm-up\'s change event', () => watcher.changed() > warm);
    const before = reads;
    const seen = watcher.changed();
    await rep.trpc.notes.create.mutate({ projectPath: P, iid: one.iid, body: `Update ${++seq}`, internal: false });
    await watcher.until('the change event', () => watcher.changed() > seen);
    return reads - before;
  };
  try {
    const watcher = await openEvents(`${one.view}/events`);
    streams.push(watcher);
    const alone = await readsOfOneCommit(watcher);
    for (let i = 1; i < MAX_STREAMS_PER_LINK; i++) streams.push(await openEvents(`${one.view}/events`));
    for (let i = 0; i < MAX_STREAMS_PER_LINK; i++) streams.push(await openEvents(`${two.view}/events`));
    const many = await readsOfOneCommit(watcher);
    // Per project, not per stream: the same reads (before, two a stream: 12 with six open). Another
    // commit landing meanwhile (the reply's email being sent) may add one check's reads.
    assert.ok(many <= 2 * alone && many < 2 * streams.length, `one commit cost ${alone} reads with one page open and ${many} with ${streams.length}`);
  } finally {
    db.select = select;
    for (const s of streams) s.close();
  }
});
