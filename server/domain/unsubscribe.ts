/** Unsubscribing a participant (SPEC §4): link GET → confirm page, POST (RFC 8058), or email. */
import { and, eq, isNull } from 'drizzle-orm';
import { replyKeys } from '../../db/schema';
import type { Tx } from '../events/store';
import type { DomainCtx, Emit } from './context';
import { write } from './context';
import { botNote, ticketById, unsubscribe } from './email-tickets';
import type { TicketRow } from './ticket-views';
import { ensureSupportBot } from './users';
import { emitParticipantsChanged } from './participants';

/** Marks the participant unsubscribed and leaves the system note; false if they already were. */
export function unsubscribeParticipant(tx: Tx, emit: Emit, ticket: TicketRow, email: string, botId: number, at: number): boolean {
  if (!unsubscribe(tx, ticket.id, email, at)) return false;
  emitParticipantsChanged(tx, emit, ticket);
  botNote(tx, emit, ticket, botId, `unsubscribed ${email}`, at);
  return true;
}

/**
 * The recipient and ticket an unsubscribe token stands for. Emails sent before tokens existed
 * carried the reply key in their links; those keys (and only those) still work.
 */
export function findUnsubscribeToken(tx: Tx, token: string) {
  return (
    tx.select().from(replyKeys).where(eq(replyKeys.unsubscribeToken, token)).get() ??
    tx.select().from(replyKeys).where(and(eq(replyKeys.key, token), isNull(replyKeys.unsubscribeToken))).get()
  );
}

export interface UnsubscribeTarget {
  email: string;
  ticketTitle: string;
  iid: number;
}

export function lookupUnsubscribe(dc: DomainCtx, token: string): UnsubscribeTarget | null {
  if (!/^[0-9a-f]{32}$/.test(token)) return null;
  const rk = findUnsubscribeToken(dc.db, token);
  const ticket = rk?.ticketId ? ticketById(dc.db, rk.ticketId) : undefined;
  return rk && ticket ? { email: rk.email, ticketTitle: ticket.title, iid: ticket.iid } : null;
}

export function unsubscribeByToken(dc: DomainCtx, token: string): UnsubscribeTarget | null {
  const target = lookupUnsubscribe(dc, token);
  if (!target) return null;
  const botId = ensureSupportBot(dc.db, dc.now()).id;
  write(dc, (tx, emit, at) => {
    const rk = findUnsubscribeToken(tx, token);
    const ticket = rk?.ticketId ? ticketById(tx, rk.ticketId) : undefined;
    if (rk && ticket) unsubscribeParticipant(tx, emit, ticket, rk.email, botId, at);
  });
  return target;
}
