/** Events never go missing: resume after lastEventId with no gap and no duplicate. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ProjectEventEnvelope } from '../../shared/events';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/live';
let app: TestApp;
let rep: Session;

type Item = { id: string; data: ProjectEventEnvelope };

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  await seedProject(app, 'acme/other');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  await seedMember(app, 'acme/other', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Resume me' });
});

after(() => app.close());

const note = (body: string) => rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body, internal: false });

function assertContiguous(seqs: number[], from: number, count: number): void {
  assert.equal(new Set(seqs).size, seqs.length, 'no duplicates');
  assert.equal(seqs.length, count);
  for (let i = 1; i < seqs.length; i++) assert.ok((seqs[i] as number) > (seqs[i - 1] as number), 'in order');
  assert.ok((seqs[0] as number) > from, 'nothing at or before lastEventId');
}

test('resubscribing with lastEventId replays exactly the missed events, then streams live', async () => {
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: P });
  const live1 = rep.live();
  const first = collect<Item>((h) => live1.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
  for (let i = 0; i < 5; i++) await note(`first ${i}`);
  await first.waitFor(5);
  first.stop();
  live1.close();
  const seenUpTo = first.items[4]!.data.seq;

  // Missed while disconnected, interleaved with another project's events.
  for (let i = 0; i < 7; i++) {
    await note(`missed ${i}`);
    await rep.trpc.tickets.create.mutate({ projectPath: 'acme/other', title: `noise ${i}` });
  }
  const live2 = rep.live();
  const second = collect<Item>((h) => live2.trpc.events.project.subscribe({ projectPath: P, lastEventId: String(seenUpTo) }, h));
  try {
    await second.waitFor(7);
    await note('live after resume');
    const items = await second.waitFor(8);
    const bodies = items.map((i) => (i.data.event.type === 'note.created' ? i.data.event.note.body : i.data.event.type));
    assert.deepEqual(bodies, [...Array.from({ length: 7 }, (_, i) => `missed ${i}`), 'live after resume']);
    assertContiguous(items.map((i) => i.data.seq), seenUpTo, 8);
    assert.deepEqual(items.map((i) => i.id), items.map((i) => String(i.data.seq)), 'tracked ids are the seqs');
  } finally {
    second.stop();
    live2.close();
  }
});

test('subscribing in the middle of a burst loses nothing and repeats nothing', async () => {
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: P });
  const burst = Promise.all(Array.from({ length: 200 }, (_, i) => note(`burst ${i}`)));
  const live = rep.live();
  const sub = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
  try {
    await burst;
    const items = await sub.waitFor(200, 15_000);
    assertContiguous(items.map((i) => i.data.seq), Number(lastEventId), 200);
    const bodies = new Set(items.map((i) => (i.data.event.type === 'note.created' ? i.data.event.note.body : '')));
    for (let i = 0; i < 200; i++) assert.ok(bodies.has(`burst ${i}`), `burst ${i} arrived`);
  } finally {
    sub.stop();
    live.close();
  }
});

test('when the server drops the socket, the client reconnects and resumes from its last event', async () => {
  const { lastEventId } = await rep.trpc.tickets.list.query({ projectPath: P });
  const live = rep.live();
  const sub = collect<Item>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
  try {
    for (let i = 0; i < 3; i++) await note(`before drop ${i}`);
    await sub.waitFor(3);
    for (const client of app.http.wss.clients) client.terminate();
    for (let i = 0; i < 4; i++) await note(`during drop ${i}`);
    const items = await sub.waitFor(7, 10_000);
    assertContiguous(items.map((i) => i.data.seq), Number(lastEventId), 7);
  } finally {
    sub.stop();
    live.close();
  }
});

function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/trpc`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

test('the WebSocket upgrade needs a session and our own origin', async () => {
  assert.equal(await upgrade({ origin: app.url, cookie: rep.cookie }), 101);
  assert.equal(await upgrade({ origin: app.url }), 401);
  assert.equal(await upgrade({ origin: app.url, cookie: 'tl_session=forged' }), 401);
  assert.equal(await upgrade({ origin: 'https://evil.example', cookie: rep.cookie }), 403);
});
