/**
 * The live protocol: every change is one of these, stored with a global `seq` and streamed by
 * `events.project` as `tracked(String(seq), ProjectEventEnvelope)`.
 */
import type { CustomerView, NoteView, TicketState, TicketSummary, WebhookDeliveryView } from './views';

export type TicketChange = 'state' | 'assignee' | 'labels' | 'title' | 'confidential' | 'participants' | 'merged';

export type ProjectEvent =
  | { type: 'ticket.created'; ticket: TicketSummary }
  | {
      type: 'ticket.updated';
      ticket: TicketSummary;
      changes: TicketChange[];
      /** with a 'state' change: the state it left (counts move from it to the new one) */
      previousState?: TicketState;
      /** why it changed when nobody changed it by hand: a snooze ran out, or the customer wrote to a pending or snoozed ticket */
      cause?: 'snooze_ended' | 'customer_replied' | 'change_merged';
    }
  | { type: 'note.created'; ticket: TicketSummary; note: NoteView }
  /**
   * Another ticket (`source`) was merged into this one: its notes, participants and mail threading
   * moved here. Viewers of this ticket read it again (notes moved in); the source's own
   * `ticket.updated` (closed, merged) comes in the same transaction.
   */
  | { type: 'ticket.merged'; ticket: TicketSummary; source: { iid: number; title: string } }
  /** sent instead of an update to viewers who may no longer see the ticket */
  | { type: 'ticket.hidden'; iid: number }
  /** a customer's name or notes changed (to responders of every project with their tickets) */
  | { type: 'customer.updated'; customer: CustomerView }
  /** the project's saved replies changed: composers read the list again */
  | { type: 'saved_replies.changed' }
  /** the project's saved views changed: queues read their list again (personal ones stay private) */
  | { type: 'saved_views.changed' }
  /** a code host called the project's webhook (issue 13): for maintainers' list of deliveries */
  | { type: 'webhook.delivered'; delivery: WebhookDeliveryView };

export type ProjectEventType = ProjectEvent['type'];

/** Events about one ticket (they carry its summary). */
export type TicketEvent = Extract<ProjectEvent, { ticket: TicketSummary }>;

export function isTicketEvent(e: ProjectEvent): e is TicketEvent {
  return 'ticket' in e;
}

export interface ProjectEventEnvelope {
  seq: number;
  at: string;
  event: ProjectEvent;
}
