/**
 * A ticket's labels as chips: × removes one, the field adds (the project's labels suggested as
 * you type; several at once with commas). Each change is saved at once and reaches others live.
 */
import { createResource, createSignal, For } from 'solid-js';
import type { TicketDetail } from '../../shared/views';
import { createAction, focusIfLost } from '../lib/action';
import { api } from '../lib/trpc';
import FormError from './FormError';

export function parseLabels(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
}

export default function LabelsEditor(props: { projectPath: string; ticket: TicketDetail; onUpdated(t: TicketDetail): void }) {
  const [draft, setDraft] = createSignal('');
  let input: HTMLInputElement | undefined;
  const [known] = createResource(
    () => props.projectPath,
    (projectPath) => api.labels.list.query({ projectPath }).catch(() => []),
  );
  // Only what this person adds or removes is sent: a colleague's label added a moment ago stays.
  const action = createAction((change: { addLabels: string[] } | { removeLabels: string[] }) =>
    api.tickets.update.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, ...change }),
  );
  async function save(change: { addLabels: string[] } | { removeLabels: string[] }) {
    const updated = await action.run(change);
    if (updated) props.onUpdated(updated);
    return updated;
  }
  const suggestions = () => {
    const have = new Set(props.ticket.labels.map((l) => l.toLowerCase()));
    return (known() ?? []).filter((l) => !have.has(l.name.toLowerCase()));
  };
  return (
    <form
      class="side-block"
      onSubmit={async (e) => {
        e.preventDefault();
        const adding = parseLabels(draft());
        if (adding.length && (await save({ addLabels: adding }))) {
          setDraft('');
          focusIfLost(input);
        }
      }}
    >
      <span class="side-title">Labels</span>
      <div class="labels" data-testid="label-chips">
        <For each={props.ticket.labels} fallback={<span class="muted">None yet</span>}>
          {(l) => (
            <span class="label label-chip" data-testid="label-chip">
              {l}
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove label ${l}`}
                disabled={action.pending()}
                onClick={() => void save({ removeLabels: [l] })}
              >
                ×
              </button>
            </span>
          )}
        </For>
      </div>
      <div class="field-inline">
        <label class="visually-hidden" for="label-input">
          Add labels
        </label>
        <input ref={input} id="label-input" data-testid="labels" list="label-options" placeholder="Add a label" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
        <datalist id="label-options">
          <For each={suggestions()}>{(l) => <option value={l.name} />}</For>
        </datalist>
        <button type="submit" class="button button-small" data-testid="labels-add" disabled={action.pending() || !draft().trim()}>
          Add
        </button>
      </div>
      <FormError error={action.error()} />
    </form>
  );
}
