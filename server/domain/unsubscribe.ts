/** Unsubscribing a participant (SPEC §4): link GET → confirm page, POST (RFC 8058), or email. */
import type { Tx } from '../events/store';
import type { DomainCtx, Emit } from './context';
import { write } from './context';
import { botNote, findReplyKey, ticketById, unsubscribe } from './email-tickets';
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

export interface UnsubscribeTarget {
  email: string;
  ticketTitle: string;
  iid: number;
}

export function lookupUnsubscribe(dc: DomainCtx, key: string): UnsubscribeTarget | null {
  if (!/^[0-9a-f]{32}$/.test(key)) return null;
  const rk = findReplyKey(dc.db, key);
  const ticket = rk?.ticketId ? ticketById(dc.db, rk.ticketId) : undefined;
  return rk && ticket ? { email: rk.email, ticketTitle: ticket.title, iid: ticket.iid } : null;
}

export function unsubscribeByKey(dc: DomainCtx, key: string): UnsubscribeTarget | null {
  const target = lookupUnsubscribe(dc, key);
  if (!target) return null;
  const botId = ensureSupportBot(dc.db, dc.now()).id;
  write(dc, (tx, emit, at) => {
    const rk = findReplyKey(tx, key);
    const ticket = rk?.ticketId ? ticketById(tx, rk.ticketId) : undefined;
    if (rk && ticket) unsubscribeParticipant(tx, emit, ticket, rk.email, botId, at);
  });
  return target;
}
