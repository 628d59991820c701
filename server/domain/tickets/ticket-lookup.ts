/**
 * Finding a ticket and who may see it. The bottom of the ticket layer: note, participant and
 * email modules build on it, so it imports none of them.
 */
import { and, eq } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { tickets } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { CAN } from '../../../shared/roles';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import type { TicketRow } from './ticket-views';

/** Minimum access for events about a ticket: confidential tickets are for reporters and up. */
export function ticketMinAccess(t: Pick<TicketRow, 'confidential'>): number {
  return t.confidential ? CAN.seeConfidential : CAN.readTickets;
}

export async function findTicket(q: Q, projectId: number, iid: number): Promise<TicketRow | undefined> {
  return q.select().from(tickets).where(and(eq(tickets.projectId, projectId), eq(tickets.iid, iid))).get();
}

/** The ticket if the caller may see it; otherwise not found (confidential tickets do not leak). */
export async function visibleTicket(dc: DomainCtx, pa: ProjectAccess, iid: number): Promise<TicketRow> {
  const row = await findTicket(dc.db, pa.project.id, iid);
  if (!row || pa.access < ticketMinAccess(row)) throw new AppError('TICKET_NOT_FOUND');
  return row;
}

/** A merged ticket is closed for good: its conversation goes on in the ticket it was merged into. */
export function refuseMerged(t: Pick<TicketRow, 'mergedIntoId'>): void {
  if (t.mergedIntoId !== null) throw new AppError('TICKET_MERGED');
}
