/**
 * Open and closed counts for a queue's filters (everything but the state). Counted with the
 * caller's own visibility: a guest's counts never include confidential tickets.
 */
import { and, sql } from 'drizzle-orm';
import { tickets } from '../../../db/schema';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { queueConditions, type QueueConditionsInput } from './queue-filter';
import type { UserRow } from '../accounts/users';

export async function countTickets(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, input: QueueConditionsInput): Promise<{ opened: number; closed: number }> {
  const row = await dc.db
    .select({
      opened: sql<number>`coalesce(sum(case when ${tickets.state} = 'opened' then 1 else 0 end), 0)`,
      closed: sql<number>`coalesce(sum(case when ${tickets.state} = 'closed' then 1 else 0 end), 0)`,
    })
    .from(tickets)
    .where(and(...queueConditions(dc, pa, actor, input)))
    .get();
  return { opened: Number(row?.opened ?? 0), closed: Number(row?.closed ?? 0) };
}
