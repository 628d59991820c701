/**
 * Keeps the queue's open/closed counts right from live events. Where an event alone cannot tell
 * (a label change under a label filter, a hidden ticket that was not on screen, a search the
 * server answers more fully), it says so and the caller asks the server again, debounced.
 */
import type { ProjectEvent, TicketChange } from '../../shared/events';
import type { TicketState, TicketSummary } from '../../shared/views';
import { splitSearch } from '../../shared/customers';
import { matchesAssignee, matchesConfidential, matchesCustomerFilter, matchesLabel, matchesSearch, type QueueFilter } from './queue-patch';

export type QueueCounts = Record<TicketState, number>;

function matchesBesidesState(t: TicketSummary, f: QueueFilter): boolean {
  return matchesAssignee(t, f) && matchesLabel(t, f.label) && matchesConfidential(t, f.confidential) && matchesCustomerFilter(t, f);
}

/** Whether the filter has a customer in it (the picker or `from:`). */
function byCustomer(f: QueueFilter): boolean {
  return !!f.customer || splitSearch(f.search).from !== null;
}

/** Changes that can move a ticket in or out of this filter (the state aside). */
function membershipChanges(changes: TicketChange[], f: QueueFilter): TicketChange[] {
  return changes.filter(
    (c) =>
      (c === 'assignee' && f.assignee !== undefined && f.assignee !== 'any') ||
      (c === 'labels' && !!f.label) ||
      (c === 'confidential' && f.confidential !== undefined && f.confidential !== 'any') ||
      (c === 'title' && !!splitSearch(f.search).text) ||
      // a conversion gives a ticket its customer (it comes with the participants)
      (c === 'participants' && byCustomer(f)),
  );
}

function bump(c: QueueCounts, state: TicketState, by: number): QueueCounts {
  return { ...c, [state]: Math.max(0, c[state] + by) };
}

/**
 * The counts after `event`, or null when only the server can say. `known` is the ticket as the
 * list showed it before the event, if it was on screen.
 */
export function patchCounts(c: QueueCounts, event: ProjectEvent, f: QueueFilter, known: TicketSummary | undefined): QueueCounts | null {
  // Words are searched by the server in texts the client does not have; `from:` the client can tell.
  const searching = !!splitSearch(f.search).text;
  switch (event.type) {
    case 'ticket.created':
      if (!matchesBesidesState(event.ticket, f)) return c;
      if (searching && !matchesSearch(event.ticket, f.search)) return null;
      return bump(c, event.ticket.state, 1);
    case 'note.created':
    case 'ticket.merged':
      // A note (or notes merged in) can make a ticket match a search by its text; nothing else moves.
      return searching ? null : c;
    case 'ticket.hidden':
      return known ? bump(c, known.state, -1) : null;
    case 'customer.updated':
    case 'saved_replies.changed':
    case 'saved_views.changed':
    case 'webhook.delivered':
      return c;
    case 'ticket.updated': {
      if (membershipChanges(event.changes, f).length > 0) return null;
      if (!event.changes.includes('state')) return c;
      if (!matchesBesidesState(event.ticket, f)) return c;
      if (searching && !known) return null;
      const to = event.ticket.state;
      const from = known?.state ?? event.previousState;
      if (from === to) return c;
      // An event from before states were recorded with it: only the server can say where it came from.
      if (!from) return null;
      return bump(bump(c, to, 1), from, -1);
    }
  }
}
