/** External participants: who gets public replies by email; responders add and remove them. */
import { createSignal, For, Show } from 'solid-js';
import type { TicketDetail } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function ParticipantsEditor(props: { projectPath: string; ticket: TicketDetail; canEdit: boolean; onChanged(list: TicketDetail['participants']): void }) {
  const [email, setEmail] = createSignal('');
  const add = createAction(() => api.participants.add.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, emails: [email().trim()] }));
  const remove = createAction((e: string) => api.participants.remove.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, emails: [e] }));
  return (
    <div class="side-block">
      <span class="side-title">Participants</span>
      <Show when={props.ticket.participants.length > 0} fallback={<span class="muted">No external participants.</span>}>
        <ul class="participants" data-testid="participants">
          <For each={props.ticket.participants}>
            {(p) => (
              <li data-testid="participant" data-email={p.email}>
                <Show when={p.name}>
                  <span>{p.name}</span>{' '}
                </Show>
                <span class="mono">{p.email}</span>
                <Show when={p.unsubscribed}>
                  <span class="muted"> (unsubscribed)</span>
                </Show>
                <Show when={props.canEdit}>
                  {' '}
                  <button
                    type="button"
                    class="button button-quiet button-small"
                    aria-label={`Remove ${p.email}`}
                    onClick={async () => {
                      const list = await remove.run(p.email);
                      if (list) props.onChanged(list);
                    }}
                  >
                    ×
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.canEdit}>
        <form
          class="actions"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!email().trim()) return;
            const list = await add.run();
            if (list) {
              setEmail('');
              props.onChanged(list);
            }
          }}
        >
          <label class="visually-hidden" for="add-participant">
            Add a participant by email
          </label>
          <input id="add-participant" data-testid="add-participant" type="email" placeholder="Add by email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
          <button type="submit" class="button button-small" disabled={add.pending()}>
            Add
          </button>
        </form>
        <FormError error={add.error() ?? remove.error()} />
      </Show>
    </div>
  );
}
