import type { TicketDetail } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function StateToggle(props: { projectPath: string; ticket: TicketDetail; onUpdated(t: TicketDetail): void }) {
  const action = createAction((state: 'opened' | 'closed') =>
    api.tickets.update.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, state }),
  );
  async function toggle() {
    const updated = await action.run(props.ticket.state === 'opened' ? 'closed' : 'opened');
    if (updated) props.onUpdated(updated);
  }
  return (
    <div class="side-block">
      <button type="button" class="button" data-testid="toggle-state" disabled={action.pending()} onClick={() => void toggle()}>
        {props.ticket.state === 'opened' ? 'Close ticket' : 'Reopen ticket'}
      </button>
      <FormError error={action.error()} />
    </div>
  );
}
