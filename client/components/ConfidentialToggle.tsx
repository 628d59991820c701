import type { TicketDetail } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';
import { LockIcon } from './Icons';

/** Responders make a ticket confidential (reporters and up only) or visible to guests again. */
export default function ConfidentialToggle(props: { projectPath: string; ticket: TicketDetail; onUpdated(t: TicketDetail): void }) {
  const action = createAction((confidential: boolean) =>
    api.tickets.update.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, confidential }),
  );
  async function toggle() {
    const updated = await action.run(!props.ticket.confidential);
    if (updated) props.onUpdated(updated);
  }
  return (
    <div class="side-block">
      <span class="side-title">Confidentiality</span>
      <span data-testid="confidentiality">
        {props.ticket.confidential ? (
          <>
            <LockIcon /> Only reporters and up can see this ticket.
          </>
        ) : (
          'Everyone who can see the project can see this ticket.'
        )}
      </span>
      <button type="button" class="button button-small" data-testid="toggle-confidential" disabled={action.pending()} onClick={() => void toggle()}>
        {props.ticket.confidential ? 'Turn off confidentiality' : 'Make confidential'}
      </button>
      <FormError error={action.error()} />
    </div>
  );
}
