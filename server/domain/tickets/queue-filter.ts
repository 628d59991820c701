/** The WHERE terms a queue's list and its counts share: project, the caller's visibility, filters. */
import { and, eq, exists, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { customers, labels, ticketLabels, tickets } from '../../../db/schema';
import { parseCustomerFilter, splitSearch, type CustomerFilter } from '../../../shared/customers';
import { CAN } from '../../../shared/roles';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { maskedSearchCondition } from './masked-search';
import { ticketMatches } from './search';
import type { UserRow } from '../accounts/users';

export interface QueueConditionsInput {
  /** words, `#iid`, and `from:alice@x.com` / `from:@x.com` for a customer or a whole domain */
  search?: string | undefined;
  /** the customer picker: `alice@x.com` or `@x.com` (the same as `from:` in the search) */
  customer?: string | undefined;
  assignee?: 'me' | 'none' | 'any' | undefined;
  label?: string | undefined;
  confidential?: boolean | undefined;
}

/** Tickets of one customer, or of every customer at a domain (an organisation). */
function customerCondition(dc: DomainCtx, f: CustomerFilter): SQL {
  const match = 'email' in f ? eq(customers.email, f.email) : eq(customers.domain, f.domain);
  return inArray(tickets.customerId, dc.db.select({ id: customers.id }).from(customers).where(match));
}

/** The WHERE terms a queue shares between its list and its counts (project, visibility, filters). */
export async function queueConditions(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, input: QueueConditionsInput): Promise<SQL[]> {
  const where: (SQL | undefined)[] = [eq(tickets.projectId, pa.project.id)];
  if (pa.access < CAN.seeConfidential) where.push(eq(tickets.confidential, false));
  if (input.assignee === 'me') where.push(eq(tickets.assigneeId, actor.id));
  if (input.assignee === 'none') where.push(isNull(tickets.assigneeId));
  const { text, from } = splitSearch(input.search ?? '');
  const customer = input.customer ? parseCustomerFilter(input.customer) : from;
  // Customers are for those who see addresses: below reporter `from:` finds nothing.
  if (input.customer && !customer) where.push(sql`false`);
  if (customer) where.push(pa.access >= CAN.seeParticipantEmails ? customerCondition(dc, customer) : sql`false`);
  if (text) {
    const asNumber = /^#?(\d+)$/.exec(text);
    // Below reporter the words must match the text as the caller sees it, addresses masked.
    const visible = pa.access >= CAN.seeParticipantEmails ? undefined : await maskedSearchCondition(dc, pa, text);
    where.push(or(asNumber ? eq(tickets.iid, Number(asNumber[1])) : undefined, and(ticketMatches(text, pa.access >= CAN.respond), visible)) ?? sql`false`);
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
