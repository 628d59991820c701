/**
 * Every address a ticket knows: its participants (current and removed), its external author, the
 * external authors of its notes, and the Cc addresses its emails named without adding them. This list, not a guess over text, decides what guests see
 * masked: the ticket's history names only these addresses.
 */
import { and, inArray, isNotNull } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { notes, participants, removedParticipants, tickets } from '../../../db/schema';

export async function knownAddresses(q: Q, ticketIds: readonly number[]): Promise<Map<number, string[]>> {
  const ids = [...new Set(ticketIds)];
  if (ids.length === 0) return new Map();
  const out = new Map<number, Set<string>>(ids.map((id) => [id, new Set()]));
  const lists = await Promise.all([
    q.select({ ticketId: participants.ticketId, email: participants.email }).from(participants).where(inArray(participants.ticketId, ids)).all(),
    q
      .select({ ticketId: removedParticipants.ticketId, email: removedParticipants.email })
      .from(removedParticipants)
      .where(inArray(removedParticipants.ticketId, ids))
      .all(),
    q
      .select({ ticketId: tickets.id, email: tickets.externalAuthor })
      .from(tickets)
      .where(and(inArray(tickets.id, ids), isNotNull(tickets.externalAuthor)))
      .all(),
    q
      .select({ ticketId: notes.ticketId, email: notes.externalAuthor })
      .from(notes)
      .where(and(inArray(notes.ticketId, ids), isNotNull(notes.externalAuthor)))
      .groupBy(notes.ticketId, notes.externalAuthor)
      .all(),
  ]);
  for (const r of lists.flat()) if (r.email) out.get(r.ticketId)?.add(r.email);
  const ccLists = await Promise.all([
    q.select({ ticketId: tickets.id, cc: tickets.ccNotAdded }).from(tickets).where(and(inArray(tickets.id, ids), isNotNull(tickets.ccNotAdded))).all(),
    q.select({ ticketId: notes.ticketId, cc: notes.ccNotAdded }).from(notes).where(and(inArray(notes.ticketId, ids), isNotNull(notes.ccNotAdded))).all(),
  ]);
  for (const r of ccLists.flat()) for (const email of r.cc ?? []) out.get(r.ticketId)?.add(email);
  return new Map([...out].map(([id, set]) => [id, [...set]]));
}

/**
 * The addresses of these tickets, read once and only if asked for: a live batch whose masked
 * envelopes are already built (or a viewer who sees everything) costs no query. Concurrent
 * askers share the one read; a failed read is tried again by the next asker.
 */
export function lazyKnownAddresses(q: Q, ticketIds: readonly number[]): (ticketId: number) => Promise<readonly string[]> {
  let read: Promise<Map<number, string[]>> | null = null;
  return async (ticketId) => {
    read ??= knownAddresses(q, ticketIds).catch((err: unknown) => {
      read = null;
      throw err;
    });
    return (await read).get(ticketId) ?? (await knownAddresses(q, [ticketId])).get(ticketId) ?? [];
  };
}
