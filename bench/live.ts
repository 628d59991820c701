/**
 * `npm run bench -- live`: (a) fan-out — 500 WebSocket subscribers on one project, time from a
 * note's commit to its event at each client, p50/p99; (b) queue — 100,000 tickets, first page
 * with a filter, with a search query and sorted by waiting longest, and a customer page with 1,000
 * tickets, server time p50/p99; (c) server RSS with 100,000 tickets and 500 subscribers; (d) client
 * bundle size gzipped; (e) pages in Chromium, cold (a new browser context per load): the first
 * queue row of a 1,000-ticket project and a ticket's thread, ms from navigation, p50/p99, with one
 * load's requests in order. `--only=queue,pages,fanout,bundle` runs some parts (fanout includes
 * the RSS figure). Results: bench/results/live.json (a partial run writes live-<parts>.json).
 */
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTRPCClient, wsLink } from '@trpc/client';
import type { ProjectEventEnvelope } from '../shared/events';
import { ACCESS } from '../shared/roles';
import { eq } from 'drizzle-orm';
import { customers, projects, tickets } from '../db/schema';
import { customerPage } from '../server/domain/customers/customer-page';
import { createDomain } from '../server/app';
import { loadConfig } from '../server/config';
import { createProject } from '../server/domain/projects/projects';
import { listTickets } from '../server/domain/tickets/tickets';
import { countTickets } from '../server/domain/tickets/ticket-counts';
import { createFirstAdmin, findUserByEmail } from '../server/domain/accounts/users';
import { CLIENT_DIR } from '../server/paths';
import { serverProcess } from '../e2e/fixtures/server-process';
import type { AppRouter } from '../server/trpc/router';
import { createNote } from '../server/domain/notes/post-note';
import { closeRenderPool } from '../server/render';
import { ensureBuilt } from '../server/tools/build.mjs';
import { benchSession, summary, writeResults } from './lib';
import { measurePageLoads, openBrowser, type PageLoadResult } from './page-load';

const ALL_PARTS = ['queue', 'pages', 'fanout', 'bundle'] as const;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const parts = new Set<string>(only ?? ALL_PARTS);
const PAGE_TICKETS = 1000;
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 20);
const THREAD_NOTES = 20;
await ensureBuilt({ quiet: true });

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 500);
const NOTES = 50;
const QUERIES = 200;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-live-'));
const dc = await createDomain(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' }));
const project = await createProject(dc, { path: 'acme/app' });
await createFirstAdmin(dc, { email: 'bench@bench.test', password: 'bench-password-1' });
const admin = (await findUserByEmail(dc.db, 'bench@bench.test'))!;

// 100,000 tickets, written directly in one transaction, in chunks of rows per INSERT (the
// search index — SQLite's FTS triggers, PostgreSQL's GIN index — follows them as they go).
const WORDS = 'printer invoice refund login password shipment broken screen update account delivery error'.split(' ');
const CHUNK = 500;
const t0 = Date.now() - TICKETS * 1000;
// Customers: one with 1,000 tickets (the customer page's case), the rest spread over 10,000.
const HEAVY = 1000;
const CUSTOMERS = 10_000;
const customerOf = (i: number) => (i % Math.ceil(TICKETS / HEAVY) === 0 ? 1 : 2 + (i % CUSTOMERS));
const bulk = parts.has('queue') || parts.has('fanout');
if (bulk) await dc.db.write(async (tx) => {
  for (let from = 1; from <= CUSTOMERS + 1; from += CHUNK) {
    const rows = [];
    for (let c = from; c < from + CHUNK && c <= CUSTOMERS + 1; c++) {
      rows.push({ id: c, email: `c${c}@customer.test`, name: `Customer ${c}`, domain: 'customer.test', createdAt: t0, updatedAt: t0 });
    }
    await tx.insert(customers).values(rows).run();
  }
  for (let from = 1; from <= TICKETS; from += CHUNK) {
    const rows = [];
    for (let i = from; i < from + CHUNK && i <= TICKETS; i++) {
      const at = t0 + i * 1000;
      const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
      rows.push({
        projectId: project.id,
        iid: i,
        title: `${w(1)} ${w(2)} problem ${i}`,
        description: `Customer writes about ${w(3)} and ${w(4)}.`,
        // stored rendered, as every ticket written since decision 008 is (without it the server
        // would spend the whole run backfilling 100,000 descriptions, one fsynced write each)
        descriptionHtml: `<p>Customer writes about ${w(3)} and ${w(4)}.</p>`,
        state: i % 3 === 0 ? ('closed' as const) : ('opened' as const),
        confidential: true,
        authorId: admin.id,
        externalAuthor: `c${i}@customer.test`,
        assigneeId: i % 5 === 0 ? admin.id : null,
        customerId: customerOf(i),
        // half the open tickets wait on us, since a time spread over the whole range
        waitingSince: i % 3 !== 0 && i % 2 === 0 ? t0 + ((i * 7919) % TICKETS) * 1000 : null,
        noteCount: 0,
        createdAt: at,
        updatedAt: at,
        lastActivityAt: at,
      });
    }
    await tx.insert(tickets).values(rows).run();
  }
  await tx.update(projects).set({ lastIid: TICKETS }).where(eq(projects.id, project.id)).run();
});

// (b) queue queries, server-side time
const pa = { project, role: null, access: ACCESS.admin };
const time = async (fn: () => unknown) => {
  const s = performance.now();
  await fn();
  return performance.now() - s;
};
const repeat = async (n: number, fn: (i: number) => unknown) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await time(() => fn(i)));
  return out;
};
// (e)'s project: 1,000 tickets, the newest with a thread of notes rendered like any other
const web = await createProject(dc, { path: 'acme/web' });
const webPa = { project: web, role: null, access: ACCESS.admin };
if (parts.has('pages')) {
  await dc.db.write(async (tx) => {
    for (let from = 1; from <= PAGE_TICKETS; from += CHUNK) {
      const rows = [];
      for (let i = from; i < from + CHUNK && i <= PAGE_TICKETS; i++) {
        const at = Date.now() - (PAGE_TICKETS - i) * 60_000;
        rows.push({ projectId: web.id, iid: i, title: `Web ticket ${i}: checkout ${WORDS[i % WORDS.length]}`, description: `Customer writes about ${WORDS[(i * 3) % WORDS.length]}.`, descriptionHtml: `<p>Customer writes about ${WORDS[(i * 3) % WORDS.length]}.</p>`, state: 'opened' as const, confidential: false, authorId: admin.id, externalAuthor: `w${i}@customer.test`, noteCount: 0, createdAt: at, updatedAt: at, lastActivityAt: at });
      }
      await tx.insert(tickets).values(rows).run();
    }
    await tx.update(projects).set({ lastIid: PAGE_TICKETS }).where(eq(projects.id, web.id)).run();
  });
  for (let n = 0; n < THREAD_NOTES; n++) {
    await createNote(dc, webPa, admin, { iid: PAGE_TICKETS, body: `Reply ${n}: **checked** the [order](https://shop.test/o/${n}) again.\n\n- step one\n- step two`, internal: n % 4 === 3 });
  }
  await closeRenderPool();
}

const queueParts = parts.has('queue');
if (queueParts) await repeat(20, () => listTickets(dc, pa, admin, { state: 'opened', assignee: 'none', limit: 50 }));
const filtered = !queueParts ? [] : await repeat(QUERIES, () => listTickets(dc, pa, admin, { state: 'opened', assignee: 'none', limit: 50 }));
const searched = !queueParts ? [] : await repeat(QUERIES, (i) => listTickets(dc, pa, admin, { state: 'all', search: `${WORDS[i % WORDS.length]} problem`, limit: 50 }));
// the open/closed counts beside the queue (no target of their own; they follow events client-side
// and are asked again only when an event cannot tell)
const counted = !queueParts ? [] : await repeat(QUERIES, () => countTickets(dc, pa, admin, { assignee: 'none' }));
if (queueParts) await repeat(20, () => listTickets(dc, pa, admin, { state: 'opened', sort: 'waiting', limit: 50 }));
const waiting = !queueParts ? [] : await repeat(QUERIES, () => listTickets(dc, pa, admin, { state: 'opened', sort: 'waiting', limit: 50 }));
if (queueParts) await repeat(20, () => customerPage(dc, admin, { id: 1 }));
const customerPages = !queueParts ? [] : await repeat(QUERIES, () => customerPage(dc, admin, { id: 1 }));
await dc.db.close();

const loadBefore = os.loadavg();
const server = await serverProcess(dataDir, { SMTP_LISTEN: 'off' });
await server.start();
const session = await benchSession(server.url, 'bench@bench.test', 'bench-password-1');

// (e) pages, cold, in Chromium
let pages: { queue: PageLoadResult; ticket: PageLoadResult } | null = null;
if (parts.has('pages')) {
  const login = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: 'bench@bench.test', password: 'bench-password-1' }),
  });
  const [name, value] = ((login.headers.getSetCookie().find((c) => c.startsWith('tl_session=')) ?? '').split(';')[0] ?? '').split('=');
  const cookie = { name: name ?? 'tl_session', value: value ?? '' };
  const browser = await openBrowser();
  const common = { baseUrl: server.url, cookie, loads: PAGE_LOADS, target: 300 };
  pages = {
    queue: await measurePageLoads(browser, { ...common, path: '/p/acme/web', selector: '[data-testid="ticket-row"]' }),
    ticket: await measurePageLoads(browser, { ...common, path: `/p/acme/web/-/tickets/${PAGE_TICKETS}`, selector: '[data-testid="note"]' }),
  };
  await browser.close();
}

// (a) fan-out with the server in its own process (and (c) its RSS). Measured per client: from the event's `at`
// (taken when the writing transaction starts, so the commit's fsync counts) to the moment the
// tRPC client here hands it to onData. All 500 clients share this process, so the figure also
// includes this process parsing the 500 copies one after another: on 2 cores the clients use
// about half a core while the server fans out, so it is an upper bound on what 500 separate
// browsers would see.
const latencies: number[] = [];
let rss = 0;
if (parts.has('fanout')) {
  const http = session.http;
  const pending = new Map<number, number>(); // note id → clients still to receive it
  let resolveNote: (() => void) | null = null;
  const { lastEventId } = await http.tickets.list.query({ projectPath: 'acme/app', limit: 1 });
  const clients = Array.from({ length: SUBSCRIBERS }, () => {
    const ws = session.ws();
    const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
    let ready: () => void = () => undefined;
    const subscribed = new Promise<void>((r) => (ready = r));
    api.events.project.subscribe({ projectPath: 'acme/app', lastEventId }, {
      onStarted: () => ready(),
      onData({ data }: { data: ProjectEventEnvelope }) {
        if (data.event.type !== 'note.created') return;
        latencies.push(Date.now() - Date.parse(data.at));
        const left = (pending.get(data.event.note.id) ?? SUBSCRIBERS) - 1;
        pending.set(data.event.note.id, left);
        if (left === 0) resolveNote?.();
      },
    });
    return { ws, subscribed };
  });
  await Promise.all(clients.map((c) => c.subscribed));
  await new Promise((r) => setTimeout(r, 500));
  const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid()}/status`, 'utf8'))?.[1] ?? 0);
  for (let i = 0; i < NOTES; i++) {
    const all = new Promise<void>((r) => (resolveNote = r));
    await http.notes.create.mutate({ projectPath: 'acme/app', iid: TICKETS - (i % 10), body: `Fan-out ${i}`, internal: false });
    await all;
  }
  rss = rssKb();
  for (const c of clients) void c.ws.close();
}
const loadAfter = os.loadavg();
await server.stop();
rmSync(dataDir, { recursive: true, force: true });

// (d) the client bundle, gzipped
const assets = path.join(CLIENT_DIR, 'assets');
// only this build's: the previous builds' chunks stay a week for pages opened before (build.mjs)
const stampFile = path.join(CLIENT_DIR, '..', 'client-build.json');
const retired = existsSync(stampFile) ? ((JSON.parse(readFileSync(stampFile, 'utf8')) as { retired?: Record<string, number> }).retired ?? {}) : {};
const js = readdirSync(assets).filter((f) => f.endsWith('.js') && !(f in retired));
const gzipped = js.reduce((n, f) => n + gzipSync(readFileSync(path.join(assets, f))).length, 0);
// what a first visit loads before any route runs: the scripts index.html names (entry and preloads)
const initialJs = [...readFileSync(path.join(CLIENT_DIR, 'index.html'), 'utf8').matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1] as string);
const initialGzipped = initialJs.reduce((n, f) => n + gzipSync(readFileSync(path.join(assets, f))).length, 0);

const round = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
const results = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, loadAvg1_5_15: { before: round(loadBefore), after: round(loadAfter) } },
  ...(parts.has('fanout') ? { fanOut: { subscribers: SUBSCRIBERS, notes: NOTES, commitToClientMs: { ...summary(latencies), targetP99: 50 } } } : {}),
  ...(queueParts
    ? {
        queue: {
          tickets: TICKETS,
          firstPageWithFilterMs: { ...summary(filtered), target: 10 },
          firstPageWithSearchMs: { ...summary(searched), target: 50 },
          countsWithFilterMs: summary(counted),
          firstPageWaitingLongestMs: { ...summary(waiting), target: 10 },
          customerPageMs: { ...summary(customerPages), target: 20, tickets: HEAVY },
        },
      }
    : {}),
  ...(pages ? { pages: { tickets: PAGE_TICKETS, threadNotes: THREAD_NOTES, firstQueueRow: pages.queue, ticketThreadCold: pages.ticket } } : {}),
  ...(parts.has('fanout') ? { serverRssMb: { value: Math.round(rss / 1024), target: 250, with: `${TICKETS} tickets, ${SUBSCRIBERS} subscribers` } } : {}),
  clientBundleGzipKb: { value: Math.round((gzipped / 1024) * 10) / 10, initial: Math.round((initialGzipped / 1024) * 10) / 10, target: 100 },
};
console.log(JSON.stringify(results, null, 2));
console.log(`written to ${writeResults(only ? `live-${only.join('-')}` : 'live', results)}`);
process.exit(0);
