/**
 * The queue's orders and their cursors. Each order is one indexed key plus the id as a
 * tie-break, so a page is a range walk: "activity" and "newest" go down their timestamp,
 * "waiting" goes up the time since the customer waits (tickets nobody waits on come last).
 */
import { and, asc, desc, eq, gt, lt, or, sql, type SQL } from 'drizzle-orm';
import { tickets } from '../../../db/schema';
import { NOT_WAITING, waitKey } from '../../../db/schema/wait-key';
import { AppError } from '../../../shared/errors';
import type { TicketRow } from './ticket-views';

export type QueueSort = 'activity' | 'newest' | 'waiting';

interface Cursor {
  key: number;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.key}:${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  const [key, id] = Buffer.from(raw, 'base64url').toString().split(':').map(Number);
  if (!Number.isSafeInteger(key) || !Number.isSafeInteger(id)) {
    throw new AppError('INVALID_INPUT', 'cursor is not one this server handed out.');
  }
  return { key: key as number, id: id as number };
}

function keyOf(sort: QueueSort): SQL {
  if (sort === 'newest') return sql`${tickets.createdAt}`;
  if (sort === 'waiting') return waitKey(tickets.waitingSince);
  return sql`${tickets.lastActivityAt}`;
}

/** The ORDER BY of a sort. */
export function orderBy(sort: QueueSort): SQL[] {
  const key = keyOf(sort);
  return sort === 'waiting' ? [asc(key), asc(tickets.id)] : [desc(key), desc(tickets.id)];
}

/** The WHERE term that starts a page after `cursor`. */
export function after(sort: QueueSort, cursor: string): SQL {
  const c = decodeCursor(cursor);
  const key = keyOf(sort);
  const beyond = sort === 'waiting' ? gt : lt;
  return or(beyond(key, c.key), and(eq(key, c.key), beyond(tickets.id, c.id))) as SQL;
}

/** The cursor that continues after `row`. */
export function cursorAfter(sort: QueueSort, row: TicketRow): string {
  const key = sort === 'newest' ? row.createdAt : sort === 'waiting' ? (row.waitingSince ?? NOT_WAITING) : row.lastActivityAt;
  return encodeCursor({ key, id: row.id });
}
