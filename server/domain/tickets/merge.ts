/**
 * Merging tickets (issue 12, item 6): "merge #12 into #7". In one transaction #12's notes move to
 * #7 (kept in time order and marked with where they came from, its description becoming a note
 * at its own time), its participants and external author join #7, its Message-IDs and reply keys
 * route to #7 — so a customer answering any of #12's emails, or writing on its customer view,
 * lands on #7 — and #12 is closed with a note pointing at #7. Confidential wins: merging a
 * confidential ticket makes the target one.
 */
import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { attachments, customerLinks, messageIds, notes, participants, removedParticipants, replyKeys, tickets } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import { AppError } from '../../../shared/errors';
import type { TicketDetail } from '../../../shared/views';
import type { ProjectAccess } from '../accounts/access';
import type { UserRow } from '../accounts/users';
import { write, type DomainCtx, type Emit } from '../core/context';
import { addParticipants } from '../customer-email/email-tickets';
import { emitParticipantsChanged } from '../customer-email/participants';
import { insertNote } from '../notes/notes';
import { previewText } from '../notes/preview';
import { findTicket, ticketMinAccess, visibleTicket } from './ticket-lookup';
import { getTicket, updateTicketTx } from './tickets';
import { summarizeOne, type TicketRow } from './ticket-views';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Refuses what cannot be merged (read before the write and again inside it). */
function check(source: TicketRow | undefined, target: TicketRow | undefined): asserts source is TicketRow {
  if (!source || !target) throw new AppError('TICKET_NOT_FOUND');
  if (source.id === target.id) throw new AppError('MERGE_INTO_SELF');
  if (source.mergedIntoId !== null) throw new AppError('TICKET_MERGED', `#${source.iid} was merged already.`);
  if (target.mergedIntoId !== null) throw new AppError('TICKET_MERGED', `#${target.iid} was itself merged into another ticket: merge into that one.`);
}

export async function mergeTicket(dc: DomainCtx, pa: ProjectAccess, actor: UserRow, iid: number, into: number): Promise<TicketDetail> {
  check(await visibleTicket(dc, pa, iid), await visibleTicket(dc, pa, into));
  await write(dc, (tx, emit, at) => mergeTicketTx(tx, emit, pa, actor, iid, into, at));
  return getTicket(dc, pa, into);
}

/** `mergeTicket` inside the caller's transaction (bulk merges run one per savepoint). */
export async function mergeTicketTx(tx: Tx, emit: Emit, pa: ProjectAccess, actor: UserRow, iid: number, into: number, at: number): Promise<void> {
  const source = await findTicket(tx, pa.project.id, iid);
  let target = await findTicket(tx, pa.project.id, into);
  check(source, target);
  if (!target) return;
  if (source.confidential && !target.confidential) {
    target = await updateTicketTx(tx, emit, pa, actor, into, { confidential: true, assigneeName: null }, at);
  }
  // An open request merged into a closed ticket must not leave every open queue: the target reopens
  // (the confirmation says so).
  if (target.state === 'closed' && source.state !== 'closed') {
    target = await updateTicketTx(tx, emit, pa, actor, into, { state: 'opened', assigneeName: null }, at);
  }

  // The source's description becomes a note at its own time, then every note moves over.
  await tx
    .insert(notes)
    .values({
      ticketId: target.id,
      authorId: source.authorId,
      externalAuthor: source.externalAuthor,
      externalAuthorName: source.externalAuthorName,
      // The customer's own words (without an issue template appended for responders): the target's
      // customer view shows this note. The full description stays on the source.
      body: `### ${source.title}\n\n${source.customerDescription ?? source.description}`,
      bodyHtml: `<h3>${escapeHtml(source.title)}</h3>\n${source.customerDescriptionHtml ?? source.descriptionHtml ?? escapeHtml(source.customerDescription ?? source.description)}`,
      internal: false,
      system: false,
      createdAt: source.createdAt,
      emailId: source.emailId,
      ccNotAdded: source.ccNotAdded,
      mergedFromIid: source.iid,
    })
    .run();
  await tx.update(notes).set({ ticketId: target.id, mergedFromIid: sql`coalesce(${notes.mergedFromIid}, ${source.iid})` }).where(eq(notes.ticketId, source.id)).run();
  await tx.update(attachments).set({ ticketId: target.id }).where(eq(attachments.ticketId, source.id)).run();
  // Mail threading: replies to any email of the source land on the target; its root stays its own.
  await tx.update(messageIds).set({ ticketId: target.id, merged: true }).where(eq(messageIds.ticketId, source.id)).run();
  await tx.update(replyKeys).set({ ticketId: target.id }).where(eq(replyKeys.ticketId, source.id)).run();
  // A customer's link to the source's thread (issue 10's customer view) now shows the target's.
  await tx.update(customerLinks).set({ ticketId: target.id }).where(eq(customerLinks.ticketId, source.id)).run();

  const theirs = await tx
    .select({ email: participants.email, name: participants.name, unsubscribedAt: participants.unsubscribedAt })
    .from(participants)
    .where(eq(participants.ticketId, source.id))
    .all();
  const people = [...(source.externalAuthor ? [source.externalAuthor] : []), ...theirs.map((p) => p.email)];
  // They join with the names their mail gave, as they had them on the source.
  const names = new Map(theirs.flatMap((p) => (p.name ? [[p.email, p.name] as const] : [])));
  if (source.externalAuthor && source.externalAuthorName) names.set(source.externalAuthor.toLowerCase(), source.externalAuthorName);
  const { added, dropped } = await addParticipants(tx, target.id, people, at, names);
  // Who unsubscribed from the source (or was stopped by the mail-loop guard) does not start getting
  // mail again because of the merge.
  const newcomers = new Set(added);
  for (const p of theirs) {
    if (p.unsubscribedAt === null || !newcomers.has(p.email.toLowerCase())) continue;
    await tx
      .update(participants)
      .set({ unsubscribedAt: p.unsubscribedAt })
      .where(and(eq(participants.ticketId, target.id), eq(participants.email, p.email.toLowerCase())))
      .run();
  }
  // Addresses the source's history names but the target does not take as participants (removed
  // there, or over the limit) stay among the target's known addresses, masked for guests.
  const gone = await tx.select({ email: removedParticipants.email }).from(removedParticipants).where(eq(removedParticipants.ticketId, source.id)).all();
  const formerly = [...new Set([...gone.map((g) => g.email), ...dropped])];
  if (formerly.length) {
    await tx
      .insert(removedParticipants)
      .values(formerly.map((email) => ({ ticketId: target.id, email, removedAt: at })))
      .onConflictDoNothing()
      .run();
  }

  const counted = await tx
    .select({ n: sql<number>`count(*)` })
    .from(notes)
    .where(and(eq(notes.ticketId, target.id), eq(notes.internal, false), eq(notes.system, false)))
    .get();
  const latest = await tx
    .select({ body: notes.body })
    .from(notes)
    .where(and(eq(notes.ticketId, target.id), eq(notes.internal, false), eq(notes.system, false)))
    .orderBy(desc(notes.createdAt), desc(notes.id))
    .limit(1)
    .get();
  // Waiting time of the merged conversation: since the customers' last public message, unless we
  // answered publicly after it; none while the target is pending or closed.
  const lastOf = async (customer: boolean) =>
    (
      await tx
        .select({ at: sql<number | null>`max(${notes.createdAt})` })
        .from(notes)
        .where(
          and(
            eq(notes.ticketId, target.id),
            eq(notes.internal, false),
            eq(notes.system, false),
            customer ? and(isNotNull(notes.externalAuthor), eq(notes.fromNewSender, false)) : isNull(notes.externalAuthor),
          ),
        )
        .get()
    )?.at ?? null;
  const lastCustomer = await lastOf(true);
  const lastOurs = await lastOf(false);
  const waiting =
    target.state === 'pending' || target.state === 'closed' || lastCustomer === null || (lastOurs !== null && Number(lastOurs) >= Number(lastCustomer))
      ? null
      : Number(lastCustomer);
  const earliestOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  const merged = await tx
    .update(tickets)
    .set({
      noteCount: Number(counted?.n ?? 0),
      preview: latest ? previewText(latest.body) : target.preview,
      waitingSince: waiting,
      firstResponseAt: earliestOf(target.firstResponseAt, source.firstResponseAt),
      updatedAt: at,
      lastActivityAt: at,
    })
    .where(eq(tickets.id, target.id))
    .returning()
    .get();

  const closed = await tx
    .update(tickets)
    .set({ state: 'closed', closedAt: at, mergedIntoId: target.id, snoozedUntil: null, waitingSince: null, noteCount: 0, updatedAt: at, lastActivityAt: at })
    .where(eq(tickets.id, source.id))
    .returning()
    .get();
  emit({
    projectId: closed.projectId,
    ticketId: closed.id,
    minAccess: ticketMinAccess(closed),
    event: { type: 'ticket.updated', ticket: await summarizeOne(tx, closed), changes: ['state', 'merged'], previousState: source.state },
  });
  await insertNote(tx, emit, closed, { authorId: actor.id, body: `merged into #${target.iid}`, internal: false, system: true }, at);

  emit({
    projectId: merged.projectId,
    ticketId: merged.id,
    minAccess: ticketMinAccess(merged),
    event: { type: 'ticket.merged', ticket: await summarizeOne(tx, merged), source: { iid: source.iid, title: source.title } },
  });
  if (added.length) await emitParticipantsChanged(tx, emit, merged);
  const joined = added.length ? `; added ${added.join(', ')}` : '';
  const over = dropped.length ? ` (not added, over the limit of participants: ${dropped.join(', ')})` : '';
  await insertNote(tx, emit, merged, { authorId: actor.id, body: `merged #${source.iid} into this ticket${joined}${over}`, internal: false, system: true }, at);
}
