/** Responders adding and removing external participants (SPEC §5 `/add_email`, `/remove_email`). */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { customerLinks, participants, removedParticipants } from '../../../db/schema';
import { asciiAddress } from '../../../shared/email-address';
import { AppError } from '../../../shared/errors';
import type { ParticipantView } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import { write, type DomainCtx, type Emit } from '../core/context';
import type { MailContext } from '../core/mail-context';
import type { Tx } from '../../../db/client';
import { participantViews, summarizeOne, type TicketRow } from '../tickets/ticket-views';
import { addParticipants, MAX_PARTICIPANTS, participantEmails, settingsFor } from './email-tickets';
import { insertNote } from '../notes/notes';
import { sendNewParticipant } from './notifications';
import { findTicket, refuseMerged, ticketMinAccess, visibleTicket } from '../tickets/ticket-lookup';
import type { UserRow } from '../accounts/users';

/** Participants are not in the summary: viewers of the ticket re-read them on this change. */
export async function emitParticipantsChanged(tx: Tx, emit: Emit, ticket: TicketRow): Promise<void> {
  emit({
    projectId: ticket.projectId,
    ticketId: ticket.id,
    minAccess: ticketMinAccess(ticket),
    event: { type: 'ticket.updated', ticket: await summarizeOne(tx, ticket), changes: ['participants'] },
  });
}

/** One participant however the domain is written: views show `e@xn--e1afmkfd.xn--p1ai` for `e@пример.рф`. */
const sameAs = (email: string) => asciiAddress(email).toLowerCase();

export async function addTicketParticipants(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, emails: string[]): Promise<ParticipantView[]> {
  refuseMerged(await visibleTicket(dc, pa, iid));
  if (emails.some((e) => dc.mail.book.isOurs(e))) throw new AppError('OUR_ADDRESS');
  return write(dc, async (tx, emit, at) => participantViews(tx, (await addTicketParticipantsTx(tx, emit, dc.mail, pa, actor, iid, emails, at)).id));
}

/**
 * `addTicketParticipants` inside the caller's transaction, once none of `emails` is one of our
 * addresses: the system note, and the new participants are told by email.
 */
export async function addTicketParticipantsTx(
  tx: Tx,
  emit: Emit,
  mc: MailContext,
  pa: ProjectAccess,
  actor: UserRow,
  iid: number,
  emails: string[],
  at: number,
): Promise<TicketRow> {
  const ticket = await findTicket(tx, pa.project.id, iid);
  if (!ticket) throw new AppError('TICKET_NOT_FOUND');
  const existing = new Set((await participantEmails(tx, ticket.id)).map(sameAs));
  const fresh = new Map<string, string>();
  for (const e of emails) if (!existing.has(sameAs(e))) fresh.set(sameAs(e), e.toLowerCase());
  if (existing.size + fresh.size > MAX_PARTICIPANTS) throw new AppError('TOO_MANY_PARTICIPANTS');
  const { added } = await addParticipants(tx, ticket.id, [...fresh.values()], at);
  if (added.length) {
    await emitParticipantsChanged(tx, emit, ticket);
    await insertNote(tx, emit, ticket, { authorId: actor.id, body: `added ${added.join(', ')}`, internal: false, system: true }, at);
    await sendNewParticipant(tx, mc, ticket, pa.project, await settingsFor(tx, pa.project.id), added, at);
  }
  return ticket;
}

export async function removeTicketParticipants(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, emails: string[]): Promise<ParticipantView[]> {
  refuseMerged(await visibleTicket(dc, pa, iid));
  return write(dc, async (tx, emit, at) => participantViews(tx, (await removeTicketParticipantsTx(tx, emit, pa, actor, iid, emails, at)).id));
}

/** `removeTicketParticipants` inside the caller's transaction. */
export async function removeTicketParticipantsTx(tx: Tx, emit: Emit, pa: ProjectAccess, actor: UserRow, iid: number, emails: string[], at: number): Promise<TicketRow> {
  const ticket = await findTicket(tx, pa.project.id, iid);
  if (!ticket) throw new AppError('TICKET_NOT_FOUND');
  const wanted = new Set(emails.map(sameAs));
  const present = (await participantEmails(tx, ticket.id)).filter((e) => wanted.has(sameAs(e)));
  if (present.length) {
    await tx.delete(participants).where(and(eq(participants.ticketId, ticket.id), inArray(participants.email, present))).run();
    // Whoever is removed loses the links their emails carried (customer view, file downloads) at
    // once: they must not go on reading the thread, or post into it from the page.
    await tx
      .update(customerLinks)
      .set({ revokedAt: at })
      .where(and(eq(customerLinks.ticketId, ticket.id), inArray(customerLinks.email, present), isNull(customerLinks.revokedAt)))
      .run();
    // The ticket's history still names them: they stay among the addresses masked for guests.
    for (const email of present) {
      await tx
        .insert(removedParticipants)
        .values({ ticketId: ticket.id, email, removedAt: at })
        .onConflictDoUpdate({ target: [removedParticipants.ticketId, removedParticipants.email], set: { removedAt: at } })
        .run();
    }
    await emitParticipantsChanged(tx, emit, ticket);
    await insertNote(tx, emit, ticket, { authorId: actor.id, body: `removed ${present.join(', ')}`, internal: false, system: true }, at);
  }
  return ticket;
}
