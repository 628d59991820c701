/**
 * Counts per state for a queue's filters (everything but the state). Counted with the caller's
 * own visibility: a guest's counts never include confidential tickets.
 */
import { and, sql } from 'drizzle-orm';
import { tickets } from '../../../db/schema';
import { TICKET_STATES, type TicketState } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { queueConditions, type QueueConditionsInput } from './queue-filter';
import type { UserRow } from '../accounts/users';

export type StateCounts = Record<TicketState, number>;

export async function countTickets(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, input: QueueConditionsInput): Promise<StateCounts> {
  // One count per state present (a GROUP BY walks the (project, state, …) index in state order).
  const rows = await dc.db
    .select({ state: tickets.state, n: sql<number>`count(*)` })
    .from(tickets)
    .where(and(...(await queueConditions(dc, pa, actor, input))))
    .groupBy(tickets.state)
    .all();
  const counts = Object.fromEntries(TICKET_STATES.map((s) => [s, 0])) as StateCounts;
  for (const r of rows) if (r.state in counts) counts[r.state] = Number(r.n);
  return counts;
}
