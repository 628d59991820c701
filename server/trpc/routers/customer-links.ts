/**
 * The links a ticket's customers got by email (customer view, file downloads): how many still
 * work, and revoking them all — e.g. when an email was forwarded to the wrong person. The next
 * email carries fresh ones. Responders (reporter and up).
 */
import { ticketRef } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { activeCustomerLinks, revokeCustomerLinks } from '../../domain/customer-email/customer-links';
import { visibleTicket } from '../../domain/tickets/ticket-lookup';
import { projectProcedure, router } from '../init';

const iidInput = ticketRef.pick({ iid: true });

export const customerLinksRouter = router({
  count: projectProcedure(CAN.respond)
    .input(iidInput)
    .query(async ({ ctx, input }) => ({ active: await activeCustomerLinks(ctx.dc.db, (await visibleTicket(ctx.dc, ctx.pa, input.iid)).id) })),
  revoke: projectProcedure(CAN.respond)
    .input(iidInput)
    .mutation(async ({ ctx, input }) => ({ revoked: await revokeCustomerLinks(ctx.dc, (await visibleTicket(ctx.dc, ctx.pa, input.iid)).id) })),
});
