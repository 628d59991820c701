import { createEffect, createSignal, on } from 'solid-js';
import type { TicketDetail } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export function parseLabels(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
}

export default function LabelsEditor(props: { projectPath: string; ticket: TicketDetail; onUpdated(t: TicketDetail): void }) {
  const [draft, setDraft] = createSignal(props.ticket.labels.join(', '));
  const [dirty, setDirty] = createSignal(false);
  // Someone else changed the labels: show theirs unless the user is mid-edit.
  createEffect(
    on(
      () => props.ticket.labels.join(', '),
      (labels) => {
        if (!dirty()) setDraft(labels);
      },
    ),
  );
  const action = createAction((labels: string[]) =>
    api.tickets.update.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, labels }),
  );

  async function save(e: SubmitEvent) {
    e.preventDefault();
    const updated = await action.run(parseLabels(draft()));
    if (!updated) return;
    setDirty(false);
    setDraft(updated.labels.join(', '));
    props.onUpdated(updated);
  }

  return (
    <form class="side-block" onSubmit={(e) => void save(e)}>
      <label class="field">
        <span class="side-title">Labels</span>
        <input
          data-testid="labels"
          placeholder="billing, urgent"
          value={draft()}
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            setDirty(true);
          }}
        />
      </label>
      <FormError error={action.error()} />
      <button type="submit" class="button button-small" disabled={action.pending() || !dirty()}>
        Save labels
      </button>
    </form>
  );
}
