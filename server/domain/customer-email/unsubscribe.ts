/**
 * Unsubscribing a participant (SPEC §4): link GET → confirm page, POST (RFC 8058), or email; and
 * the way back (mail7 #3): the same link's page subscribes them again.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { participants, replyKeys } from '../../../db/schema';
import type { Q, Tx } from '../../../db/client';
import type { DomainCtx, Emit } from '../core/context';
import { write } from '../core/context';
import { botNote, ticketById, unsubscribe } from './email-tickets';
import type { TicketRow } from '../tickets/ticket-views';
import { ensureSupportBot } from '../accounts/users';
import { emitParticipantsChanged } from './participants';

/** Marks the participant unsubscribed and leaves the system note; false if they already were. */
export async function unsubscribeParticipant(tx: Tx, emit: Emit, ticket: TicketRow, email: string, botId: number, at: number): Promise<boolean> {
  if (!(await unsubscribe(tx, ticket.id, email, at))) return false;
  await emitParticipantsChanged(tx, emit, ticket);
  await botNote(tx, emit, ticket, botId, `unsubscribed ${email}`, at);
  return true;
}

/**
 * The recipient and ticket an unsubscribe token stands for. Emails sent before tokens existed
 * carried the reply key in their links; those keys (and only those) still work.
 */
export async function findUnsubscribeToken(q: Q, token: string) {
  return (
    (await q.select().from(replyKeys).where(eq(replyKeys.unsubscribeToken, token)).get()) ??
    (await q.select().from(replyKeys).where(and(eq(replyKeys.key, token), isNull(replyKeys.unsubscribeToken))).get())
  );
}

export interface UnsubscribeTarget {
  email: string;
  ticketTitle: string;
  iid: number;
  /** whether the address gets the thread's email now; null: it is no participant any more (a responder removed it) */
  subscribed: boolean | null;
}

export async function lookupUnsubscribe(dc: DomainCtx, token: string): Promise<UnsubscribeTarget | null> {
  if (!/^[0-9a-f]{32}$/.test(token)) return null;
  const rk = await findUnsubscribeToken(dc.db, token);
  const ticket = rk?.ticketId ? await ticketById(dc.db, rk.ticketId) : undefined;
  if (!rk || !ticket) return null;
  const p = await dc.db
    .select({ unsubscribedAt: participants.unsubscribedAt })
    .from(participants)
    .where(and(eq(participants.ticketId, ticket.id), eq(participants.email, rk.email.toLowerCase())))
    .get();
  return { email: rk.email, ticketTitle: ticket.title, iid: ticket.iid, subscribed: p ? p.unsubscribedAt === null : null };
}

/**
 * "Subscribe again" on the unsubscribe page: the participant gets the thread's email again, with
 * a system note saying so. Only someone who unsubscribed themselves comes back: an address a
 * responder removed stays removed (the link cannot add it again).
 */
export async function resubscribeByToken(dc: DomainCtx, token: string): Promise<UnsubscribeTarget | null> {
  const target = await lookupUnsubscribe(dc, token);
  if (!target || target.subscribed !== false) return target;
  const botId = (await ensureSupportBot(dc)).id;
  await write(dc, async (tx, emit, at) => {
    const rk = await findUnsubscribeToken(tx, token);
    const ticket = rk?.ticketId ? await ticketById(tx, rk.ticketId) : undefined;
    if (!rk || !ticket) return;
    const changed = await tx
      .update(participants)
      .set({ unsubscribedAt: null })
      .where(and(eq(participants.ticketId, ticket.id), eq(participants.email, rk.email.toLowerCase()), sql`${participants.unsubscribedAt} is not null`))
      .returning({ id: participants.id })
      .all();
    if (changed.length === 0) return;
    await emitParticipantsChanged(tx, emit, ticket);
    await botNote(tx, emit, ticket, botId, `subscribed ${rk.email} again`, at);
  });
  return { ...target, subscribed: true };
}

export async function unsubscribeByToken(dc: DomainCtx, token: string): Promise<UnsubscribeTarget | null> {
  const target = await lookupUnsubscribe(dc, token);
  if (!target) return null;
  const botId = (await ensureSupportBot(dc)).id;
  await write(dc, async (tx, emit, at) => {
    const rk = await findUnsubscribeToken(tx, token);
    const ticket = rk?.ticketId ? await ticketById(tx, rk.ticketId) : undefined;
    if (rk && ticket) await unsubscribeParticipant(tx, emit, ticket, rk.email, botId, at);
  });
  return { ...target, subscribed: target.subscribed === null ? null : false };
}
