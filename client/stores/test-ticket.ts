/** A ticket summary for the store tests: `minute` sets its creation and last activity. */
import type { TicketSummary } from '../../shared/views';

export function ticketAt(iid: number, minute: number, over: Partial<TicketSummary> = {}): TicketSummary {
  const at = new Date(Date.UTC(2030, 0, 1, 12, minute)).toISOString();
  return {
    id: iid + 100,
    iid,
    title: `Ticket ${iid}`,
    state: 'opened',
    confidential: false,
    author: { id: 1, name: 'Ada' },
    externalAuthor: null,
    assignee: null,
    labels: [],
    noteCount: 0,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    customer: null,
    preview: '',
    waitingSince: null,
    firstResponseAt: null,
    closedAt: null,
    snoozedUntil: null,
    mergedInto: null,
    ...over,
  };
}
