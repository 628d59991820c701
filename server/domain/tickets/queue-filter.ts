/** The WHERE terms a queue's list and its counts share: project, the caller's visibility, filters. */
import { and, eq, exists, isNull, or, sql, type SQL } from 'drizzle-orm';
import { labels, ticketLabels, tickets } from '../../../db/schema';
import { CAN } from '../../../shared/roles';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { ticketMatches } from './search';
import type { UserRow } from '../accounts/users';

export interface QueueConditionsInput {
  search?: string | undefined;
  assignee?: 'me' | 'none' | 'any' | undefined;
  label?: string | undefined;
  confidential?: boolean | undefined;
}

/** The WHERE terms a queue shares between its list and its counts (project, visibility, filters). */
export function queueConditions(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, input: QueueConditionsInput): SQL[] {
  const where: (SQL | undefined)[] = [eq(tickets.projectId, pa.project.id)];
  if (pa.access < CAN.seeConfidential) where.push(eq(tickets.confidential, false));
  if (input.assignee === 'me') where.push(eq(tickets.assigneeId, actor.id));
  if (input.assignee === 'none') where.push(isNull(tickets.assigneeId));
  if (input.search) {
    const asNumber = /^#?(\d+)$/.exec(input.search.trim());
    where.push(or(asNumber ? eq(tickets.iid, Number(asNumber[1])) : undefined, ticketMatches(input.search, pa.access >= CAN.respond)) ?? sql`false`);
  }
  if (input.label) {
    where.push(
      exists(
        dc.db
          .select({ one: sql`1` })
          .from(ticketLabels)
          .innerJoin(labels, eq(labels.id, ticketLabels.labelId))
          .where(and(eq(ticketLabels.ticketId, tickets.id), sql`lower(${labels.name}) = lower(${input.label})`)),
      ),
    );
  }
  if (input.confidential !== undefined) where.push(eq(tickets.confidential, input.confidential));
  return where.filter((w): w is SQL => w !== undefined);
}
