/**
 * Applies one live event to the queue the user is looking at, without refetching. Pure, so the
 * rules (what enters, moves or leaves the list) are tested on their own.
 */
import { matchesCustomer, parseCustomerFilter, splitSearch } from '../../shared/customers';
import type { ProjectEvent } from '../../shared/events';
import type { ConfidentialFilter, QueueFilter, SortOrder, StateFilter } from '../../shared/queue-filter';
import type { TicketSummary } from '../../shared/views';

export type { AssigneeFilter, ConfidentialFilter, QueueFilter, SortOrder, StateFilter } from '../../shared/queue-filter';

export function matchesAssignee(ticket: TicketSummary, f: QueueFilter): boolean {
  if (!f.assignee || f.assignee === 'any') return true;
  if (f.assignee === 'none') return ticket.assignee === null;
  return ticket.assignee?.id === f.myId;
}

export function matchesLabel(ticket: TicketSummary, label: string | undefined): boolean {
  const want = label?.trim().toLowerCase();
  return !want || ticket.labels.some((l) => l.toLowerCase() === want);
}

export function matchesConfidential(ticket: TicketSummary, c: ConfidentialFilter | undefined): boolean {
  return !c || c === 'any' || ticket.confidential === (c === 'yes');
}

/** The picker's customer, or the search's `from:` (as the server reads them). */
export function matchesCustomerFilter(ticket: TicketSummary, f: QueueFilter): boolean {
  const picked = f.customer ? parseCustomerFilter(f.customer) : null;
  const from = picked ?? splitSearch(f.search).from;
  return !from || matchesCustomer(ticket.customer?.email ?? ticket.externalAuthor, from);
}

/** Everything but the search words, which the server answers more fully than the client can. */
export function matchesFilter(ticket: TicketSummary, f: QueueFilter): boolean {
  return (
    matchesState(ticket, f.state) &&
    matchesAssignee(ticket, f) &&
    matchesLabel(ticket, f.label) &&
    matchesConfidential(ticket, f.confidential) &&
    matchesCustomerFilter(ticket, f)
  );
}

export function matchesState(ticket: TicketSummary, state: StateFilter): boolean {
  return state === 'all' || ticket.state === state;
}

/**
 * The server also searches descriptions and notes; here only the title and `#iid` are known,
 * so a new ticket that matches only by its description shows up on the next load instead.
 */
export function matchesSearch(ticket: TicketSummary, search: string): boolean {
  const q = splitSearch(search).text.toLowerCase();
  if (!q) return true;
  const asNumber = /^#?(\d+)$/.exec(q);
  if (asNumber && Number(asNumber[1]) === ticket.iid) return true;
  return ticket.title.toLowerCase().includes(q);
}

/** Newest activity first; ties by id, as the server orders. */
export function byActivity(a: TicketSummary, b: TicketSummary): number {
  const diff = Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  return diff !== 0 ? diff : b.id - a.id;
}

export function byNewest(a: TicketSummary, b: TicketSummary): number {
  const diff = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return diff !== 0 ? diff : b.id - a.id;
}

/** Longest wait first; tickets nobody waits on after them; ties by id, as the server orders. */
export function byWaiting(a: TicketSummary, b: TicketSummary): number {
  const wait = (t: TicketSummary) => (t.waitingSince ? Date.parse(t.waitingSince) : Number.MAX_SAFE_INTEGER);
  const diff = wait(a) - wait(b);
  return diff !== 0 ? diff : a.id - b.id;
}

export function orderFor(sort: SortOrder | undefined): (a: TicketSummary, b: TicketSummary) => number {
  return sort === 'newest' ? byNewest : sort === 'waiting' ? byWaiting : byActivity;
}

function upsert(items: TicketSummary[], ticket: TicketSummary, filter: QueueFilter): TicketSummary[] {
  const present = items.some((t) => t.iid === ticket.iid);
  const order = orderFor(filter.sort);
  if (!matchesFilter(ticket, filter)) {
    return present ? items.filter((t) => t.iid !== ticket.iid) : items;
  }
  // A row already shown matched the server's fuller search; keep it rather than guess. Events
  // carry no per-user read time: the row keeps its own.
  if (present) return items.map((t) => (t.iid === ticket.iid ? { ...ticket, readAt: t.readAt ?? null } : t)).sort(order);
  if (!matchesSearch(ticket, filter.search)) return items;
  return [...items, ticket].sort(order);
}

export function patchQueue(items: TicketSummary[], event: ProjectEvent, filter: QueueFilter): TicketSummary[] {
  switch (event.type) {
    case 'ticket.created':
      if (items.some((t) => t.iid === event.ticket.iid)) return items;
      return upsert(items, event.ticket, filter);
    case 'ticket.updated':
    case 'note.created':
    case 'ticket.merged':
      return upsert(items, event.ticket, filter);
    case 'ticket.hidden':
      return items.some((t) => t.iid === event.iid) ? items.filter((t) => t.iid !== event.iid) : items;
    case 'saved_replies.changed':
    case 'saved_views.changed':
    case 'webhook.delivered':
      return items;
    case 'customer.updated': {
      const { id, email, name } = event.customer;
      if (!items.some((t) => t.customer?.id === id)) return items;
      return items.map((t) => (t.customer?.id === id ? { ...t, customer: { id, email, name } } : t));
    }
  }
}

/** New activity since this user last read the ticket (or never read it). */
export function isUnread(t: TicketSummary): boolean {
  return !t.readAt || Date.parse(t.lastActivityAt) > Date.parse(t.readAt);
}
