/**
 * Guests never see a ticket's addresses unmasked, whatever their domain (`localhost`, IP
 * literals, punycode, digits in the TLD, Unicode): not in tickets.get or tickets.list, not in
 * events replayed or live. Reporters see them, IDN domains in punycode.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../shared/events';
import { ACCESS } from '../../shared/roles';
import { readEventsAfter } from '../events/store';
import { collect, seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp, seedMembers } from '../testing/test-app';

const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let app: TestApp;
let reporter: Session;
let guest: Session;
let guestLive: ReturnType<Session['live']>;
let liveItems: ReturnType<typeof collect<{ id: string; data: ProjectEventEnvelope }>>;

/** Every way the five addresses (and their domains) could show through. */
const UNMASKED = [
  'a@localhost', 'localhost',
  'b@[10.1.2.3]', '10.1.2.3',
  'c@xn--80ak6aa92e.com', 'xn--80ak6aa92e', 'аррӏе',
  'd@example.c0m', 'example.c0m',
  'e@пример.рф', 'пример', 'e@xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd',
];

function assertMasked(what: string, value: unknown): void {
  const json = JSON.stringify(value).toLowerCase();
  const seen = UNMASKED.filter((s) => json.includes(s.toLowerCase()));
  assert.deepEqual(seen, [], `${what} shows ${seen.join(', ')}: ${json}`);
}

async function mail(raw: string): Promise<void> {
  const out = await app.mail.ingest.receive(Buffer.from(raw.replace(/\n/g, '\r\n')), { source: 'cli' });
  assert.ok(out.status === 'ticket' || out.status === 'note', JSON.stringify(out));
}

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedMembers(app, P, [['owner@test.io', 'maintainer'], ['rep@test.io', 'reporter'], ['guest@test.io', 'guest']]);
  const maintainer = await signIn(app, 'owner@test.io');
  await maintainer.trpc.serviceDesk.update.mutate({ projectPath: P, addCcParticipants: true, confidentialByDefault: false });
  reporter = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');

  // The guest watches live from before anything happens.
  const { lastEventId } = await guest.trpc.tickets.list.query({ projectPath: P });
  guestLive = guest.live();
  liveItems = collect((h) => guestLive.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));

  await mail(`From: A <a@localhost>
To: ${TO}
Cc: b@[10.1.2.3], c@xn--80ak6aa92e.com, d@example.c0m, E <e@пример.рф>
Subject: Printer on fire (a@localhost)
Message-ID: <odd-1@customer.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Reach me at a@localhost or, better, at e@пример.рф.
`);
  // Removing by the punycode form removes the participant stored as `c@аррӏе.com`; the history
  // still names them ("removed c@…").
  await reporter.trpc.participants.remove.mutate({ projectPath: P, iid: 1, emails: ['c@xn--80ak6aa92e.com'] });
  await mail(`From: E <e@пример.рф>
To: ${TO}
Subject: Re: Printer on fire
Message-ID: <odd-2@customer.test>
In-Reply-To: <odd-1@customer.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Still burning. Ask b@[10.1.2.3] and c@xn--80ak6aa92e.com too.
`);
});

after(async () => {
  liveItems.stop();
  guestLive.close();
  await app.close();
});

test('a guest reading the ticket sees every address masked, in every field', async () => {
  const t = await guest.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assertMasked('tickets.get', t);
  assert.equal(t.externalAuthor, 'a*****@l*****');
  assert.equal(t.title, 'Printer on fire (a*****@l*****)');
  assert.deepEqual(t.participants.map((p) => p.email), ['a*****@l*****', 'b*****@[*****]', 'd*****@e*****.c**', 'e*****@x*****.x**']);
  assert.deepEqual(
    t.notes.filter((n) => n.system).map((n) => n.body),
    ['added b*****@[*****], c*****@x*****.c**, d*****@e*****.c**, e*****@x*****.x**', 'removed c*****@x*****.c**'],
  );
  const reply = t.notes.find((n) => !n.system);
  assert.equal(reply?.externalAuthor, 'e*****@x*****.x**');
  // c was removed before this reply: still one of the ticket's addresses.
  assert.match(reply?.body ?? '', /Ask b\*{5}@\[\*{5}\] and c\*{5}@x\*{5}\.c\*\* too/);
  const list = await guest.trpc.tickets.list.query({ projectPath: P });
  assertMasked('tickets.list', list);
});

test('a guest gets the events masked, live and replayed', async () => {
  const count = (await readEventsAfter(app.dc.db, 1, 0, 100)).filter((e) => e.minAccess <= ACCESS.guest).length;
  assert.ok(count >= 5, 'the history has the ticket, its notes and participant changes');
  const replay = guest.live();
  const replayed = collect<{ id: string; data: ProjectEventEnvelope }>((h) => replay.trpc.events.project.subscribe({ projectPath: P, lastEventId: '0' }, h));
  try {
    const live = await liveItems.waitFor(count);
    const replays = await replayed.waitFor(count);
    assertMasked('live events', live);
    assertMasked('replayed events', replays);
    const systemBodies = live.flatMap((i) => (i.data.event.type === 'note.created' && i.data.event.note.system ? [i.data.event.note.body] : []));
    assert.deepEqual(systemBodies, ['added b*****@[*****], c*****@x*****.c**, d*****@e*****.c**, e*****@x*****.x**', 'removed c*****@x*****.c**']);
  } finally {
    replayed.stop();
    replay.close();
  }
});

test('a reporter sees the addresses, IDN domains in punycode', async () => {
  const t = await reporter.trpc.tickets.get.query({ projectPath: P, iid: 1 });
  assert.equal(t.externalAuthor, 'a@localhost');
  assert.deepEqual(t.participants.map((p) => p.email), ['a@localhost', 'b@[10.1.2.3]', 'd@example.c0m', 'e@xn--e1afmkfd.xn--p1ai']);
  assert.deepEqual(
    t.notes.filter((n) => n.system).map((n) => n.body),
    ['added b@[10.1.2.3], c@xn--80ak6aa92e.com, d@example.c0m, e@xn--e1afmkfd.xn--p1ai', 'removed c@xn--80ak6aa92e.com'],
  );
  assert.equal(t.notes.find((n) => !n.system)?.externalAuthor, 'e@xn--e1afmkfd.xn--p1ai');
  assert.ok(!JSON.stringify(t).includes('аррӏе'), 'the Cyrillic look-alike of apple.com never shows');
});
