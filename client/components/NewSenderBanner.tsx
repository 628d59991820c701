/**
 * On a note from an address that is no participant (it threaded only by quoting a customer's
 * email): who sent it, that nobody was added or emailed, and "Add as participant" for responders.
 */
import { Show } from 'solid-js';
import type { ParticipantView } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export default function NewSenderBanner(props: {
  email: string;
  projectPath: string;
  iid: number;
  participants: ParticipantView[];
  canAdd: boolean;
  onAdded(list: ParticipantView[]): void;
}) {
  const joined = () => props.participants.some((p) => p.email.toLowerCase() === props.email.toLowerCase());
  const add = createAction(() => api.participants.add.mutate({ projectPath: props.projectPath, iid: props.iid, emails: [props.email] }));
  return (
    <div class="new-sender" role="note" data-testid="new-sender" data-joined={String(joined())}>
      <Show
        when={!joined()}
        fallback={
          <span>
            From a new sender: <span class="mono">{props.email}</span>, since added as a participant.
          </span>
        }
      >
        <span>
          From a new sender: <span class="mono">{props.email}</span> — not a participant. They were not added, and nobody was emailed
          this message.
        </span>
        <Show when={props.canAdd}>
          <button
            type="button"
            class="button button-small"
            data-testid="add-new-sender"
            disabled={add.pending()}
            onClick={async () => {
              const list = await add.run();
              if (list) props.onAdded(list);
            }}
          >
            Add as participant
          </button>
        </Show>
      </Show>
      <FormError error={add.error()} />
    </div>
  );
}
