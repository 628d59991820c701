/**
 * Three real Threadline nodes on one private PostgreSQL (issue 9, decision 010), through real
 * parts only: server processes (server/main.ts), the CLI, tRPC over HTTP and WebSocket, SMTP in
 * (nodemailer, pooled) and out (a real SMTP sink), IMAP (a private Dovecot), SQL on the database.
 *
 *   1. PostgreSQL, a database, an SMTP sink, a Dovecot with one mailbox user
 *   2. nodes a, b, c on the same DATABASE_URL / SMTP_URL / IMAP_MAILBOXES; seeded through the CLI
 *   3. live across nodes: a ticket created on a reaches clients of b and c; a note on c reaches a
 *   4. 500 emails round-robin over the three SMTP listeners, node b killed -9 after ~150 and
 *      restarted: 0 lost, 0 doubled, every client's view (incl. b's, resumed) equals the database
 *   5. the IMAP lease moves to a survivor within 10 s of a kill -9 of its holder; one ticket per mail
 *   6. the outbox sends every thank-you; duplicates only where a node died mid-send, same Message-ID
 *   7. at the end every client still equals the database
 *
 * Run alone: node --import tsx --test e2e/cluster/cluster.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import nodemailer from 'nodemailer';
import pg from 'pg';
import WebSocket from 'ws';
import type { AppRouter } from '../../server/trpc/router';
import { ROOT_DIR } from '../../server/paths';
import { startPostgres, type RunningPostgres } from '../../server/testing/postgres';
import type { ProjectEventEnvelope } from '../../shared/events';
import { ensureDovecotInstalled, startDovecot, type Dovecot } from '../fixtures/dovecot';
import { serverProcess, type ServerProcess } from '../fixtures/server-process';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';

const PROJECT = 'acme/app';
const ADMIN = { email: 'admin@cluster.test', password: 'cluster-admin-password' };
const AGENT = { email: 'agent@cluster.test', password: 'cluster-agent-password' };
const BURST = 500;
const KILL_AFTER = 150;
const IN_FLIGHT = 10;
/** The last messages wait for node b to be back, so the restarted node takes mail again. */
const HOLD_BACK_FROM = 450;
/**
 * How long the outbox may need to finish after the kills. There is no setting for the claim time
 * of an outbox row yet (server/config.ts has no OUTBOX_* variable), so a killed node's claims
 * expire on the server's own schedule: wait up to 90 s.
 */
const OUTBOX_WAIT_MS = 90_000;
const RUN = Date.now().toString(36);

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;
type Tracked = { id: string; data: ProjectEventEnvelope };

interface Node {
  name: 'a' | 'b' | 'c';
  proc: ServerProcess;
  dataDir: string;
}

interface LiveClient {
  node: Node;
  trpc: Client;
  /** ticket id → how many ticket.created events carried it */
  created: Map<number, number>;
  /** note ids seen in note.created events */
  notes: Set<number>;
  seqs: number[];
  duplicateSeqs: number;
  opens: number;
  closes: number;
  errors: unknown[];
  close(): void;
}

let postgres: RunningPostgres | null = null;
let databaseUrl = '';
let sql: pg.Pool | null = null;
let sink: SmtpSink | null = null;
let dovecot: Dovecot | null = null;
const nodes: Node[] = [];
const clients: LiveClient[] = [];
const tmpDirs: string[] = [];
let address = '';
let projectId = 0;
let kills = 0;
const figures: Record<string, unknown> = {};
let anyFailure = false;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

async function q<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await sql!.query(text, params)).rows as T[];
}

function tmp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** `node --import tsx server/cli/desk.ts …`: one process per command, one line of JSON back. */
function desk(args: string[], env: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'server/cli/desk.ts'), ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`desk ${args[0]} exited ${code}: ${err || out}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? 'null'));
      } catch {
        reject(new Error(`desk ${args[0]} printed no JSON: ${out}`));
      }
    });
  });
}

/** A tRPC client over HTTP that keeps the session cookie (as server/testing/test-app.ts's httpClient). */
function httpClient(url: string, jar: { cookie: string }): Client {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        fetch: async (u, init) => {
          const headers = new Headers(init?.headers);
          if (jar.cookie) headers.set('cookie', jar.cookie);
          const res = await fetch(u, { ...init, headers } as RequestInit);
          for (const c of res.headers.getSetCookie()) {
            const pair = c.split(';')[0] ?? '';
            if (pair.startsWith('tl_session=')) jar.cookie = pair.endsWith('=') ? '' : pair;
          }
          return res;
        },
      }),
    ],
  });
}

/** Signs in on `node` and subscribes to the project's events over a WebSocket to that node. */
async function connect(node: Node): Promise<LiveClient> {
  const jar = { cookie: '' };
  const trpc = httpClient(node.proc.url, jar);
  await trpc.auth.login.mutate(AGENT);
  assert.ok(jar.cookie, `node ${node.name} set a session cookie`);
  const cookie = jar.cookie;
  const origin = node.proc.url;
  class CookieWebSocket extends WebSocket {
    constructor(addr: string) {
      super(addr, { headers: { cookie, origin } });
    }
  }
  const lc: LiveClient = {
    node,
    trpc,
    created: new Map(),
    notes: new Set(),
    seqs: [],
    duplicateSeqs: 0,
    opens: 0,
    closes: 0,
    errors: [],
    close: () => undefined,
  };
  const ws = createWSClient({
    url: `${node.proc.url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 100,
    onOpen: () => void lc.opens++,
    onClose: () => void lc.closes++,
  });
  const live = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const seen = new Set<number>();
  const sub = live.events.project.subscribe(
    { projectPath: PROJECT, lastEventId: '0' },
    {
      onData(v) {
        const item = v as unknown as Tracked;
        const env = item.data;
        if (seen.has(env.seq)) lc.duplicateSeqs++;
        seen.add(env.seq);
        lc.seqs.push(env.seq);
        if (env.event.type === 'ticket.created') lc.created.set(env.event.ticket.id, (lc.created.get(env.event.ticket.id) ?? 0) + 1);
        if (env.event.type === 'note.created') lc.notes.add(env.event.note.id);
      },
      onError(e) {
        lc.errors.push(e);
      },
    },
  );
  lc.close = () => {
    sub.unsubscribe();
    ws.close();
  };
  return lc;
}

function burstMail(i: number): { id: string; from: string; raw: string } {
  const id = `<burst-${i}-${RUN}@burst.customer.test>`;
  const from = `customer-${i}@customer.test`;
  const raw = [
    `From: Customer ${i} <${from}>`,
    `To: ${address}`,
    `Subject: Burst message ${i}`,
    `Message-ID: ${id}`,
    'Date: Mon, 01 Jun 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is customer ${i}. Something is broken.`,
    '',
  ].join('\r\n');
  return { id, from, raw };
}

function imapMail(n: number): { id: string; raw: string } {
  const id = `<imap-${n}-${RUN}@imap.customer.test>`;
  const raw = [
    `From: Imap Customer ${n} <imap-${n}@customer.test>`,
    `To: ${address}`,
    `Subject: IMAP message ${n}`,
    `Message-ID: ${id}`,
    'Date: Mon, 01 Jun 2026 11:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello over IMAP, number ${n}.`,
    '',
  ].join('\r\n');
  return { id, raw };
}

/** Tickets made from an email with this Message-ID (through tickets.email_id). */
async function ticketsFor(messageId: string): Promise<number[]> {
  const rows = await q<{ id: number }>(
    `select t.id from tickets t join inbound_messages i on i.id = t.email_id
      where t.project_id = $1 and trim(both '<>' from i.message_id) = trim(both '<>' from $2)`,
    [projectId, messageId],
  );
  return rows.map((r) => r.id);
}

async function dbTicketIds(): Promise<number[]> {
  return (await q<{ id: number }>('select id from tickets where project_id = $1 order by id', [projectId])).map((r) => r.id);
}

/** Waits until every client has seen the database's ticket set, then compares. */
async function assertClientsEqualDatabase(label: string): Promise<void> {
  const ids = await dbTicketIds();
  const want = new Set(ids);
  await waitUntil(`every client to see ${ids.length} tickets (${label})`, 20_000, () =>
    clients.every((c) => ids.every((id) => c.created.has(id))),
  ).catch(() => undefined);
  for (const c of clients) {
    const seen = [...c.created.keys()].sort((x, y) => x - y);
    const doubled = [...c.created.entries()].filter(([, n]) => n > 1).map(([id]) => id);
    const missing = ids.filter((id) => !c.created.has(id));
    const extra = seen.filter((id) => !want.has(id));
    figures[`${label}: client of ${c.node.name}`] = { seen: seen.length, missing: missing.length, extra: extra.length, doubled: doubled.length, duplicateSeqs: c.duplicateSeqs, wsOpens: c.opens };
    assert.deepEqual(
      { missing: missing.slice(0, 10), extra: extra.slice(0, 10), doubled: doubled.slice(0, 10), duplicateSeqs: c.duplicateSeqs },
      { missing: [], extra: [], doubled: [], duplicateSeqs: 0 },
      `client of node ${c.node.name}: its view of the tickets equals the database (${ids.length} tickets) (${label})`,
    );
  }
}

function envFor(name: string, imapUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    NODE_NAME: name,
    SMTP_URL: `${sink!.url}?tls=off`,
    IMAP_MAILBOXES: imapUrl,
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    INGEST_RATE_LIMIT: '100000',
    // info: the nodes' own account of recovery and leases ends up in the figures
    LOG_LEVEL: 'info',
  };
}

/** The node's JSON log lines (since its first start) whose text matches `re`, shortened. */
function logLines(n: Node, re: RegExp): string[] {
  return n.proc
    .output()
    .split('\n')
    .filter((l) => re.test(l))
    .map((l) => l.slice(0, 300));
}

function node(name: 'a' | 'b' | 'c'): Node {
  const n = nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

async function stopNode(n: Node): Promise<void> {
  // SIGTERM, and SIGKILL if the node does not exit in time
  await Promise.race([n.proc.stop(), sleep(10_000).then(() => n.proc.kill9())]).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------

before(
  async () => {
    const t0 = Date.now();
    // 1. PostgreSQL, a database, an SMTP sink, a Dovecot with one mailbox user
    ensureDovecotInstalled();
    [postgres, sink, dovecot] = await Promise.all([
      startPostgres({ settings: { max_connections: 400 } }),
      startSmtpSink(),
      startDovecot({ users: ['desk'] }),
    ]);
    databaseUrl = await postgres.createDatabase('cluster');
    sql = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    sql.on('error', () => undefined);
    const imapUrl = `imap://desk:${encodeURIComponent(dovecot.password)}@${dovecot.host}:${dovecot.port}/INBOX?name=desk`;

    // 2. seed through the CLI (same DATABASE_URL), then three nodes
    const cliEnv = { ...envFor('cli', imapUrl), DATA_DIR: tmp('threadline-cluster-cli-') };
    await desk(['create-admin', '--email', ADMIN.email, '--password', ADMIN.password, '--name', 'Admin'], cliEnv);
    const project = (await desk(['create-project', '--path', PROJECT, '--name', 'Acme App'], cliEnv)) as { id: number };
    projectId = project.id;
    await desk(['create-user', '--email', AGENT.email, '--password', AGENT.password, '--name', 'Agent'], cliEnv);
    await desk(['add-member', '--project', PROJECT, '--email', AGENT.email, '--role', 'developer'], cliEnv);

    for (const name of ['a', 'b', 'c'] as const) {
      const dataDir = tmp(`threadline-cluster-${name}-`);
      nodes.push({ name, dataDir, proc: await serverProcess(dataDir, envFor(name, imapUrl)) });
    }
    await Promise.all(nodes.map((n) => n.proc.start()));

    // 3a. sign in on every node and subscribe to the project's events there
    for (const n of nodes) clients.push(await connect(n));
    const sd = await clients[0]!.trpc.serviceDesk.get.query({ projectPath: PROJECT });
    address = sd.address;
    for (const n of nodes) {
      assert.ok(n.proc.output().includes(address), `node ${n.name} printed the Service Desk address ${address}:\n${n.proc.output()}`);
    }
    figures['setup ms'] = Date.now() - t0;
    figures['Service Desk address'] = address;
  },
  { timeout: 90_000 },
);

after(
  async () => {
    for (const c of clients) c.close();
    await Promise.all(nodes.map(stopNode));
    if (anyFailure) {
      for (const n of nodes) {
        const out = n.proc.output();
        process.stderr.write(`\n--- node ${n.name} output (last 4000 chars) ---\n${out.slice(-4000)}\n`);
      }
    }
    await sql?.end().catch(() => undefined);
    await sink?.stop().catch(() => undefined);
    await dovecot?.destroy().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
    process.stdout.write(`\ncluster figures:\n${JSON.stringify(figures, null, 2)}\n`);
  },
  { timeout: 60_000 },
);

/** Marks the run failed (for the node logs in `after`) and rethrows. */
async function step(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    anyFailure = true;
    throw err;
  }
}

test('3. a ticket created on node a reaches clients of b and c live; a note posted on c reaches a', { timeout: 30_000 }, () =>
  step(async () => {
    const [a, b, c] = clients as [LiveClient, LiveClient, LiveClient];
    const t0 = Date.now();
    const ticket = await a.trpc.tickets.create.mutate({ projectPath: PROJECT, title: 'Created on node a' });
    await waitUntil('ticket.created on clients of b and c', 5000, () => b.created.has(ticket.id) && c.created.has(ticket.id), 10);
    figures['ticket a → clients b, c ms'] = Date.now() - t0;
    const t1 = Date.now();
    const note = await c.trpc.notes.create.mutate({ projectPath: PROJECT, iid: ticket.iid, body: 'Reply posted on node c', internal: false });
    await waitUntil('note.created on the client of a', 5000, () => a.notes.has(note.id), 10);
    figures['note c → client a ms'] = Date.now() - t1;
    // b is another node's client: the note reaches it on its own schedule (waited for, not assumed).
    await waitUntil('note.created on the client of b', 5000, () => b.notes.has(note.id), 10);
    assert.ok(a.created.has(ticket.id) && b.notes.has(note.id), 'every client sees both');
  }),
);

test('4. 500 emails round-robin over three SMTP listeners, node b killed -9 mid-burst and restarted: 0 lost, 0 doubled', { timeout: 120_000 }, () =>
  step(async () => {
    const b = node('b');
    const transports = nodes.map((n) => {
      const t = nodemailer.createTransport({
        host: '127.0.0.1',
        port: n.proc.smtpPort,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 4,
        maxMessages: Infinity,
        connectionTimeout: 3000,
        greetingTimeout: 3000,
        socketTimeout: 20_000,
      });
      t.on('error', () => undefined);
      return t;
    });
    const acceptedBy = [0, 0, 0];
    const failures: string[] = [];
    let accepted = 0;
    let retried = 0;
    let next = 0;
    let bDown = false;
    let acceptedByBAfterRestart = 0;
    let killAt = 0;
    let restartMs = 0;
    let releaseHoldBack!: () => void;
    const bBack = new Promise<void>((r) => (releaseHoldBack = r));
    let restart: Promise<void> | null = null;
    const t0 = Date.now();

    async function sendOne(i: number): Promise<void> {
      const m = burstMail(i);
      let target = i % 3;
      for (let attempt = 1; ; attempt++) {
        try {
          await transports[target]!.sendMail({ envelope: { from: m.from, to: [address] }, raw: m.raw });
          accepted++;
          acceptedBy[target]!++;
          if (target === 1 && restartMs) acceptedByBAfterRestart++;
          break;
        } catch (err) {
          // as an MTA would: try the next node
          retried++;
          if (failures.length < 20) failures.push(`#${i} on ${nodes[target]!.name}: ${(err as Error).message}`);
          if (attempt >= 40) throw new Error(`message ${i} could not be delivered: ${failures.slice(-5).join(' | ')}`);
          target = (target + 1) % 3;
          await sleep(20);
        }
      }
      if (accepted >= KILL_AFTER && !restart) {
        restart = (async () => {
          bDown = true;
          killAt = Date.now();
          try {
            await b.proc.kill9();
            kills++;
            await b.proc.start();
            restartMs = Date.now() - killAt;
          } finally {
            bDown = false;
            releaseHoldBack();
          }
        })();
      }
    }

    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < BURST; i = next++) {
          if (i >= HOLD_BACK_FROM && (bDown || !restart)) await bBack;
          await sendOne(i);
        }
      }),
    );
    await restart;
    const sendMs = Date.now() - t0;
    for (const t of transports) t.close();
    figures['burst'] = { killOfBMsAfterStart: killAt - t0, sent: accepted, ms: sendMs, perSecond: Math.round((accepted * 1000) / sendMs), acceptedBy: { a: acceptedBy[0], b: acceptedBy[1], c: acceptedBy[2] }, acceptedByBAfterRestart, retriedSends: retried, bRestartMs: restartMs, firstFailures: failures.slice(0, 5) };
    assert.equal(accepted, BURST, 'every message was accepted by some node');

    // the database: exactly one ticket per Message-ID
    const ids = Array.from({ length: BURST }, (_, i) => burstMail(i).id.replace(/[<>]/g, ''));
    await waitUntil('500 tickets from the burst', 30_000, async () => {
      const [row] = await q<{ n: number }>(
        `select count(*)::int n from tickets t join inbound_messages i on i.id = t.email_id
          where t.project_id = $1 and i.message_id like '%@burst.customer.test%'`,
        [projectId],
      );
      const [pending] = await q<{ n: number }>("select count(*)::int n from inbound_messages where status = 'pending'");
      return (row?.n ?? 0) >= BURST && pending?.n === 0;
    }).catch(() => undefined);
    const rows = await q<{ mid: string; tickets: number }>(
      `select trim(both '<>' from i.message_id) mid, count(*)::int tickets
         from tickets t join inbound_messages i on i.id = t.email_id
        where t.project_id = $1 and i.message_id like '%@burst.customer.test%'
        group by 1`,
      [projectId],
    );
    const perId = new Map(rows.map((r) => [r.mid, r.tickets]));
    const lost = ids.filter((id) => !perId.has(id));
    const doubled = rows.filter((r) => r.tickets > 1).map((r) => `${r.mid} ×${r.tickets}`);
    const [total] = await q<{ n: number }>('select count(*)::int n from tickets where project_id = $1', [projectId]);
    const outcomes = await q<{ status: string; n: number }>(
      "select status, count(*)::int n from inbound_messages where message_id like '%@burst.customer.test%' group by status order by status",
    );
    figures['burst database'] = { tickets: rows.length, lost: lost.length, doubled: doubled.length, projectTickets: total?.n, inboundByStatus: Object.fromEntries(outcomes.map((o) => [o.status, o.n])) };
    // the mail log: the stored message a ticket was made from says so (Admin page, received mail by outcome)
    const mislabelled = await q<{ ticket: number; inbound: number; status: string; source: string; attempts: number; received_at: number; processed_at: number | null; mid: string }>(
      `select t.id ticket, i.id inbound, i.status, i.source, i.attempts, i.received_at, i.processed_at, i.message_id mid
         from tickets t join inbound_messages i on i.id = t.email_id
        where t.project_id = $1 and i.message_id like '%@burst.customer.test%' and i.status <> 'ticket'
        order by t.id`,
      [projectId],
    );
    figures['burst tickets whose inbound row is not status ticket'] = mislabelled.map((r) => ({
      ...r,
      receivedMsAfterKillOfB: Number(r.received_at) - killAt,
      processedMsAfterKillOfB: r.processed_at === null ? null : Number(r.processed_at) - killAt,
    }));
    figures['node b after its restart said'] = logLines(b, /left pending|recover/i);
    assert.deepEqual({ lost: lost.slice(0, 10), doubled: doubled.slice(0, 10) }, { lost: [], doubled: [] }, 'one ticket per Message-ID');
    assert.equal(rows.length, BURST);
    assert.equal(total?.n, BURST + 1, 'the project holds the 500 email tickets and the one made through the API');

    // every client, including b's (reconnected and resumed from its last event id), equals the database
    const clientB = clients.find((c) => c.node.name === 'b')!;
    assert.ok(clientB.opens >= 2, `the client of node b reconnected after the restart (WebSocket opened ${clientB.opens} times)`);
    await assertClientsEqualDatabase('after the burst');
    assert.deepEqual(
      mislabelled.map((r) => ({ ticket: r.ticket, status: r.status })),
      [],
      'the inbound row each burst ticket was made from (tickets.email_id) ends with status ticket, not overwritten by a second processing of the same row',
    );
  }),
);

test('5. the IMAP lease moves to a survivor within 10 s of a kill -9 of its holder; each mail becomes one ticket', { timeout: 60_000 }, () =>
  step(async () => {
    const problems: string[] = [];
    const first = imapMail(1);
    await dovecot!.deliver('desk', first.raw);
    const t0 = Date.now();
    await waitUntil('the first IMAP mail to become a ticket', 15_000, async () => (await ticketsFor(first.id)).length > 0).catch((e: Error) => problems.push(e.message));
    figures['IMAP deliver → ticket ms'] = Date.now() - t0;

    const leaseRows = async () => q<{ name: string; holder: string; expires_at: number }>("select name, holder, expires_at from leases where name like 'imap:%'");
    let holderName: string | null = null;
    try {
      const rows = await waitUntil("a lease named imap:<mailbox>", 10_000, async () => {
        const r = await leaseRows();
        return r.length > 0 ? r : null;
      });
      assert.equal(rows.length, 1, `one IMAP lease row: ${JSON.stringify(rows)}`);
      assert.equal(rows[0]!.name, 'imap:desk');
      holderName = rows[0]!.holder;
    } catch (err) {
      const all = await q('select * from leases').catch((e: Error) => [`(leases table: ${e.message})`]);
      problems.push(`no IMAP lease: ${(err as Error).message}; leases table: ${JSON.stringify(all)}`);
    }
    figures['IMAP lease holder'] = holderName;

    // kill -9 the holder (without a lease, node a, to see what the IMAP watchers do anyway)
    const victim = nodes.find((n) => n.name === holderName) ?? node('a');
    const killedAt = Date.now();
    await victim.proc.kill9();
    kills++;
    if (holderName) {
      try {
        const taken = await waitUntil('another node to hold the IMAP lease', 10_000, async () => {
          const [r] = await leaseRows();
          return r && r.holder !== victim.name && Number(r.expires_at) > Date.now() ? r : null;
        }, 50);
        figures['IMAP lease takeover'] = { from: victim.name, to: taken.holder, ms: Date.now() - killedAt };
      } catch (err) {
        problems.push(`${(err as Error).message} (killed holder ${victim.name}; leases now ${JSON.stringify(await leaseRows())})`);
      }
    }
    const second = imapMail(2);
    await dovecot!.deliver('desk', second.raw);
    const t1 = Date.now();
    await waitUntil('the second IMAP mail to become a ticket', 15_000, async () => (await ticketsFor(second.id)).length > 0).catch((e: Error) => problems.push(e.message));
    figures['IMAP deliver after takeover → ticket ms'] = Date.now() - t1;
    await sleep(2000); // time for a second watcher to make a second ticket, if there were one
    const counts = { first: (await ticketsFor(first.id)).length, second: (await ticketsFor(second.id)).length };
    figures['IMAP tickets per mail'] = counts;
    if (counts.first !== 1 || counts.second !== 1) problems.push(`tickets per IMAP mail: ${JSON.stringify(counts)} (want 1 each)`);

    await victim.proc.start();
    const client = clients.find((c) => c.node === victim);
    if (client) await waitUntil(`the client of ${victim.name} to reconnect`, 10_000, () => client.opens >= 2).catch(() => undefined);
    assert.deepEqual(problems, [], 'IMAP lease and exactly-once IMAP ingest');
  }),
);

test('6. the outbox sends every thank-you; duplicates only where a node died mid-send, with the same Message-ID', { timeout: 120_000 }, () =>
  step(async () => {
    const t0 = Date.now();
    const unsent = async () =>
      (await q<{ n: number }>("select count(*)::int n from outbox where kind = 'thank_you' and status <> 'sent'"))[0]?.n ?? -1;
    await waitUntil('every thank-you to be sent', OUTBOX_WAIT_MS, async () => (await unsent()) === 0, 250).catch(() => undefined);
    figures['outbox drain ms'] = Date.now() - t0;

    const rows = await q<{ id: number; ticket_id: number | null; message_id: string; status: string; attempts: number; last_error: string | null }>(
      "select id, ticket_id, message_id, status, attempts, last_error from outbox where kind = 'thank_you' order by id",
    );
    const [emailTickets] = await q<{ n: number }>('select count(*)::int n from tickets where project_id = $1 and email_id is not null', [projectId]);
    const [withoutThanks] = await q<{ n: number }>(
      "select count(*)::int n from tickets t where t.project_id = $1 and t.email_id is not null and not exists (select 1 from outbox o where o.ticket_id = t.id and o.kind = 'thank_you')",
      [projectId],
    );
    const notSent = rows.filter((r) => r.status !== 'sent');

    // what the sink received, by Message-ID
    const norm = (id: string) => id.trim().replace(/^<|>$/g, '');
    const received = new Map<string, Buffer[]>();
    for (const m of sink!.messages) {
      const head = m.raw.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
      const id = /^message-id:\s*(.+)$/im.exec(head.replace(/\r?\n[ \t]+/g, ' '))?.[1];
      const key = id ? norm(id) : '(no Message-ID)';
      received.set(key, [...(received.get(key) ?? []), m.raw]);
    }
    const allOutboxIds = new Set((await q<{ message_id: string }>('select message_id from outbox')).map((r) => norm(r.message_id)));
    const neverReceived = rows.filter((r) => !received.has(norm(r.message_id)));
    const unknown = [...received.keys()].filter((id) => !allOutboxIds.has(id));
    const dupes = rows
      .map((r) => ({ id: norm(r.message_id), copies: received.get(norm(r.message_id)) ?? [] }))
      .filter((d) => d.copies.length > 1);
    const duplicates = dupes.reduce((s, d) => s + d.copies.length - 1, 0);
    const differing = dupes.filter((d) => d.copies.some((c) => !c.equals(d.copies[0]!)));
    const differingCopies = differing.length;
    // which header lines differ between copies of one email (the first such email)
    const headerLines = (b: Buffer) => new Set((b.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/));
    const sample = differing[0];
    const sampleDiff = sample
      ? (() => {
          const [x, y] = [headerLines(sample.copies[0]!), headerLines(sample.copies.find((c) => !c.equals(sample.copies[0]!))!)];
          return { messageId: sample.id, onlyInFirst: [...x].filter((l) => !y.has(l)).map((l) => l.slice(0, 100)), onlyInOther: [...y].filter((l) => !x.has(l)).map((l) => l.slice(0, 100)) };
        })()
      : null;
    figures['outbox'] = {
      thankYouRows: rows.length,
      emailTickets: emailTickets?.n,
      ticketsWithoutThankYou: withoutThanks?.n,
      notSent: notSent.length,
      sinkMessages: sink!.messages.length,
      neverReceived: neverReceived.length,
      duplicates,
      duplicatedEmails: dupes.length,
      maxCopies: Math.max(0, ...dupes.map((d) => d.copies.length)),
      duplicatesWithDifferentBytes: differingCopies,
      differingHeadersOfOneDuplicate: sampleDiff,
      receivedWithUnknownMessageId: unknown.length,
      kills,
      firstNotSent: notSent.slice(0, 3),
    };

    assert.equal(withoutThanks?.n, 0, 'every email ticket queued a thank-you');
    assert.deepEqual(notSent.slice(0, 5), [], `every thank-you ends sent (${notSent.length} not sent)`);
    assert.deepEqual(neverReceived.slice(0, 5).map((r) => r.message_id), [], 'the sink received every thank-you at least once');
    assert.deepEqual(unknown.slice(0, 5), [], 'every email the sink received carries a Message-ID the outbox assigned (a resend keeps it)');
    assert.ok(duplicates <= kills * 5, `duplicates (${duplicates} extra copies of ${dupes.length} emails, up to ${Math.max(0, ...dupes.map((d) => d.copies.length))} copies each) must be at most kills × 5 = ${kills * 5}`);
  }),
);

test('7. at the end every client (two of them reconnected after restarts) still equals the database', { timeout: 30_000 }, () =>
  step(async () => {
    await assertClientsEqualDatabase('at the end');
  }),
);
