import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { events } from '../../db/schema';
import type { ProjectEvent } from '../../shared/events';

export interface StoredEvent {
  seq: number;
  projectId: number;
  ticketId: number | null;
  minAccess: number;
  createdAt: number;
  event: ProjectEvent;
}

/** A transaction handle or the database itself: drizzle gives both the same query API. */
export type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'run' | 'all' | 'get'>;

export interface NewEvent {
  projectId: number;
  ticketId: number | null;
  minAccess: number;
  event: ProjectEvent;
}

export function appendEvent(tx: Tx, e: NewEvent, at: number): StoredEvent {
  const row = tx
    .insert(events)
    .values({
      projectId: e.projectId,
      ticketId: e.ticketId,
      type: e.event.type,
      payload: e.event,
      minAccess: e.minAccess,
      createdAt: at,
    })
    .returning({ seq: events.seq })
    .get();
  return { seq: row.seq, projectId: e.projectId, ticketId: e.ticketId, minAccess: e.minAccess, createdAt: at, event: e.event };
}

export function readEventsAfter(db: Db, projectId: number, afterSeq: number, limit: number): StoredEvent[] {
  return db
    .select()
    .from(events)
    .where(and(eq(events.projectId, projectId), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit)
    .all()
    .map((r) => ({
      seq: r.seq,
      projectId: r.projectId,
      ticketId: r.ticketId,
      minAccess: r.minAccess,
      createdAt: r.createdAt,
      event: r.payload as ProjectEvent,
    }));
}

export function latestSeq(db: Db, projectId: number): number {
  const row = db
    .select({ seq: events.seq })
    .from(events)
    .where(eq(events.projectId, projectId))
    .orderBy(desc(events.seq))
    .limit(1)
    .get();
  return row?.seq ?? 0;
}
