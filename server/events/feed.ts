/**
 * One reader per project for live subscribers. When the bus says a project has new events, the
 * first subscriber to ask reads them from the table once; the other hundreds get the same parsed
 * events from memory. Older positions (a client resuming from far back) read the table directly.
 * Which tickets are confidential now is shared the same way, until the next commit.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { tickets } from '../../db/schema';
import type { EventBus } from './bus';
import { ACCESS_CHANGED, readEventsAfter, type StoredEvent } from './store';

const KEEP = 2000;

interface ProjectFeed {
  /** events in seq order, contiguous for this project from `from` (exclusive) on */
  events: StoredEvent[];
  from: number;
  stale: boolean;
  /** the read in flight: concurrent callers share it */
  refreshing: Promise<void> | null;
}

export interface EventFeed {
  after(projectId: number, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The tickets of these events that are confidential now (not when the event was stored). */
  confidentialNow(batch: StoredEvent[]): Promise<Set<number>>;
  stop(): void;
}

/**
 * `onAccessChanged` is told of each `access.changed` event the shared reader reads (the streams
 * reading older positions meet them themselves), before any subscriber gets it.
 */
export function createEventFeed(db: Db, bus: EventBus, onAccessChanged: (e: StoredEvent) => void = () => undefined): EventFeed {
  const feeds = new Map<number, ProjectFeed>();
  // Every commit that could change a ticket's confidentiality stores an event and wakes the bus
  // (other processes' commits too, through external-commits), so the answers hold until then.
  const confidential = new Map<number, boolean>();
  /** bumped by every commit: an answer read before it must not be kept after it */
  let generation = 0;
  const stopAll = bus.subscribeAll(() => {
    for (const f of feeds.values()) f.stale = true;
    confidential.clear();
    generation++;
  });

  function refresh(projectId: number, f: ProjectFeed): Promise<void> {
    if (!f.refreshing) {
      // Marked fresh before reading: a wake that arrives during the read marks it stale again.
      f.stale = false;
      f.refreshing = readAll(projectId, f)
        .catch((err: unknown) => {
          f.stale = true;
          throw err;
        })
        .finally(() => {
          f.refreshing = null;
        });
    }
    return f.refreshing;
  }

  async function readAll(projectId: number, f: ProjectFeed): Promise<void> {
    for (;;) {
      const batch = await readEventsAfter(db, projectId, f.events.at(-1)?.seq ?? f.from, 500);
      for (const e of batch) if (e.event.type === ACCESS_CHANGED) onAccessChanged(e);
      f.events.push(...batch);
      if (batch.length < 500) break;
    }
    if (f.events.length > KEEP) {
      const drop = f.events.length - KEEP;
      f.from = (f.events[drop - 1] as StoredEvent).seq;
      f.events.splice(0, drop);
    }
  }

  /** First index with seq > afterSeq (events are sorted by seq). */
  function firstAfter(events: StoredEvent[], afterSeq: number): number {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((events[mid] as StoredEvent).seq > afterSeq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  return {
    async after(projectId, afterSeq, limit) {
      let f = feeds.get(projectId);
      if (!f) {
        // Start the shared window at the caller's position: everything after it is read once.
        f = { events: [], from: afterSeq, stale: true, refreshing: null };
        feeds.set(projectId, f);
      }
      if (afterSeq < f.from) return readEventsAfter(db, projectId, afterSeq, limit);
      while (f.stale || f.refreshing) await refresh(projectId, f);
      const start = firstAfter(f.events, afterSeq);
      return f.events.slice(start, start + limit);
    },
    async confidentialNow(batch) {
      const unknown = new Set<number>();
      for (const e of batch) if (e.ticketId !== null && !confidential.has(e.ticketId)) unknown.add(e.ticketId);
      if (unknown.size > 0) {
        const ids = [...unknown];
        const asOf = generation;
        const rows = await db.select({ id: tickets.id }).from(tickets).where(and(inArray(tickets.id, ids), eq(tickets.confidential, true))).all();
        const hidden = new Set(rows.map((t) => t.id));
        // A commit during the read may have changed the answer: use it for this batch, keep it only if not.
        if (asOf === generation) for (const id of ids) confidential.set(id, hidden.has(id));
        const now = new Set<number>();
        for (const e of batch) if (e.ticketId !== null && (hidden.has(e.ticketId) || (!unknown.has(e.ticketId) && confidential.get(e.ticketId)))) now.add(e.ticketId);
        return now;
      }
      const now = new Set<number>();
      for (const e of batch) if (e.ticketId !== null && confidential.get(e.ticketId)) now.add(e.ticketId);
      return now;
    },
    stop: stopAll,
  };
}
