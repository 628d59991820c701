import type { TicketState } from '../../shared/views';

const LABELS: Record<TicketState, string> = { opened: 'Open', pending: 'Pending', snoozed: 'Snoozed', closed: 'Closed' };

export function stateLabel(state: TicketState): string {
  return LABELS[state];
}
