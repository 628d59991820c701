import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { later } from '../../db/later';
import { prepared } from '../../db/prepared';
import { events } from '../../db/schema';
import type { ProjectEvent } from '../../shared/events';

export type { Tx } from '../../db/client';

/**
 * Someone's access to the project changed (domain/accounts/access-signal.ts): a live stream of one
 * of these users re-checks their access before it delivers anything after this event. Stored in
 * the events order like any change, never sent to a client (its `minAccess` is above every level,
 * and the stream skips it before building envelopes).
 */
export interface AccessChangedEvent {
  type: typeof ACCESS_CHANGED;
  users: number[];
}
export const ACCESS_CHANGED = 'access.changed';
/** above every access level (admin is 100): no viewer's envelope ever holds it */
export const ACCESS_EVENT_MIN_ACCESS = 1_000_000;

export interface StoredEvent {
  seq: number;
  projectId: number;
  ticketId: number | null;
  minAccess: number;
  createdAt: number;
  event: ProjectEvent | AccessChangedEvent;
}

export interface NewEvent {
  projectId: number;
  ticketId: number | null;
  minAccess: number;
  event: ProjectEvent | AccessChangedEvent;
}

/** The channel on which nodes tell each other "these projects have new events". */
export const EVENTS_CHANNEL = 'threadline_events';

/**
 * Stores a transaction's events, in emit order, at the end of the transaction (just before it
 * commits), and asks every other node to wake the projects' subscribers once it has committed.
 * Writes are serialised (decision 010), so `seq` order is commit order: a reader of "events
 * after N" can never see N+2 before N+1 becomes visible.
 */
export async function appendEvents(db: Db, tx: Tx, list: NewEvent[], at: number, origin: string): Promise<void> {
  if (list.length === 0) return;
  // seq order is commit order only among transactions that hold the cluster-wide write lock
  if (!db.serialised(tx)) throw new Error('events appended in a write that took no lock');
  if (list.length === 1) {
    // the usual case (one change, one event): a statement built once
    const e = list[0] as NewEvent;
    later(tx, insertOneEvent(tx, { projectId: e.projectId, ticketId: e.ticketId, type: e.event.type, payload: e.event, minAccess: e.minAccess, createdAt: at }));
  }
  // answers nobody reads: COMMIT goes out right behind them (db/later.ts)
  for (let i = 0; list.length > 1 && i < list.length; i += 200) {
    later(
      tx,
      tx
      .insert(events)
      .values(
        list.slice(i, i + 200).map((e) => ({
          projectId: e.projectId,
          ticketId: e.ticketId,
          type: e.event.type,
          payload: e.event,
          minAccess: e.minAccess,
          createdAt: at,
        })),
      )
      .run(),
    );
  }
  const projects = [...new Set(list.map((e) => e.projectId))];
  // A NOTIFY payload must stay under 8000 bytes: for very many projects, "wake every project".
  const payload = JSON.stringify({ o: origin, p: projects });
  await db.notify(tx, EVENTS_CHANNEL, payload.length <= 7000 ? payload : JSON.stringify({ o: origin, p: [], all: true }));
}

const EVENT_COLUMNS = ['projectId', 'ticketId', 'type', 'payload', 'minAccess', 'createdAt'] as const;
const insertOneEvent = prepared<{ [K in (typeof EVENT_COLUMNS)[number]]: Exclude<(typeof events.$inferInsert)[K], undefined> }, unknown>('run', (q) =>
  q.insert(events).values(Object.fromEntries(EVENT_COLUMNS.map((k) => [k, sql.placeholder(k)])) as unknown as typeof events.$inferInsert),
);

/**
 * Events of a project after `afterSeq`, once they are durable: on SQLite a commit is visible a
 * moment before its WAL sync ends, and a seq handed out then could be taken back by a power cut
 * and reused for another event, which a client resuming from it would never see.
 */
export async function readEventsAfter(db: Db, projectId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.projectId, projectId), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit)
    .all();
  await db.whenDurable();
  return rows.map((r) => ({
    seq: r.seq,
    projectId: r.projectId,
    ticketId: r.ticketId,
    minAccess: r.minAccess,
    createdAt: r.createdAt,
    event: r.payload as ProjectEvent | AccessChangedEvent,
  }));
}

/** The project's latest event seq, once it is durable (see `readEventsAfter`). */
export async function latestSeq(db: Db, projectId: number): Promise<number> {
  const row = await db
    .select({ seq: events.seq })
    .from(events)
    .where(eq(events.projectId, projectId))
    .orderBy(desc(events.seq))
    .limit(1)
    .get();
  await db.whenDurable();
  return row?.seq ?? 0;
}
