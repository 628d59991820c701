/**
 * Maintainers keep the project's saved replies: text with placeholders, and for a macro the
 * actions applied with it (labels, assignee, state).
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { PLACEHOLDERS, unknownPlaceholders, type MacroActions } from '../../shared/macros';
import { templatePlaceholdersIn } from '../lib/placeholder-mixup';
import type { SavedReplyView, TicketState } from '../../shared/views';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { parseLabels } from './LabelsEditor';
import FormError from './FormError';

type StateChoice = '' | TicketState;

export default function SavedRepliesEditor(props: { projectPath: string }) {
  const [replies, { refetch }] = createResource(() => props.projectPath, (projectPath) => api.savedReplies.list.query({ projectPath }));
  const [editing, setEditing] = createSignal<number | undefined>(undefined);
  const [name, setName] = createSignal('');
  const [body, setBody] = createSignal('');
  const [labels, setLabels] = createSignal('');
  const [assignee, setAssignee] = createSignal('');
  const [state, setState] = createSignal<StateChoice>('');
  const [snooze, setSnooze] = createSignal('');

  function edit(r: SavedReplyView | null) {
    setEditing(r?.id);
    setName(r?.name ?? '');
    setBody(r?.body ?? '');
    setLabels(r?.actions?.labels?.join(', ') ?? '');
    setAssignee(r?.actions?.assignee === null ? 'none' : (r?.actions?.assignee ?? ''));
    setState(r?.actions?.state ?? '');
    setSnooze(r?.actions?.snooze ?? '');
  }

  function actions(): MacroActions | null {
    const a: MacroActions = {};
    const l = parseLabels(labels());
    if (l.length) a.labels = l;
    if (assignee() === 'none') a.assignee = null;
    else if (assignee()) a.assignee = assignee();
    const s = state();
    if (s) a.state = s;
    if (s === 'snoozed') a.snooze = snooze().trim();
    return Object.keys(a).length ? a : null;
  }

  const save = createAction(() =>
    api.savedReplies.save.mutate({ projectPath: props.projectPath, ...(editing() ? { id: editing() } : {}), name: name(), body: body(), actions: actions() }),
  );
  const remove = createAction((id: number) => api.savedReplies.remove.mutate({ projectPath: props.projectPath, id }));
  const unknown = () => unknownPlaceholders(body());

  return (
    <section class="panel stack" aria-labelledby="sr-heading" data-testid="saved-replies">
      <h3 id="sr-heading">Saved replies and macros</h3>
      <p class="muted">
        Responders insert these from the composer (type <code>#</code> or use “Saved replies”). A saved reply with actions is a macro: its actions apply with the reply.
      </p>
      <ul class="stack" aria-label="Saved replies">
        <For each={replies()}>
          {(r) => (
            <li class="actions" style={{ 'align-items': 'center' }}>
              <button type="button" class="button button-quiet button-small" data-testid="saved-reply-edit" onClick={() => edit(r)}>
                {r.name}
              </button>
              <Show when={r.actions}>
                <span class="tag">Macro</span>
              </Show>
              <button
                type="button"
                class="button button-small button-danger"
                onClick={async () => {
                  if (await remove.run(r.id)) void refetch();
                  if (editing() === r.id) edit(null);
                }}
              >
                Delete
              </button>
            </li>
          )}
        </For>
      </ul>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          const saved = await save.run();
          if (!saved) return;
          edit(null);
          void refetch();
        }}
      >
        <h4>{editing() ? `Edit “${name()}”` : 'New saved reply'}</h4>
        <label class="field">
          <span>Name</span>
          <input data-testid="saved-reply-name" value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. Refund approved" />
        </label>
        <label class="field">
          <span>Text (Markdown)</span>
          <textarea data-testid="saved-reply-body" rows={6} value={body()} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <p class="muted">
          Placeholders:{' '}
          <For each={Object.entries(PLACEHOLDERS)}>
            {([key, help]) => (
              <code title={help} class="placeholder">
                {`{${key}}`}{' '}
              </code>
            )}
          </For>
        </p>
        <Show when={unknown().length > 0}>
          <p class="form-error" data-testid="saved-reply-unknown">
            Unknown placeholders stay as written: {unknown().map((u) => `{${u}}`).join(', ')}
          </p>
        </Show>
        <Show when={templatePlaceholdersIn(body()).length > 0}>
          <p class="form-error" data-testid="saved-reply-template-placeholders">
            {templatePlaceholdersIn(body()).join(', ')}: email-template placeholders are sent as written in a saved reply. Use the {'{…}'} ones listed above.
          </p>
        </Show>
        <fieldset class="stack">
          <legend>Macro actions (optional)</legend>
          <label class="field">
            <span>Add labels</span>
            <input data-testid="macro-labels" value={labels()} onInput={(e) => setLabels(e.currentTarget.value)} placeholder="refund, billing" />
          </label>
          <label class="field">
            <span>Assignee</span>
            <select data-testid="macro-assignee" value={assignee()} onChange={(e) => setAssignee(e.currentTarget.value)}>
              <option value="">Leave as is</option>
              <option value="me">Whoever uses it</option>
              <option value="none">Unassign</option>
            </select>
          </label>
          <label class="field">
            <span>State</span>
            <select data-testid="macro-state" value={state()} onChange={(e) => setState(e.currentTarget.value as StateChoice)}>
              <option value="">Leave as is</option>
              <option value="opened">Open</option>
              <option value="pending">Pending (waiting on the customer)</option>
              <option value="snoozed">Snoozed</option>
              <option value="closed">Closed</option>
            </select>
          </label>
          <Show when={state() === 'snoozed'}>
            <label class="field">
              <span>Snooze for</span>
              <input data-testid="macro-snooze" value={snooze()} onInput={(e) => setSnooze(e.currentTarget.value)} placeholder="4h, 2d or 1w" />
            </label>
          </Show>
        </fieldset>
        <div class="actions">
          <button type="submit" class="button button-primary" data-testid="saved-reply-save" disabled={save.pending() || !name().trim()}>
            Save
          </button>
          <Show when={editing()}>
            <button type="button" class="button" onClick={() => edit(null)}>
              Cancel
            </button>
          </Show>
        </div>
        <FormError error={save.error() ?? remove.error()} />
      </form>
    </section>
  );
}
