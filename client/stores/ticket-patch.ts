/** Applies one live event to the open ticket page. Pure, like queue-patch. */
import type { ProjectEvent } from '../../shared/events';
import type { NoteView, TicketDetail, TicketSummary } from '../../shared/views';

/** `reload`: notes moved in from a merged ticket; only a fresh read shows them. */
export type TicketPatch = { kind: 'same' } | { kind: 'changed'; ticket: TicketDetail } | { kind: 'hidden' } | { kind: 'reload' };

/** Thread order: by time, then id (notes merged in from another ticket fall in between). */
export function byTime(a: NoteView, b: NoteView): number {
  const d = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  return d !== 0 ? d : a.id - b.id;
}

function withSummary(detail: TicketDetail, summary: TicketSummary): TicketDetail {
  return { ...detail, ...summary, description: detail.description, notes: detail.notes, participants: detail.participants, customerDetail: detail.customerDetail };
}

export function patchTicket(detail: TicketDetail, event: ProjectEvent): TicketPatch {
  switch (event.type) {
    case 'ticket.hidden':
      return event.iid === detail.iid ? { kind: 'hidden' } : { kind: 'same' };
    case 'ticket.created':
    case 'saved_replies.changed':
    case 'saved_views.changed':
    case 'webhook.delivered':
      return { kind: 'same' };
    case 'ticket.merged':
      return event.ticket.iid === detail.iid ? { kind: 'reload' } : { kind: 'same' };
    case 'customer.updated': {
      const c = event.customer;
      if (detail.customer?.id !== c.id) return { kind: 'same' };
      return { kind: 'changed', ticket: { ...detail, customer: { id: c.id, email: c.email, name: c.name }, customerDetail: c } };
    }
    case 'ticket.updated':
      if (event.ticket.iid !== detail.iid) return { kind: 'same' };
      return { kind: 'changed', ticket: withSummary(detail, event.ticket) };
    case 'note.created': {
      if (event.ticket.iid !== detail.iid) return { kind: 'same' };
      const next = withSummary(detail, event.ticket);
      if (detail.notes.some((n) => n.id === event.note.id)) return { kind: 'changed', ticket: next };
      return { kind: 'changed', ticket: { ...next, notes: [...detail.notes, event.note].sort(byTime) } };
    }
  }
}

/**
 * Folds a fresh copy from a mutation's answer into what the page shows. Live events may have
 * overtaken the answer, so an older copy only contributes notes the page does not have yet.
 */
export function mergeTicket(current: TicketDetail, incoming: TicketDetail): TicketDetail {
  const newer = Date.parse(incoming.updatedAt) >= Date.parse(current.updatedAt);
  const base = newer ? incoming : current;
  const byId = new Map(current.notes.map((n) => [n.id, n]));
  for (const n of incoming.notes) byId.set(n.id, n);
  return { ...base, notes: [...byId.values()].sort(byTime) };
}
