/**
 * Review 9 L2: below reporter a customer's address shows masked (`al*****@e*****.o**`), so the
 * queue's search must not find it by more than that: typing `ali`, `alic`, `alice` would read
 * the address a prefix at a time. Guests and viewers (signed-in non-members of an internal
 * project) search the text as they see it; reporters search everything.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAdmin, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp, seedMembers } from '../testing/test-app';

const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let app: TestApp;
let reporter: Session;
let guest: Session;
let viewer: Session;

async function mail(raw: string): Promise<void> {
  const out = await app.mail.ingest.receive(Buffer.from(raw.replace(/\n/g, '\r\n')), { source: 'cli' });
  assert.ok(out.status === 'ticket' || out.status === 'note', JSON.stringify(out));
}

const found = async (s: Session, search: string) => (await s.trpc.tickets.list.query({ projectPath: P, state: 'all', search })).items.map((t) => t.iid).sort();
const counted = async (s: Session, search: string) => Object.values(await s.trpc.tickets.counts.query({ projectPath: P, search })).reduce((a, b) => a + b, 0);

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedMembers(app, P, [['owner@test.io', 'maintainer'], ['rep@test.io', 'reporter'], ['guest@test.io', 'guest']]);
  await seedUser(app, 'viewer@test.io');
  const maintainer = await signIn(app, 'owner@test.io');
  await maintainer.trpc.serviceDesk.update.mutate({ projectPath: P, confidentialByDefault: false, addCcParticipants: true });
  reporter = await signIn(app, 'rep@test.io');
  guest = await signIn(app, 'guest@test.io');
  viewer = await signIn(app, 'viewer@test.io');

  // #1: the address in the description, and in the quoted header of the customer's reply (a note).
  await mail(`From: alice.wonder@example.org
To: ${TO}
Cc: zed.quux@corp.example
Subject: Printer jammed
Message-ID: <m-1@example.org>

The printer jammed again. Write to alice.wonder@example.org, not the front desk;
my colleague zed.quux@corp.example is in copy.
`);
  await reporter.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'Which tray?', internal: false });
  await mail(`From: alice.wonder@example.org
To: ${TO}
Subject: Re: Printer jammed
Message-ID: <m-2@example.org>
In-Reply-To: <m-1@example.org>

Tray two.

On Monday, alice.wonder@example.org wrote:
> The printer jammed again.
`);
  // #2: the customer's name is also in the visible text: searching it is no secret.
  await mail(`From: bob.smith@example.net
To: ${TO}
Subject: Scanner
Message-ID: <m-3@example.net>

Bob here: the scanner is slow. bob.smith@example.net
`);
  // #3: letters outside ASCII, which both engines fold (núñez is found by nunez).
  await mail(`From: jose.nunez@exämple.de
To: ${TO}
Subject: Fax
Message-ID: <m-4@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

The fax is down. Núñez, jose.nunez@exämple.de
`);
});

after(() => app.close());

test('below reporter, a search finds an address no further than its masked form shows', async () => {
  for (const [who, s] of [['guest', guest], ['viewer', viewer]] as const) {
    // What the masked form shows (al*****@e*****.o**) may be searched: it is on the screen.
    assert.deepEqual(await found(s, 'al'), [1], `${who}: al`);
    // Every longer prefix of the address's words found ticket 1 before: each answer a letter.
    for (const probe of ['ali', 'alic', 'alice', 'wonder', 'won', 'exam', 'example org', 'org', 'zed', 'quux', 'corp', 'bob smith', 'smith', 'jose', 'exämple', 'exa']) {
      assert.deepEqual(await found(s, probe), [], `${who}: ${probe}`);
      assert.equal(await counted(s, probe), 0, `${who}: counts for ${probe}`);
    }
    // Words they can read still match, whatever an address holds too.
    assert.deepEqual(await found(s, 'printer'), [1], `${who}: printer`);
    assert.deepEqual(await found(s, 'tray two'), [1], `${who}: a note's words`);
    assert.deepEqual(await found(s, 'bob'), [2], `${who}: bob, which the text shows`);
    assert.equal(await counted(s, 'bob'), 1, `${who}: counts for bob`);
    assert.deepEqual(await found(s, 'nunez'), [3], `${who}: the name the text shows`);
  }
});

test('a reporter, who sees the addresses, finds them by any part', async () => {
  for (const probe of ['alice', 'wonder', 'example org', 'quux', 'smith', 'jose', 'exämple']) {
    assert.ok((await found(reporter, probe)).length > 0, probe);
  }
  assert.deepEqual(await found(reporter, 'alice wonder'), [1]);
});
