/**
 * What one viewer may see of an event. Confidential tickets and internal notes need reporter;
 * below reporter, every address the event's ticket knows is masked (domain/tickets/masking.ts).
 */
import { CAN } from '../../shared/roles';
import { isTicketEvent, type ProjectEvent, type ProjectEventEnvelope } from '../../shared/events';
import { maskerFor, maskNote, maskTicket } from '../domain/tickets/masking';
import { ACCESS_CHANGED, type StoredEvent } from './store';

/** The addresses a ticket knows (domain/tickets/ticket-addresses.ts), asked only when masking. */
export type AddressesOf = (ticketId: number) => Promise<readonly string[]>;

export async function viewEventFor(stored: StoredEvent, access: number, addressesOf: AddressesOf): Promise<ProjectEvent | null> {
  const e = stored.event;
  // A change of someone's access is for the streams themselves, never for a viewer.
  if (e.type === ACCESS_CHANGED) return null;
  // Events above the responders' level (webhook deliveries, for maintainers) go to that level only.
  if (stored.minAccess > CAN.seeParticipantEmails && access < stored.minAccess) return null;
  if (access >= CAN.seeParticipantEmails) return e;
  if (access < CAN.readTickets) return null;
  if (access < stored.minAccess) {
    // The viewer saw this ticket until it turned confidential: tell them to drop it.
    if (e.type === 'ticket.updated' && e.changes.includes('confidential')) {
      return { type: 'ticket.hidden', iid: e.ticket.iid };
    }
    return null;
  }
  if (e.type === 'ticket.hidden') return e;
  // Customers and saved replies are for responders (their events need reporter): none reaches this far.
  if (!isTicketEvent(e)) return null;
  const m = maskerFor(await addressesOf(e.ticket.id));
  switch (e.type) {
    case 'ticket.created':
      return { ...e, ticket: maskTicket(e.ticket, m) };
    case 'ticket.updated':
      return { ...e, ticket: maskTicket(e.ticket, m) };
    case 'note.created':
      return { ...e, ticket: maskTicket(e.ticket, m), note: maskNote(e.note, m) };
    case 'ticket.merged':
      return { ...e, ticket: maskTicket(e.ticket, m), source: { iid: e.source.iid, title: m.text(e.source.title) } };
  }
}

const envelopes = new WeakMap<StoredEvent, Map<number, Promise<ProjectEventEnvelope | null>>>();

/**
 * The envelope a viewer at this access level gets. Built once per event and level and shared by
 * every subscriber at that level (nothing downstream mutates it), so a fan-out to hundreds of
 * viewers masks and dates each event a handful of times, not once per viewer. Subscribers that
 * ask while it is being built (its addresses read) wait for that one build; a failed build is
 * forgotten, so the next subscriber tries again.
 */
export function envelopeFor(stored: StoredEvent, access: number, addressesOf: AddressesOf): Promise<ProjectEventEnvelope | null> {
  let byAccess = envelopes.get(stored);
  if (!byAccess) envelopes.set(stored, (byAccess = new Map()));
  const known = byAccess.get(access);
  if (known) return known;
  const levels = byAccess;
  const env = viewEventFor(stored, access, addressesOf).then(
    (event): ProjectEventEnvelope | null => (event ? { seq: stored.seq, at: new Date(stored.createdAt).toISOString(), event } : null),
  );
  levels.set(access, env);
  env.catch(() => {
    if (levels.get(access) === env) levels.delete(access);
  });
  return env;
}
