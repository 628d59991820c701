/**
 * Every address a ticket knows: its participants (current and removed), its external author and
 * the external authors of its notes. This list, not a guess over text, decides what guests see
 * masked: the ticket's history names only these addresses.
 */
import { and, inArray, isNotNull } from 'drizzle-orm';
import { notes, participants, removedParticipants, tickets } from '../../db/schema';
import type { Tx } from '../events/store';

export function knownAddresses(tx: Tx, ticketIds: readonly number[]): Map<number, string[]> {
  const ids = [...new Set(ticketIds)];
  if (ids.length === 0) return new Map();
  const out = new Map<number, Set<string>>(ids.map((id) => [id, new Set()]));
  const rows = [
    ...tx.select({ ticketId: participants.ticketId, email: participants.email }).from(participants).where(inArray(participants.ticketId, ids)).all(),
    ...tx
      .select({ ticketId: removedParticipants.ticketId, email: removedParticipants.email })
      .from(removedParticipants)
      .where(inArray(removedParticipants.ticketId, ids))
      .all(),
    ...tx
      .select({ ticketId: tickets.id, email: tickets.externalAuthor })
      .from(tickets)
      .where(and(inArray(tickets.id, ids), isNotNull(tickets.externalAuthor)))
      .all(),
    ...tx
      .select({ ticketId: notes.ticketId, email: notes.externalAuthor })
      .from(notes)
      .where(and(inArray(notes.ticketId, ids), isNotNull(notes.externalAuthor)))
      .groupBy(notes.ticketId, notes.externalAuthor)
      .all(),
  ];
  for (const r of rows) if (r.email) out.get(r.ticketId)?.add(r.email);
  return new Map([...out].map(([id, set]) => [id, [...set]]));
}

/**
 * The addresses of these tickets, read once and only if asked for: a live batch whose masked
 * envelopes are already built (or a viewer who sees everything) costs no query.
 */
export function lazyKnownAddresses(tx: Tx, ticketIds: readonly number[]): (ticketId: number) => readonly string[] {
  let read: Map<number, string[]> | null = null;
  return (ticketId) => {
    read ??= knownAddresses(tx, ticketIds);
    return read.get(ticketId) ?? knownAddresses(tx, [ticketId]).get(ticketId) ?? [];
  };
}
