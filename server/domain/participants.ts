/** Responders adding and removing external participants (SPEC §5 `/add_email`, `/remove_email`). */
import { and, eq, inArray } from 'drizzle-orm';
import { participants } from '../../db/schema';
import { AppError } from '../../shared/errors';
import type { ParticipantView } from '../../shared/views';
import type { ProjectAccess } from './access';
import { write, type DomainCtx, type Emit } from './context';
import type { Tx } from '../events/store';
import { summarizeOne, type TicketRow } from './ticket-views';
import { addParticipants, MAX_PARTICIPANTS, participantEmails, settingsFor } from './email-tickets';
import { insertNote } from './notes';
import { sendNewParticipant } from './notifications';
import { findTicket, ticketMinAccess, visibleTicket } from './tickets';
import type { UserRow } from './users';

/** Participants are not in the summary: viewers of the ticket re-read them on this change. */
export function emitParticipantsChanged(tx: Tx, emit: Emit, ticket: TicketRow): void {
  emit({
    projectId: ticket.projectId,
    ticketId: ticket.id,
    minAccess: ticketMinAccess(ticket),
    event: { type: 'ticket.updated', ticket: summarizeOne(tx, ticket), changes: ['participants'] },
  });
}

function views(dc: DomainCtx, ticketId: number): ParticipantView[] {
  return dc.db
    .select()
    .from(participants)
    .where(eq(participants.ticketId, ticketId))
    .orderBy(participants.id)
    .all()
    .map((p) => ({ email: p.email, unsubscribed: p.unsubscribedAt !== null, createdAt: new Date(p.createdAt).toISOString() }));
}

export function addTicketParticipants(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, emails: string[]): ParticipantView[] {
  visibleTicket(dc, pa, iid);
  if (emails.some((e) => dc.mail.book.isOurs(e))) throw new AppError('OUR_ADDRESS');
  return write(dc, (tx, emit, at) => {
    const ticket = findTicket(tx, pa.project.id, iid);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    const existing = new Set(participantEmails(tx, ticket.id));
    const fresh = [...new Set(emails.map((e) => e.toLowerCase()))].filter((e) => !existing.has(e));
    if (existing.size + fresh.length > MAX_PARTICIPANTS) throw new AppError('TOO_MANY_PARTICIPANTS');
    const { added } = addParticipants(tx, ticket.id, fresh, at);
    if (added.length) {
      emitParticipantsChanged(tx, emit, ticket);
      insertNote(tx, emit, ticket, { authorId: actor.id, body: `added ${added.join(', ')}`, internal: false, system: true }, at);
      sendNewParticipant(tx, dc.mail, ticket, pa.project, settingsFor(tx, pa.project.id), added, at);
    }
    return views(dc, ticket.id);
  });
}

export function removeTicketParticipants(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, emails: string[]): ParticipantView[] {
  visibleTicket(dc, pa, iid);
  return write(dc, (tx, emit, at) => {
    const ticket = findTicket(tx, pa.project.id, iid);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    const lower = emails.map((e) => e.toLowerCase());
    const present = participantEmails(tx, ticket.id).filter((e) => lower.includes(e));
    if (present.length) {
      tx.delete(participants).where(and(eq(participants.ticketId, ticket.id), inArray(participants.email, present))).run();
      emitParticipantsChanged(tx, emit, ticket);
      insertNote(tx, emit, ticket, { authorId: actor.id, body: `removed ${present.join(', ')}`, internal: false, system: true }, at);
    }
    return views(dc, ticket.id);
  });
}
