/** Customers (one per external sender): their page, the notes kept about them, the picker. */
import { customerNotesInput, customerPageInput, customerSearchInput } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { customerPage, searchCustomers, updateCustomerNotes } from '../../domain/customers/customer-page';
import { authedProcedure, projectProcedure, router } from '../init';

export const customersRouter = router({
  /** A customer and their tickets in projects where the caller is a reporter or higher (admins: all). */
  get: authedProcedure.input(customerPageInput).query(({ ctx, input }) => customerPage(ctx.dc, ctx.user, input)),
  /** Sets the notes responders keep about a customer. */
  update: authedProcedure.input(customerNotesInput).mutation(({ ctx, input }) => updateCustomerNotes(ctx.dc, ctx.user, input)),
  /** Customers with tickets in the project, by address, name or domain prefix (the queue's picker). */
  search: projectProcedure(CAN.seeParticipantEmails)
    .input(customerSearchInput)
    .query(({ ctx, input }) => searchCustomers(ctx.dc, ctx.pa, input.query)),
});
