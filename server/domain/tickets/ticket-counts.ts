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
  const per = (state: TicketState) => sql<number>`coalesce(sum(case when ${tickets.state} = ${sql.raw(`'${state}'`)} then 1 else 0 end), 0)`;
  const row = await dc.db
    .select({ opened: per('opened'), pending: per('pending'), snoozed: per('snoozed'), closed: per('closed') })
    .from(tickets)
    .where(and(...queueConditions(dc, pa, actor, input)))
    .get();
  return Object.fromEntries(TICKET_STATES.map((s) => [s, Number(row?.[s] ?? 0)])) as StateCounts;
}
