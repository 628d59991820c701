import { bulkInput, mergeTicketInput, createNoteInput, createTicketInput, markdownPreviewInput, participantsInput, participantsRemoveInput, ticketRef, ticketsListInput, updateTicketInput } from '../../../shared/schemas';
import { markdownToHtml } from '../../render';
import { addTicketParticipants, removeTicketParticipants } from '../../domain/customer-email/participants';
import { originalEmail } from '../../mail/inbound/original-email';
import { z } from 'zod';
import { CAN } from '../../../shared/roles';
import { createNote } from '../../domain/notes/post-note';
import { countTickets } from '../../domain/tickets/ticket-counts';
import { mergeTicket } from '../../domain/tickets/merge';
import { bulkUpdate } from '../../domain/tickets/bulk';
import { createTicket, getTicket, listTickets, markRead, markUnread, updateTicket } from '../../domain/tickets/tickets';
import { projectProcedure, router } from '../init';

export const ticketsRouter = router({
  list: projectProcedure()
    .input(ticketsListInput)
    .query(({ ctx, input }) => listTickets(ctx.dc, ctx.pa, ctx.user, input)),
  /** Open and closed counts for the queue's other filters, with the caller's visibility. */
  counts: projectProcedure()
    .input(ticketsListInput.omit({ state: true, sort: true, cursor: true, limit: true }))
    .query(({ ctx, input }) => countTickets(ctx.dc, ctx.pa, ctx.user, input)),
  get: projectProcedure()
    .input(ticketRef)
    .query(({ ctx, input }) => getTicket(ctx.dc, ctx.pa, input.iid)),
  /** The original email behind a ticket (or one of its notes), sanitised; responders only. */
  originalEmail: projectProcedure(CAN.seeParticipantEmails)
    .input(ticketRef.extend({ noteId: z.number().int().positive().optional(), allowRemoteImages: z.boolean().optional() }))
    .query(({ ctx, input }) => originalEmail(ctx.dc, ctx.pa, { iid: input.iid, noteId: input.noteId, allowRemoteImages: input.allowRemoteImages ?? false }, ctx.mail.files)),
  /** The caller has read the ticket: its unread marker goes away. */
  markRead: projectProcedure()
    .input(ticketRef)
    .mutation(({ ctx, input }) => markRead(ctx.dc, ctx.pa, ctx.user, input.iid)),
  /** The caller marks the ticket unread again: the queue shows its unread marker. */
  markUnread: projectProcedure()
    .input(ticketRef)
    .mutation(({ ctx, input }) => markUnread(ctx.dc, ctx.pa, ctx.user, input.iid)),
  create: projectProcedure(CAN.respond)
    .input(createTicketInput)
    .mutation(({ ctx, input }) => createTicket(ctx.dc, ctx.pa, ctx.user, input)),
  update: projectProcedure(CAN.respond)
    .input(updateTicketInput)
    .mutation(({ ctx, input }) => updateTicket(ctx.dc, ctx.pa, ctx.user, input.iid, input)),
  /** One change to up to 100 tickets, each in its own transaction; says which failed and why. */
  bulk: projectProcedure(CAN.respond)
    .input(bulkInput)
    .mutation(({ ctx, input }) => bulkUpdate(ctx.dc, ctx.pa, ctx.user, input.iids, input.action)),
  /** Merges ticket `iid` into ticket `into`: notes, participants and mail threading move; `iid` closes. Returns `into`. */
  merge: projectProcedure(CAN.respond)
    .input(mergeTicketInput)
    .mutation(({ ctx, input }) => mergeTicket(ctx.dc, ctx.pa, ctx.user, input.iid, input.into)),
});

export const participantsRouter = router({
  add: projectProcedure(CAN.respond)
    .input(participantsInput)
    .mutation(({ ctx, input }) => addTicketParticipants(ctx.dc, ctx.pa, ctx.user, input.iid, input.emails)),
  remove: projectProcedure(CAN.respond)
    .input(participantsRemoveInput)
    .mutation(({ ctx, input }) => removeTicketParticipants(ctx.dc, ctx.pa, ctx.user, input.iid, input.emails)),
});

export const notesRouter = router({
  /** The composer's preview: Markdown rendered and sanitised exactly as the thread will show it. */
  preview: projectProcedure(CAN.respond)
    .input(markdownPreviewInput.pick({ text: true }))
    .query(async ({ input }) => ({ html: await markdownToHtml(input.text) })),
  create: projectProcedure(CAN.respond)
    .input(createNoteInput)
    .mutation(({ ctx, input }) => createNote(ctx.dc, ctx.pa, ctx.user, input)),
});
