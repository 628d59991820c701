/**
 * Tickets closed by merged changes (issue 13), over real HTTP: each host's documented payload and
 * headers (GitLab's Merge Request Hook with X-Gitlab-Token, GitHub's pull_request with
 * X-Hub-Signature-256, Gitea's and Forgejo's pull_request with X-Gitea-/X-Forgejo-Signature) close
 * the tickets their closing words name, live for every viewer; unsigned or wrongly signed calls
 * are refused with 401 and recorded; redeliveries change nothing twice; other events are ignored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { outbox, tickets } from '../../db/schema';
import type { ProjectEventEnvelope } from '../../shared/events';
import type { CodeHost } from '../../shared/views';
import type { OutboundSpec } from '../mail/outbound/spec';
import { collect, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/app';
let app: TestApp;
let maint: Session;
let rep: Session;
let hook: { url: string; secret: string };
/** The webhook's path on this test server (PUBLIC_URL's port is 0 in tests). */
let hookPath: string;
/** This instance's address as ticket URLs carry it. */
let base: string;

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, P, 'internal');
  await seedProject(app, 'acme/other', 'internal');
  await seedUser(app, 'maint@test.io', 'Mia');
  await seedMember(app, P, 'maint@test.io', 'maintainer');
  await seedUser(app, 'rep@test.io', 'Rita');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  maint = await signIn(app, 'maint@test.io');
  rep = await signIn(app, 'rep@test.io');
  hook = await maint.trpc.webhooks.reveal.mutate({ projectPath: P });
  const u = new URL(hook.url);
  hookPath = u.pathname;
  base = hook.url.slice(0, hook.url.indexOf('/hooks/'));
});
after(() => app.close());

async function newTicket(title: string, customer = 'kim@customer.test'): Promise<number> {
  return (await rep.trpc.tickets.create.mutate({ projectPath: P, title, description: 'It broke.', externalAuthor: customer, confidential: false })).iid;
}

async function ticket(iid: number, projectId = 1) {
  return (await app.dc.db.select().from(tickets).where(and(eq(tickets.projectId, projectId), eq(tickets.iid, iid))).get()) ?? assert.fail(`no #${iid}`);
}

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

// ---- payloads in each host's documented shape (trimmed to the fields a real one always has)

function gitlabMergeRequest(o: { iid: number; title: string; description: string; action?: string; state?: string }) {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 1, name: 'Administrator', username: 'root', avatar_url: 'https://gitlab.example.com/uploads/avatar.png' },
    project: { id: 15, name: 'App', description: '', web_url: 'https://gitlab.example.com/acme/app', path_with_namespace: 'acme/app', default_branch: 'main' },
    object_attributes: {
      id: 99,
      iid: o.iid,
      target_branch: 'main',
      source_branch: 'fix-printer',
      source_project_id: 15,
      target_project_id: 15,
      author_id: 1,
      title: o.title,
      description: o.description,
      created_at: '2031-01-01 09:00:00 UTC',
      updated_at: '2031-01-01 10:00:00 UTC',
      state: o.state ?? 'merged',
      merge_status: 'can_be_merged',
      url: `https://gitlab.example.com/acme/app/-/merge_requests/${o.iid}`,
      action: o.action ?? 'merge',
    },
    labels: [],
    changes: { state_id: { previous: 1, current: 3 } },
    repository: { name: 'App', url: 'git@gitlab.example.com:acme/app.git', homepage: 'https://gitlab.example.com/acme/app' },
  };
}

function githubPullRequest(o: { number: number; title: string; body: string | null; action?: string; merged?: boolean }) {
  const merged = o.merged ?? true;
  return {
    action: o.action ?? 'closed',
    number: o.number,
    pull_request: {
      url: `https://api.github.com/repos/acme/app/pulls/${o.number}`,
      id: 191568743,
      html_url: `https://github.com/acme/app/pull/${o.number}`,
      number: o.number,
      state: o.action === 'opened' ? 'open' : 'closed',
      locked: false,
      title: o.title,
      user: { login: 'octocat', id: 21031067, type: 'User' },
      body: o.body,
      created_at: '2031-01-01T09:00:00Z',
      updated_at: '2031-01-01T10:00:00Z',
      closed_at: '2031-01-01T10:00:00Z',
      merged_at: merged ? '2031-01-01T10:00:00Z' : null,
      merge_commit_sha: 'c4295bd74fb0f4d5b1a0e8b1f3d2a6c5d4e3f2a1',
      merged,
      base: { ref: 'main' },
      head: { ref: 'fix-printer' },
    },
    repository: { id: 186853002, name: 'app', full_name: 'acme/app', private: false, html_url: 'https://github.com/acme/app' },
    sender: { login: 'octocat', id: 21031067, type: 'User' },
  };
}

function giteaPullRequest(o: { number: number; title: string; body: string; host: 'gitea' | 'forgejo' }) {
  const web = o.host === 'gitea' ? 'https://gitea.example.com' : 'https://codeberg.example.org';
  return {
    action: 'closed',
    number: o.number,
    pull_request: {
      id: 21,
      url: `${web}/acme/app/pulls/${o.number}`,
      number: o.number,
      user: { id: 1, login: 'gitea', full_name: '', email: 'gitea@example.com', username: 'gitea' },
      title: o.title,
      body: o.body,
      labels: [],
      state: 'closed',
      html_url: `${web}/acme/app/pulls/${o.number}`,
      diff_url: `${web}/acme/app/pulls/${o.number}.diff`,
      mergeable: true,
      merged: true,
      merged_at: '2031-01-01T10:00:00Z',
      merge_commit_sha: 'bffeb74224043ba2feb48d137756c8a9331c449a',
      base: { label: 'main', ref: 'main', sha: '28e1879d029cb852e4844d9c718537df08844e03' },
    },
    repository: { id: 140, name: 'app', full_name: 'acme/app', html_url: `${web}/acme/app` },
    sender: { id: 1, login: 'gitea', username: 'gitea' },
  };
}

/** Headers as each host sends them, signed with `secret` (or as `sign` overrides). */
function headersFor(host: CodeHost, body: string, o: { secret: string; event?: string; deliveryId?: string; sign?: string | null }): Record<string, string> {
  const id = o.deliveryId ?? randomUUID();
  const h: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'test' };
  const sig = o.sign === undefined ? hmac(o.secret, body) : o.sign;
  if (host === 'gitlab') {
    Object.assign(h, { 'x-gitlab-event': o.event ?? 'Merge Request Hook', 'x-gitlab-event-uuid': id, 'x-gitlab-instance': 'https://gitlab.example.com' });
    const token = o.sign === undefined ? o.secret : o.sign;
    if (token !== null) h['x-gitlab-token'] = token;
  } else if (host === 'github') {
    Object.assign(h, { 'x-github-event': o.event ?? 'pull_request', 'x-github-delivery': id, 'x-github-hook-id': '292430182' });
    if (sig !== null) h['x-hub-signature-256'] = o.sign === undefined ? `sha256=${sig}` : sig;
  } else {
    // Gitea (and Forgejo, which adds its own names) also send GitHub's and Gogs' headers.
    Object.assign(h, { 'x-gitea-event': o.event ?? 'pull_request', 'x-gitea-delivery': id, 'x-github-event': o.event ?? 'pull_request', 'x-github-delivery': id, 'x-gogs-event': o.event ?? 'pull_request' });
    if (sig !== null) h['x-gitea-signature'] = sig;
    if (host === 'forgejo') {
      Object.assign(h, { 'x-forgejo-event': o.event ?? 'pull_request', 'x-forgejo-delivery': id });
      if (sig !== null) h['x-forgejo-signature'] = sig;
    }
  }
  return h;
}

async function deliver(host: CodeHost, payload: unknown, o: { secret?: string; event?: string; deliveryId?: string; sign?: string | null; path?: string } = {}) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${app.url}${o.path ?? hookPath}`, { method: 'POST', headers: headersFor(host, body, { secret: o.secret ?? hook.secret, ...o }), body });
  return { status: res.status, body: (await res.json()) as { outcome?: string; detail?: string; error?: string } };
}

async function notesOf(iid: number) {
  return (await rep.trpc.tickets.get.query({ projectPath: P, iid })).notes;
}

describe('each host closes the tickets its merged change names', () => {
  test('GitHub: pull_request closed and merged, signed with X-Hub-Signature-256; live for a responder watching', async () => {
    const iid = await newTicket('Printer on fire');
    const live = rep.live();
    const watcher = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P }, h));
    await new Promise((r) => setTimeout(r, 200));
    const r = await deliver('github', githubPullRequest({ number: 7, title: 'Cool the printer', body: `Fixes #${iid}.` }));
    assert.equal(r.status, 200);
    assert.equal(r.body.outcome, 'closed');
    assert.match(r.body.detail ?? '', new RegExp(`closed #${iid}`));
    const events = await watcher.waitFor(2);
    watcher.stop();
    live.close();
    const update = events.map((e) => e.data.event).find((e) => e.type === 'ticket.updated');
    assert.ok(update && update.type === 'ticket.updated');
    assert.equal(update.ticket.iid, iid);
    assert.equal(update.ticket.state, 'closed');
    assert.equal(update.cause, 'change_merged');
    // Maintainers' deliveries are not for reporters.
    assert.ok(!events.some((e) => e.data.event.type === 'webhook.delivered'));
    const note = (await notesOf(iid)).at(-1);
    assert.ok(note?.system);
    assert.equal(note.author?.name, 'Support Bot');
    assert.equal(note.body, 'closed: GitHub pull request #7 “Cool the printer” was merged https://github.com/acme/app/pull/7');
    assert.ok((await ticket(iid)).closedAt);
  });

  test('GitLab: Merge Request Hook with action "merge", X-Gitlab-Token; a list of references', async () => {
    const [a, b, c] = [await newTicket('One'), await newTicket('Two'), await newTicket('Three')];
    const r = await deliver('gitlab', gitlabMergeRequest({ iid: 42, title: 'Printer fixes', description: `Closes #${a}, #${b} and tl#${c}` }));
    assert.equal(r.status, 200);
    assert.equal(r.body.outcome, 'closed');
    for (const iid of [a, b, c]) {
      assert.equal((await ticket(iid)).state, 'closed');
      assert.equal((await notesOf(iid)).at(-1)?.body, 'closed: GitLab merge request !42 “Printer fixes” was merged https://gitlab.example.com/acme/app/-/merge_requests/42');
    }
  });

  test('Gitea and Forgejo: pull_request closed with merged, X-Gitea-Signature / X-Forgejo-Signature', async () => {
    const a = await newTicket('Gitea one');
    const r1 = await deliver('gitea', giteaPullRequest({ number: 3, title: 'Fix it', body: `Resolves: ${base}/p/${P}/-/tickets/${a}`, host: 'gitea' }));
    assert.equal(r1.body.outcome, 'closed', r1.body.detail);
    assert.equal((await ticket(a)).state, 'closed');
    assert.match((await notesOf(a)).at(-1)?.body ?? '', /^closed: Gitea pull request #3 “Fix it” was merged https:\/\/gitea\.example\.com\/acme\/app\/pulls\/3$/);
    const b = await newTicket('Forgejo one');
    const r2 = await deliver('forgejo', giteaPullRequest({ number: 4, title: `Implements #${b}`, body: '', host: 'forgejo' }));
    assert.equal(r2.body.outcome, 'closed', r2.body.detail);
    assert.match((await notesOf(b)).at(-1)?.body ?? '', /^closed: Forgejo pull request #4/);
  });

  test('GitHub’s form encoding (payload=…) works too', async () => {
    const iid = await newTicket('Form');
    const body = new URLSearchParams({ payload: JSON.stringify(githubPullRequest({ number: 8, title: 'x', body: `closes #${iid}` })) }).toString();
    const headers = { ...headersFor('github', body, { secret: hook.secret }), 'content-type': 'application/x-www-form-urlencoded' };
    const res = await fetch(`${app.url}${hookPath}`, { method: 'POST', headers, body });
    assert.equal(res.status, 200);
    assert.equal((await ticket(iid)).state, 'closed');
  });
});

describe('refused: unsigned, wrongly signed, unknown, too large', () => {
  test('missing or wrong signatures are 401 for every host, recorded, and change nothing', async () => {
    const iid = await newTicket('Stays open');
    for (const host of ['gitlab', 'github', 'gitea', 'forgejo'] as const) {
      const payload = host === 'gitlab' ? gitlabMergeRequest({ iid: 1, title: 't', description: `Closes #${iid}` }) : host === 'github' ? githubPullRequest({ number: 1, title: 't', body: `Closes #${iid}` }) : giteaPullRequest({ number: 1, title: 't', body: `Closes #${iid}`, host });
      assert.equal((await deliver(host, payload, { sign: null })).status, 401, `${host} unsigned`);
      assert.equal((await deliver(host, payload, { secret: 'not-the-secret' })).status, 401, `${host} wrong secret`);
      const bad = host === 'github' ? 'sha256=00' : host === 'gitlab' ? `${hook.secret}x` : 'zz';
      assert.equal((await deliver(host, payload, { sign: bad })).status, 401, `${host} malformed`);
    }
    // A body changed after signing fails the HMAC.
    const body = JSON.stringify(githubPullRequest({ number: 1, title: 't', body: `Closes #${iid}` }));
    const res = await fetch(`${app.url}${hookPath}`, { method: 'POST', headers: headersFor('github', 'other body', { secret: hook.secret }), body });
    assert.equal(res.status, 401);
    // No event header of a host we know: nothing to check a signature against.
    const plain = await fetch(`${app.url}${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(plain.status, 401);
    assert.equal((await ticket(iid)).state, 'opened');
    const { items } = await maint.trpc.webhooks.deliveries.query({ projectPath: P });
    const refused = items.filter((d) => d.outcome === 'refused');
    assert.ok(refused.length >= 14);
    assert.ok(refused.some((d) => d.host === 'github' && d.detail === 'wrong X-Hub-Signature-256 signature'));
    assert.ok(refused.some((d) => d.host === 'gitlab' && /no X-Gitlab-Token/.test(d.detail)));
    assert.ok(refused.some((d) => d.host === 'unknown'));
    // Secrets never reach the record.
    assert.ok(!JSON.stringify(items).includes(hook.secret));
  });

  test('an unknown webhook address is 404; GET is 405; a body over 1 MB is 413', async () => {
    const payload = githubPullRequest({ number: 1, title: 't', body: 'Closes #1' });
    assert.equal((await deliver('github', payload, { path: '/hooks/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status, 404);
    assert.equal((await deliver('github', payload, { path: '/hooks/short' })).status, 404);
    assert.equal((await fetch(`${app.url}${hookPath}`)).status, 405);
    const huge = JSON.stringify({ ...payload, padding: 'x'.repeat(1024 * 1024) });
    const res = await fetch(`${app.url}${hookPath}`, { method: 'POST', headers: headersFor('github', huge, { secret: hook.secret }), body: huge });
    assert.equal(res.status, 413);
  });
});

describe('exactly once, and only merges', () => {
  test('a redelivery (same delivery id) changes nothing; the same change under a new id does not close a reopened ticket', async () => {
    const iid = await newTicket('Once');
    const id = randomUUID();
    const payload = githubPullRequest({ number: 9, title: 'Once', body: `Fixes #${iid}` });
    assert.equal((await deliver('github', payload, { deliveryId: id })).body.outcome, 'closed');
    const notes = (await notesOf(iid)).length;
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid, state: 'opened' });
    const again = await deliver('github', payload, { deliveryId: id });
    assert.equal(again.status, 200);
    assert.equal(again.body.outcome, 'duplicate');
    const resent = await deliver('github', payload);
    assert.equal(resent.body.outcome, 'ignored');
    assert.match(resent.body.detail ?? '', /was closed by this change before/);
    assert.equal((await ticket(iid)).state, 'opened');
    assert.equal((await notesOf(iid)).length, notes + 1, 'only the reopen note was added');
  });

  test('pings, other events and changes that were not merged answer 200 and change nothing', async () => {
    const iid = await newTicket('Not yet');
    const cases: [CodeHost, unknown, string | undefined, RegExp][] = [
      ['github', { zen: 'Keep it logically awesome.', hook_id: 1, hook: { type: 'Repository', events: ['pull_request'] } }, 'ping', /^ping/],
      ['github', githubPullRequest({ number: 1, title: 't', body: `Fixes #${iid}`, action: 'opened', merged: false }), undefined, /pull request opened, not a merge/],
      ['github', githubPullRequest({ number: 1, title: 't', body: `Fixes #${iid}`, merged: false }), undefined, /closed without merging/],
      ['github', { ref: 'refs/heads/main', commits: [{ message: `Fixes #${iid}` }] }, 'push', /not a pull request event: push/],
      ['gitlab', gitlabMergeRequest({ iid: 1, title: 't', description: `Fixes #${iid}`, action: 'open', state: 'opened' }), undefined, /merge request open, not a merge/],
      ['gitlab', { object_kind: 'push', commits: [{ message: `Fixes #${iid}` }] }, 'Push Hook', /not a merge request event: Push Hook/],
      ['gitea', { ref: 'refs/heads/main', commits: [] }, 'push', /not a pull request event: push/],
    ];
    for (const [host, payload, event, reason] of cases) {
      const r = await deliver(host, payload, event ? { event } : {});
      assert.equal(r.status, 200, `${host} ${event}`);
      assert.equal(r.body.outcome, 'ignored');
      assert.match(r.body.detail ?? '', reason);
    }
    const merged = await deliver('github', githubPullRequest({ number: 2, title: 'Refactor', body: `Related to #${iid}` }));
    assert.match(merged.body.detail ?? '', /no closing words name a ticket/);
    assert.equal((await ticket(iid)).state, 'opened');
  });

  test('references outside the project close nothing there; already closed and unknown tickets are named in the outcome', async () => {
    const other = (await app.dc.db.select().from(tickets).where(eq(tickets.projectId, 2)).all()).length;
    assert.equal(other, 0);
    const closed = await newTicket('Closed already');
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid: closed, state: 'closed' });
    const r = await deliver('github', githubPullRequest({ number: 11, title: 'x', body: `Fixes ${base}/p/acme/other/-/tickets/1, #${closed} and #999` }));
    assert.equal(r.body.outcome, 'ignored');
    assert.match(r.body.detail ?? '', new RegExp(`#${closed} already closed; #999 not found`));
  });

  test('a merged ticket takes no more changes: the ticket it went into is closed, and its note says which was named', async () => {
    const target = await newTicket('Target');
    const source = await newTicket('Source');
    await rep.trpc.tickets.merge.mutate({ projectPath: P, iid: source, into: target });
    const r = await deliver('github', githubPullRequest({ number: 12, title: 'Fix', body: `Fixes #${source}` }));
    assert.equal(r.body.outcome, 'closed');
    assert.equal((await ticket(target)).state, 'closed');
    assert.equal((await notesOf(target)).at(-1)?.body, `closed: GitHub pull request #12 “Fix” was merged (it names #${source}, which was merged into this ticket) https://github.com/acme/app/pull/12`);
  });
});

describe('the resolved email, the secret, and the record', () => {
  test('the resolved email is off by default; on, the customer gets it through the outbox', async () => {
    const quiet = await newTicket('Quiet', 'quiet@customer.test');
    await deliver('github', githubPullRequest({ number: 20, title: 'x', body: `Fixes #${quiet}` }));
    const resolvedTo = async (to: string) => (await app.dc.db.select().from(outbox).where(and(eq(outbox.kind, 'resolved'), eq(outbox.toAddress, to))).all());
    assert.equal((await resolvedTo('quiet@customer.test')).length, 0);

    await maint.trpc.serviceDesk.update.mutate({ projectPath: P, sendResolved: true });
    const told = await newTicket('Told', 'told@customer.test');
    await deliver('github', githubPullRequest({ number: 21, title: 'x', body: `Fixes #${told}` }));
    const rows = await resolvedTo('told@customer.test');
    assert.equal(rows.length, 1);
    const spec = rows[0]?.spec as OutboundSpec;
    assert.match(spec.template?.source ?? '', /has been resolved/);
    assert.equal(spec.template?.vars.ISSUE_ID, `#${told}`);
    await maint.trpc.serviceDesk.update.mutate({ projectPath: P, sendResolved: false });
  });

  test('regenerating: the old URL and secret stop working at once; maintainers see deliveries live', async () => {
    const old = { ...hook, path: hookPath };
    // from a known position, not "from whenever the stream happens to start" (a busy machine)
    const { lastEventId } = await maint.trpc.tickets.list.query({ projectPath: P });
    const live = maint.live();
    const watcher = collect<{ data: ProjectEventEnvelope }>((h) => live.trpc.events.project.subscribe({ projectPath: P, lastEventId }, h));
    hook = await maint.trpc.webhooks.regenerate.mutate({ projectPath: P });
    hookPath = new URL(hook.url).pathname;
    assert.notEqual(hook.secret, old.secret);
    assert.notEqual(hookPath, old.path);
    const iid = await newTicket('After rotation');
    const payload = githubPullRequest({ number: 30, title: 'x', body: `Fixes #${iid}` });
    assert.equal((await deliver('github', payload, { path: old.path, secret: old.secret })).status, 404);
    assert.equal((await deliver('github', payload, { secret: old.secret })).status, 401);
    assert.equal((await deliver('github', payload)).body.outcome, 'closed');
    const delivered = () => watcher.items.map((e) => e.data.event).filter((e) => e.type === 'webhook.delivered');
    const deadline = Date.now() + 20_000;
    while (!delivered().some((e) => e.type === 'webhook.delivered' && e.delivery.outcome === 'closed')) {
      await watcher.waitFor(watcher.items.length + 1, Math.max(1, deadline - Date.now()));
    }
    const seen = delivered();
    watcher.stop();
    live.close();
    assert.ok(seen.some((e) => e.type === 'webhook.delivered' && e.delivery.outcome === 'refused'));
    // The CLI's contract: the same secret as the page shows.
    assert.deepEqual(await maint.trpc.webhooks.reveal.mutate({ projectPath: P }), hook);
    const audit = await maint.trpc.audit.project.query({ projectPath: P });
    assert.ok(audit.items.some((e) => e.action === 'webhook.regenerated'));
  });
});
