/**
 * The customer view's live streams (`/c/<token>/events`, server-sent events), bounded. A link
 * holds at most MAX_STREAMS_PER_LINK at once: a new one ends the oldest, which is told not to come
 * back (a customer's newest tab is live, an old one stays as it is). One client address holds at
 * most MAX_STREAMS_PER_ADDRESS across links (more are refused), and no stream outlives
 * MAX_STREAM_MS (the browser's EventSource opens a new one by itself). A commit in a project is
 * looked at once for all its streams — its new events, then which of their links still work —
 * so its cost does not grow with the number of open pages. Counted per node, as the rate limits.
 */
import type { ServerResponse } from 'node:http';
import type { DomainCtx } from '../domain/core/context';
import { customerVisibleChanges, workingCustomerLinks } from '../domain/customer-email/customer-view';
import { latestSeq } from '../events/store';
import { log } from '../log';

export const MAX_STREAMS_PER_LINK = 3;
export const MAX_STREAMS_PER_ADDRESS = 20;
export const MAX_STREAM_MS = 30 * 60_000;
const KEEP_ALIVE_MS = 25_000;
/** One look for a burst of commits. */
const SETTLE_MS = 150;

interface Stream {
  linkId: number;
  ticketId: number;
  projectId: number;
  address: string;
  /** when it ends by itself: its lifetime, or the link's expiry if sooner */
  endsAt: number;
  res: ServerResponse;
  /** `superseded`: a newer stream of the link took its place, and the page must not reconnect */
  close(reason?: 'superseded'): void;
}

interface ProjectWatch {
  streams: Set<Stream>;
  /** the newest event seen; null until first read */
  last: number | null;
  timer: NodeJS.Timeout | null;
  checking: boolean;
  again: boolean;
  unsubscribe: () => void;
}

export interface CustomerViewStreams {
  /** Opens a stream, or answers 429 when the address holds too many already. */
  open(res: ServerResponse, s: { linkId: number; ticketId: number; projectId: number; address: string; expires: number; onClose(listener: () => void): void }): void;
  /** How many streams this node holds open now. */
  held(): number;
}

const hubs = new WeakMap<DomainCtx, CustomerViewStreams>();

/** The streams of one running app (tests start several in one process). */
export function customerViewStreams(dc: DomainCtx): CustomerViewStreams {
  let hub = hubs.get(dc);
  if (!hub) hubs.set(dc, (hub = createHub(dc)));
  return hub;
}

function createHub(dc: DomainCtx): CustomerViewStreams {
  const byLink = new Map<number, Stream[]>();
  const byAddress = new Map<string, number>();
  const projects = new Map<number, ProjectWatch>();

  const check = async (projectId: number, w: ProjectWatch): Promise<void> => {
    if (w.checking) return void (w.again = true);
    w.checking = true;
    try {
      do {
        w.again = false;
        w.last ??= await latestSeq(dc.db, projectId);
        const seen = await customerVisibleChanges(dc.db, projectId, w.last);
        w.last = seen.last;
        const now = dc.now();
        for (const s of w.streams) if (now >= s.endsAt) s.close();
        if (w.streams.size === 0) return;
        const working = await workingCustomerLinks(dc.db, [...new Set([...w.streams].map((s) => s.linkId))]);
        for (const s of [...w.streams]) {
          if (!working.has(s.linkId)) s.close();
          else if (seen.tickets.has(s.ticketId)) s.res.write('event: changed\ndata: \n\n');
        }
      } while (w.again && w.streams.size > 0);
    } finally {
      w.checking = false;
    }
  };

  const watch = (projectId: number): ProjectWatch => {
    const known = projects.get(projectId);
    if (known) return known;
    const w: ProjectWatch = { streams: new Set(), last: null, timer: null, checking: false, again: false, unsubscribe: () => undefined };
    w.unsubscribe = dc.bus.subscribe(projectId, () => {
      if (w.timer) return;
      w.timer = setTimeout(() => {
        w.timer = null;
        check(projectId, w).catch((err: unknown) => log.warn('customer view stream check failed', { err }));
      }, SETTLE_MS);
    });
    projects.set(projectId, w);
    // Where the streams start: what the pages already show.
    check(projectId, w).catch((err: unknown) => log.warn('customer view stream check failed', { err }));
    return w;
  };

  const forget = (s: Stream): void => {
    const list = (byLink.get(s.linkId) ?? []).filter((x) => x !== s);
    if (list.length) byLink.set(s.linkId, list);
    else byLink.delete(s.linkId);
    const n = (byAddress.get(s.address) ?? 1) - 1;
    if (n > 0) byAddress.set(s.address, n);
    else byAddress.delete(s.address);
    const w = projects.get(s.projectId);
    if (!w) return;
    w.streams.delete(s);
    if (w.streams.size === 0) {
      w.unsubscribe();
      if (w.timer) clearTimeout(w.timer);
      projects.delete(s.projectId);
    }
  };

  return {
    held: () => [...byAddress.values()].reduce((a, n) => a + n, 0),
    open(res, o) {
      if ((byAddress.get(o.address) ?? 0) >= MAX_STREAMS_PER_ADDRESS) {
        res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '60' }).end('Too many live pages are open from your address. Close some and reload this one.');
        return;
      }
      const older = byLink.get(o.linkId) ?? [];
      for (const s of older.slice(0, Math.max(0, older.length - MAX_STREAMS_PER_LINK + 1))) s.close('superseded');
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.write(': connected\n\n');
      let closed = false;
      const stream: Stream = {
        linkId: o.linkId,
        ticketId: o.ticketId,
        projectId: o.projectId,
        address: o.address,
        endsAt: Math.min(dc.now() + MAX_STREAM_MS, o.expires),
        res,
        close(reason) {
          if (closed) return;
          closed = true;
          clearInterval(keepAlive);
          clearTimeout(ending);
          forget(stream);
          if (reason === 'superseded') res.write('event: superseded\ndata: \n\n');
          res.end();
        },
      };
      byLink.set(o.linkId, [...(byLink.get(o.linkId) ?? []), stream]);
      byAddress.set(o.address, (byAddress.get(o.address) ?? 0) + 1);
      const keepAlive = setInterval(() => {
        if (dc.now() >= stream.endsAt) stream.close();
        else res.write(': keep-alive\n\n');
      }, KEEP_ALIVE_MS);
      const ending = setTimeout(() => stream.close(), Math.max(0, Math.min(stream.endsAt - dc.now(), 2 ** 31 - 1)));
      o.onClose(() => stream.close());
      watch(o.projectId).streams.add(stream);
    },
  };
}
