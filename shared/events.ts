/**
 * The live protocol: every change is one of these, stored with a global `seq` and streamed by
 * `events.project` as `tracked(String(seq), ProjectEventEnvelope)`.
 */
import type { CustomerView, NoteView, TicketState, TicketSummary } from './views';

export type TicketChange = 'state' | 'assignee' | 'labels' | 'title' | 'confidential' | 'participants';

export type ProjectEvent =
  | { type: 'ticket.created'; ticket: TicketSummary }
  | {
      type: 'ticket.updated';
      ticket: TicketSummary;
      changes: TicketChange[];
      /** with a 'state' change: the state it left (counts move from it to the new one) */
      previousState?: TicketState;
      /** why it changed when nobody changed it by hand: a snooze ran out, or the customer wrote to a pending or snoozed ticket */
      cause?: 'snooze_ended' | 'customer_replied';
    }
  | { type: 'note.created'; ticket: TicketSummary; note: NoteView }
  /** sent instead of an update to viewers who may no longer see the ticket */
  | { type: 'ticket.hidden'; iid: number }
  /** a customer's name or notes changed (to responders of every project with their tickets) */
  | { type: 'customer.updated'; customer: CustomerView };

export type ProjectEventType = ProjectEvent['type'];

export interface ProjectEventEnvelope {
  seq: number;
  at: string;
  event: ProjectEvent;
}
