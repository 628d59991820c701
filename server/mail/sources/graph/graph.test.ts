/**
 * Microsoft Graph ingest over real HTTP against the local Graph stand-in (server/testing/
 * fake-graph.ts, built from Microsoft's documented shapes: no tenant is reachable from here).
 * Token caching and renewal, 401, delta paging and checkpoint, 410 resync, 429, mark read and
 * move after commit, change notifications and their handshake, health.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectEventEnvelope } from '../../../../shared/events';
import { freePort } from '../../../../e2e/fixtures/dovecot';
import { startFakeGraph, type FakeGraph } from '../../../testing/fake-graph';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../../testing/test-app';

let fake: FakeGraph;
let app: TestApp;
let rep: Session;
let admin: Session;
let publicUrl: string;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const DESK = 'desk@contoso.com';

function mail(subject: string, extra = '', from = 'carol@customer.test'): string {
  const id = `<${subject.replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}@customer.test>`;
  return `From: <${from}>\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n${extra}\r\nHello about ${subject}\r\n`;
}

async function titles(): Promise<string[]> {
  return (await rep.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 })).items.map((t) => t.title);
}

async function countTitled(prefix: string): Promise<number> {
  const row = await app.dc.db.sqlGet<{ n: number }>('select count(*) n from tickets where title like ?', `${prefix}%`);
  return Number(row?.n);
}

async function waitForTitles(wanted: string[], ms = 20_000): Promise<void> {
  const live = rep.live();
  const sub = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: 'acme/app', lastEventId: '0' }, h));
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const have = new Set(sub.items.map((i) => (i.data.event.type === 'ticket.created' ? i.data.event.ticket.title : '')));
      if (wanted.every((w) => have.has(w))) return;
      if (Date.now() > deadline) throw new Error(`missing tickets: ${wanted.filter((w) => !have.has(w)).join(', ')}`);
      await sub.waitFor(sub.items.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
    }
  } finally {
    sub.stop();
    live.close();
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function health(name: string) {
  return (await admin.trpc.mailSettings.get.query()).graphMailboxes.find((m) => m.name === name);
}

function graphBox(name: string, mailbox: string, extra: Record<string, unknown> = {}) {
  return { name, tenantId: fake.tenantId, clientId: fake.clientId, clientSecret: fake.clientSecret, mailbox, baseUrl: fake.url, loginUrl: fake.url, pollSeconds: 1, after: 'seen' as const, moveTo: '', ...extra };
}

before(async () => {
  fake = await startFakeGraph({ tokenSeconds: 8 });
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  app = await startTestApp({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    GRAPH_TENANT_ID: fake.tenantId,
    GRAPH_CLIENT_ID: fake.clientId,
    GRAPH_CLIENT_SECRET: fake.clientSecret,
    GRAPH_MAILBOX: DESK,
    GRAPH_NAME: 'desk',
    GRAPH_BASE_URL: fake.url,
    GRAPH_LOGIN_URL: fake.url,
    GRAPH_POLL_SECONDS: '1',
  });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
  admin = await signIn(app, 'admin@test.io');
  await Promise.all(app.mail.graph.map((w) => w.ready()));
});

after(async () => {
  await app?.close();
  await fake?.stop();
});

test('a new message in the inbox becomes a ticket, and is marked read only after commit', async () => {
  const m = fake.deliver(DESK, mail('Graph hello'));
  await waitForTitles(['Graph hello']);
  await until(() => m.isRead, 'the message marked read');
  const row = await app.dc.db.sqlGet<{ source: string; external_id: string; status: string }>("select source, external_id, status from inbound_messages where subject = 'Graph hello'");
  assert.deepEqual(row, { source: 'graph:desk', external_id: m.immutableId, status: 'ticket' });
  // the PATCH came after the MIME was fetched
  const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
  const fetched = paths.indexOf(`GET /v1.0/users/${encodeURIComponent(DESK)}/messages/${m.immutableId}/$value`);
  const patched = paths.indexOf(`PATCH /v1.0/users/${encodeURIComponent(DESK)}/messages/${m.immutableId}`);
  assert.ok(fetched >= 0 && patched > fetched, 'fetched, then marked read');
});

test('the access token is cached across rounds and renewed before it expires: no 401s', async () => {
  const issued = fake.tokensIssued();
  const calls = fake.requests.length;
  // tokens last 8 s here: renewed about every 4 s while rounds run every second (a busy machine
  // may hold a request back a second or two without sending an expired token)
  await until(() => fake.tokensIssued() >= issued + 2, 'two renewals', 30_000);
  const since = fake.requests.slice(calls).filter((r) => r.path.startsWith('/v1.0/'));
  assert.ok(since.length > fake.tokensIssued() - issued, 'several calls per token');
  assert.deepEqual(since.filter((r) => r.status === 401), [], 'never sent an expired token');
});

test('a 401 from Graph renews the token once and the round goes on', async () => {
  fake.revokeTokens();
  fake.deliver(DESK, mail('After a revoked token'));
  await waitForTitles(['After a revoked token']);
  assert.ok(fake.requests.some((r) => r.status === 401), 'Graph refused the old token');
});

test('the delta query is paged; the stored checkpoint is the delta link, after every message is committed', async () => {
  for (let i = 0; i < 120; i++) fake.deliver(DESK, mail(`Paged ${i}`, '', `burst${i}@customer.test`)); // the ingest rate limit is per sender
  await until(async () => (await countTitled('Paged ')) === 120, '120 tickets', 90_000);
  const pages = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/messages/delta'));
  assert.ok(pages.length >= 3, 'at least three pages for 120 messages');
  await until(async () => {
    const cp = await app.dc.db.sqlGet<{ delta_link: string }>("select delta_link from mailboxes where name = 'desk'");
    return /\$deltatoken=/.test(cp?.delta_link ?? '');
  }, 'the delta link stored');
  assert.equal(fake.inbox(DESK).filter((m) => !m.isRead).length, 0, 'every message marked read');
});

test('an expired delta token (410) starts a full resync that creates nothing twice', async () => {
  const before = await app.dc.db.sqlGet<{ n: number }>('select count(*) n from tickets');
  const values = fake.count('GET', /\/\$value$/);
  fake.expireDeltaTokens();
  fake.deliver(DESK, mail('After the resync'));
  await waitForTitles(['After the resync']);
  assert.ok(fake.requests.some((r) => r.status === 410), 'Graph answered 410 Gone');
  const after = await app.dc.db.sqlGet<{ n: number }>('select count(*) n from tickets');
  assert.equal(Number(after?.n), Number(before?.n) + 1, 'only the new message became a ticket');
  assert.equal(fake.count('GET', /\/\$value$/) - values, 1, 'mail received before was skipped by its Graph id, not fetched again');
  assert.equal(await countTitled('Paged '), 120);
});

test('429 with Retry-After is honoured, and shown in health', async () => {
  fake.throttle(2, 1);
  fake.deliver(DESK, mail('After throttling'));
  await waitForTitles(['After throttling']);
  const i = fake.requests.findIndex((r) => r.status === 429);
  assert.ok(i >= 0, 'Graph throttled');
  const next = fake.requests.slice(i + 1).find((r) => r.path.startsWith('/v1.0/'));
  // Retry-After: 1 means no request in the next second (a little slack for clock granularity)
  assert.ok(next && next.at - (fake.requests[i]?.at ?? 0) >= 950, 'the next call waited for Retry-After');
  const h = await health('desk');
  assert.match(h?.health?.lastError ?? '', /throttled requests \(429\)/);
});

test('503 with Retry-After is retried the same way', async () => {
  fake.throttle(1, 1, 503);
  fake.deliver(DESK, mail('After a 503'));
  await waitForTitles(['After a 503']);
  assert.ok(fake.requests.some((r) => r.status === 503));
});

test('a mailbox added in the Admin page with after=move: read, then moved to the folder, after commit', async () => {
  const processed = fake.folder('Processed');
  await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('archive', 'archive@contoso.com', { after: 'move', moveTo: 'Processed' }));
  const m = fake.deliver('archive@contoso.com', mail('Move me via Graph'));
  await waitForTitles(['Move me via Graph']);
  await until(() => m.folder === processed, 'moved to Processed');
  assert.equal(m.isRead, true);
  const view = await health('archive');
  assert.equal(view?.source, 'settings');
  assert.equal(view?.secretSet, true);
  assert.equal(JSON.stringify(await admin.trpc.mailSettings.get.query()).includes(fake.clientSecret), false, 'the secret never comes back');
  const stored = await app.dc.db.sqlGet<{ client_secret: string }>("select client_secret from graph_mailboxes where name = 'archive'");
  assert.match(stored?.client_secret ?? '', /^v1:/, 'sealed at rest');
  assert.equal(stored?.client_secret.includes(fake.clientSecret), false);
});

test('a mailbox added with mail in its inbox: unread messages become tickets, read ones are left alone (also in a resync) until marked unread', async () => {
  const box = 'history@contoso.com';
  const yesterday = new Date(Date.now() - 24 * 3600_000);
  const oldRead = fake.deliver(box, mail('Read last year'), { isRead: true, receivedAt: yesterday });
  const oldUnread = fake.deliver(box, mail('Nobody read this yet'), { receivedAt: yesterday });
  await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('history', box));
  await waitForTitles(['Nobody read this yet']);
  await until(() => oldUnread.isRead, 'the unread one marked read after commit');
  // received after the mailbox was added, and read in Outlook before the poll: still ours
  const quick = fake.deliver(box, mail('Read in Outlook at once'));
  fake.setRead(quick, true);
  await waitForTitles(['Read in Outlook at once']);
  // a resync (expired delta token) leaves the old read mail alone too
  fake.expireDeltaTokens();
  fake.deliver(box, mail('After the history resync'));
  await waitForTitles(['After the history resync']);
  assert.equal((await titles()).includes('Read last year'), false);
  assert.equal(fake.count('GET', new RegExp(`/messages/${oldRead.immutableId}/\\$value$`)), 0, 'its MIME was never fetched');
  assert.equal(oldRead.isRead, true);
  // marked unread in Outlook: now it comes in
  fake.setRead(oldRead, false);
  await waitForTitles(['Read last year']);
  assert.equal(await countTitled('Read last year'), 1);
  const mailboxRow = await app.dc.db.sqlGet<{ existing_before: number }>("select existing_before from mailboxes where name = 'history'");
  assert.ok(Number(mailboxRow?.existing_before) > yesterday.getTime());
});

test('added with "All mail already there": old mail becomes tickets read or not, once, also after a resync; read mail is not marked again', async () => {
  const box = 'everything@contoso.com';
  const lastYear = new Date(Date.now() - 365 * 24 * 3600_000);
  const oldRead = fake.deliver(box, mail('Everything: read last year'), { isRead: true, receivedAt: lastYear });
  const oldUnread = fake.deliver(box, mail('Everything: never read'), { receivedAt: lastYear });
  const added = await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('everything', box, { existingMail: 'all' }));
  assert.equal(added.graphMailboxes.find((m) => m.name === 'everything')?.existingMail, 'all');
  await waitForTitles(['Everything: read last year', 'Everything: never read']);
  await until(() => oldUnread.isRead, 'the unread one marked read after commit');
  assert.equal(fake.count('PATCH', new RegExp(`/messages/${oldRead.immutableId}$`)), 0, 'the read one is not marked again');
  fake.expireDeltaTokens();
  fake.deliver(box, mail('Everything: after the resync'));
  await waitForTitles(['Everything: after the resync']);
  assert.equal(await countTitled('Everything: read last year'), 1);
  assert.equal(await countTitled('Everything: never read'), 1);
});

test('added with "None — only new mail": nothing received before the first read is fetched or marked, also in a resync; mail since is taken, read or not', async () => {
  const box = 'onlynew@contoso.com';
  const yesterday = new Date(Date.now() - 24 * 3600_000);
  const oldUnread = fake.deliver(box, mail('Only new: unread from before'), { receivedAt: yesterday });
  const oldRead = fake.deliver(box, mail('Only new: read from before'), { isRead: true, receivedAt: yesterday });
  await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('onlynew', box, { existingMail: 'none' }));
  // "new" is what is received once the mailbox is first read
  await until(async () => (await health('onlynew'))?.health?.state === 'idle', 'the first round done');
  const quick = fake.deliver(box, mail('Only new: read in Outlook at once'));
  fake.setRead(quick, true);
  fake.deliver(box, mail('Only new: arrived after'));
  await waitForTitles(['Only new: read in Outlook at once', 'Only new: arrived after']);
  fake.expireDeltaTokens();
  fake.deliver(box, mail('Only new: after the resync'));
  await waitForTitles(['Only new: after the resync']);
  const all = await titles();
  assert.equal(all.includes('Only new: unread from before') || all.includes('Only new: read from before'), false);
  for (const m of [oldUnread, oldRead]) assert.equal(fake.count('GET', new RegExp(`/messages/${m.immutableId}/\\$value$`)), 0, 'its MIME was never fetched');
  assert.equal(oldUnread.isRead, false, 'left unread');
  await assert.rejects(admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('odd', 'odd@contoso.com', { existingMail: 'some' })), /Mail already in the mailbox must be "unread", "all" or "none"\./);
});

test('the choice edited later keeps to the mail the mailbox already left alone, also at a resync; pointed at another Exchange mailbox, the new choice applies there', async () => {
  const box = 'team@contoso.com';
  const lastYear = new Date(Date.now() - 365 * 24 * 3600_000);
  const oldRead = fake.deliver(box, mail('Team: read last year'), { isRead: true, receivedAt: lastYear });
  const added = await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('team', box));
  const id = added.graphMailboxes.find((m) => m.name === 'team')?.id as number;
  fake.deliver(box, mail('Team: first'));
  await waitForTitles(['Team: first']);
  // months later: "All mail already there" (the hint says it applies when the mailbox is added or
  // pointed elsewhere), then the delta token expires and the next round reads the whole inbox
  await admin.trpc.mailSettings.updateGraphMailbox.mutate({ id, ...graphBox('team', box, { existingMail: 'all' }) });
  fake.expireDeltaTokens();
  fake.deliver(box, mail('Team: after the resync'));
  await waitForTitles(['Team: after the resync']);
  assert.equal(await countTitled('Team: read last year'), 0, 'no ticket (nor thank-you email) for mail read before the mailbox was added');
  assert.equal(fake.count('GET', new RegExp(`/messages/${oldRead.immutableId}/\\$value$`)), 0, 'its MIME was never fetched');

  // pointed at another Exchange mailbox: its mail already there is taken as the choice says now
  fake.deliver('team2@contoso.com', mail('Team2: read last year'), { isRead: true, receivedAt: lastYear });
  await admin.trpc.mailSettings.updateGraphMailbox.mutate({ id, ...graphBox('team', 'team2@contoso.com', { existingMail: 'all' }) });
  await waitForTitles(['Team2: read last year']);
});

test('change notifications: the subscription passed the validation handshake, and a notification wakes the poller at once', async () => {
  // polled once an hour: only a notification can bring this mail in time
  await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('pushed', 'pushed@contoso.com', { pollSeconds: 3600 }));
  await until(() => [...fake.subscriptions.values()].some((s) => s.mailbox === 'pushed@contoso.com'), 'a subscription for the mailbox');
  const sub = [...fake.subscriptions.values()].find((s) => s.mailbox === 'pushed@contoso.com');
  assert.equal(sub?.changeType, 'created');
  assert.equal(sub?.notificationUrl, `${publicUrl}/graph/notifications/pushed`);
  await until(async () => (await health('pushed'))?.health?.state === 'idle', 'the first round done');
  assert.equal((await health('pushed'))?.notifications, true);
  fake.deliver('pushed@contoso.com', mail('Woken by a notification'));
  await waitForTitles(['Woken by a notification'], 10_000);
  assert.ok(fake.notifications.some((n) => n.subscriptionId === sub?.id && n.status === 202), 'the notification was accepted (202)');
});

test('a subscription is renewed before it expires (PATCH), not created again', async () => {
  // this one is granted 4 s: renewed at about half its life
  fake.maxSubscriptionSeconds = 4;
  try {
    await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('renewing', 'renewing@contoso.com'));
    await until(() => [...fake.subscriptions.values()].some((s) => s.mailbox === 'renewing@contoso.com'), 'a subscription');
    const sub = [...fake.subscriptions.values()].find((s) => s.mailbox === 'renewing@contoso.com');
    const firstExpiry = sub?.expiresAt ?? 0;
    const patches = (id: string) => fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/v1.0/subscriptions/${id}` && r.status === 200).length;
    await until(() => patches(sub?.id as string) >= 1, 'a renewal', 15_000);
    assert.ok((sub?.expiresAt ?? 0) > firstExpiry, 'the expiry moved forward');
    assert.equal([...fake.subscriptions.values()].filter((s) => s.mailbox === 'renewing@contoso.com').length, 1, 'still one subscription');
  } finally {
    fake.maxSubscriptionSeconds = 4230 * 60;
    const id = (await health('renewing'))?.id;
    if (id) await admin.trpc.mailSettings.removeGraphMailbox.mutate({ id });
  }
});

test('the notification endpoint echoes a validation token as text/plain and refuses a wrong clientState', async () => {
  const url = `${publicUrl}/graph/notifications/pushed`;
  const echo = await fetch(`${url}?validationToken=${encodeURIComponent('Validation: token <&> 1')}`, { method: 'POST' });
  assert.equal(echo.status, 200);
  assert.match(echo.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(await echo.text(), 'Validation: token <&> 1');
  const sub = [...fake.subscriptions.values()].find((s) => s.mailbox === 'pushed@contoso.com');
  assert.ok(sub);
  const m = fake.deliver('pushed@contoso.com', mail('Not woken by a forged notification'));
  // the fake's own genuine notification for `m` also went out: only the forged one is checked here
  assert.equal(await fake.notify(sub, m, 'forged-client-state'), 403);
  const forged = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: sub.id, changeType: 'created' }] }) });
  assert.equal(forged.status, 403, 'no clientState at all is refused too');
  const other = await fetch(`${publicUrl}/graph/notifications/desk`, { method: 'POST', body: JSON.stringify({ value: [{ clientState: sub.clientState }] }) });
  assert.equal(other.status, 403, "one mailbox's clientState does not wake another");
});

test('wrong credentials: the mailbox shows a clear error in health, never the secret', async () => {
  await admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('wrong', 'wrong@contoso.com', { clientSecret: 'not-the-secret' }));
  await until(async () => (await health('wrong'))?.health?.state === 'error', 'an error state');
  const h = await health('wrong');
  assert.match(h?.health?.lastError ?? '', /AADSTS7000215/);
  assert.equal((h?.health?.lastError ?? '').includes('not-the-secret'), false);
  const test1 = await admin.trpc.mailSettings.testGraphMailbox.mutate({ id: h?.id as number });
  assert.equal(test1.ok, false);
  const ok = await admin.trpc.mailSettings.testGraphMailbox.mutate({ settings: graphBox('x', DESK) });
  assert.equal(ok.ok, true);
});

test('Graph refusing even a fresh token: one renewal, then a clear health error', async () => {
  fake.refuseTokens = true;
  const issued = fake.tokensIssued();
  try {
    await until(async () => /401 InvalidAuthenticationToken/.test((await health('desk'))?.health?.lastError ?? ''), 'the 401 in health');
    assert.equal((await health('desk'))?.health?.state, 'error');
    assert.ok(fake.tokensIssued() > issued, 'a fresh token was tried');
  } finally {
    fake.refuseTokens = false;
  }
  fake.deliver(DESK, mail('After access came back'));
  await waitForTitles(['After access came back']);
  await until(async () => (await health('desk'))?.health?.state === 'idle', 'back to idle');
});

test('paused: nothing is fetched; resumed: it goes on from its checkpoint', async () => {
  const id = (await health('archive'))?.id as number;
  await admin.trpc.mailSettings.pauseGraphMailbox.mutate({ id, paused: true });
  const m = fake.deliver('archive@contoso.com', mail('While paused'));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(m.isRead, false);
  assert.equal((await titles()).includes('While paused'), false);
  await admin.trpc.mailSettings.pauseGraphMailbox.mutate({ id, paused: false });
  await waitForTitles(['While paused']);
});

test('edited to read another Exchange mailbox: the old delta link is not followed; removed: its subscription ends', async () => {
  const archive = await health('archive');
  await admin.trpc.mailSettings.updateGraphMailbox.mutate({ id: archive?.id as number, ...graphBox('archive', 'archive2@contoso.com', { after: 'move', moveTo: 'Processed' }) });
  const mark = fake.requests.length;
  fake.deliver('archive@contoso.com', mail('Left in the old mailbox'));
  fake.deliver('archive2@contoso.com', mail('From the new mailbox'));
  await waitForTitles(['From the new mailbox']);
  const deltas = fake.requests.slice(mark).filter((r) => r.path.endsWith('/messages/delta') && r.path.includes('/users/archive'));
  assert.ok(deltas.length > 0 && deltas.every((r) => r.path.includes('/users/archive2%40contoso.com/')), 'only the new mailbox was read');
  assert.equal((await titles()).includes('Left in the old mailbox'), false);

  const pushed = await health('pushed');
  assert.equal([...fake.subscriptions.values()].filter((s) => s.mailbox === 'pushed@contoso.com').length, 1);
  await admin.trpc.mailSettings.removeGraphMailbox.mutate({ id: pushed?.id as number });
  assert.equal([...fake.subscriptions.values()].filter((s) => s.mailbox === 'pushed@contoso.com').length, 0, 'the subscription was deleted');
});

test('an IMAP mailbox cannot take a Graph mailbox name, nor the other way round', async () => {
  await assert.rejects(
    admin.trpc.mailSettings.addMailbox.mutate({ name: 'archive', host: '127.0.0.1', port: 1, security: 'none', username: 'u', password: 'p', folder: 'INBOX', after: 'seen', moveTo: 'Processed' }),
    /already has this name/,
  );
  await assert.rejects(admin.trpc.mailSettings.addGraphMailbox.mutate(graphBox('desk', 'x@contoso.com')), /already has this name/);
});
