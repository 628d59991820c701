/** Saved views beside the state tabs, each with its live count; the current filters can be saved as one. */
import { createSignal, For, Show } from 'solid-js';
import type { QueueParam } from '../lib/queue-params';
import { countFor, isViewShown, queueFilterToView, viewParams } from '../lib/view-filters';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { createSavedViews } from '../stores/saved-views';
import type { QueueFilter } from '../stores/queue-patch';
import FormError from './FormError';
import type { SavedViewView } from '../../shared/views';

export default function SavedViewsBar(props: {
  projectPath: string;
  filter: QueueFilter;
  canSave: boolean;
  set(changes: Partial<Record<QueueParam, string | undefined>>): void;
}) {
  const store = createSavedViews(() => props.projectPath);
  const [saving, setSaving] = createSignal(false);
  const [name, setName] = createSignal('');
  const [shared, setShared] = createSignal(false);
  const save = createAction(() =>
    api.savedViews.save.mutate({ projectPath: props.projectPath, name: name(), shared: shared(), filters: queueFilterToView(props.filter) }),
  );
  const remove = createAction((id: number) => api.savedViews.remove.mutate({ projectPath: props.projectPath, id }));
  // × asks first: a shared view disappears for the whole team, and there is no undo.
  const [confirming, setConfirming] = createSignal<SavedViewView | null>(null);
  async function removeConfirmed(v: SavedViewView) {
    if (!(await remove.run(v.id))) return;
    setConfirming(null);
    void store.changedHere();
  }
  return (
    <div class="saved-views" role="group" aria-label="Saved views" data-testid="saved-views">
      <For each={store.views()}>
        {(v) => (
          <span class="view-chip" classList={{ 'view-chip-active': isViewShown(v.filters, props.filter) }}>
            <button
              type="button"
              class="view-chip-button"
              data-testid="saved-view"
              data-view={v.name}
              aria-pressed={isViewShown(v.filters, props.filter)}
              title={v.shared ? 'Shared with the project' : 'Only you see this view'}
              onClick={() => props.set(viewParams(v.filters))}
            >
              {v.name}
              <Show when={store.counts().get(v.id)}>
                {(c) => (
                  <>
                    {' '}
                    <span class="count" data-testid="saved-view-count">
                      {countFor(v.filters, c())}
                    </span>
                  </>
                )}
              </Show>
            </button>
            <Show when={v.mine}>
              <button type="button" class="chip-remove" aria-label={`Delete view ${v.name}`} aria-expanded={confirming()?.id === v.id} onClick={() => setConfirming(v)}>
                ×
              </button>
            </Show>
          </span>
        )}
      </For>
      <Show when={confirming()}>
        {(v) => (
          <div class="confirm confirm-inline" role="alertdialog" aria-labelledby="view-delete-text" data-testid="view-delete-confirm">
            <span id="view-delete-text">
              Delete the view <strong>{v().name}</strong>?{' '}
              {v().shared ? 'It is shared with the project: it goes for everyone on the team.' : 'Only you see it.'}
            </span>
            <span class="button-row">
              <button type="button" class="button button-danger button-small" data-testid="view-delete-confirm-button" disabled={remove.pending()} onClick={() => void removeConfirmed(v())}>
                Delete view
              </button>
              <button type="button" class="button button-quiet button-small" onClick={() => setConfirming(null)}>
                Keep it
              </button>
            </span>
          </div>
        )}
      </Show>
      <Show when={props.canSave}>
        <Show
          when={saving()}
          fallback={
            <button type="button" class="button button-quiet button-small" data-testid="save-view-open" onClick={() => setSaving(true)}>
              Save view
            </button>
          }
        >
          <form
            class="field-inline"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await save.run()) {
                setSaving(false);
                setName('');
                void store.changedHere();
              }
            }}
          >
            <input data-testid="save-view-name" aria-label="Name of the view" placeholder="View name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            <label class="check">
              <input type="checkbox" data-testid="save-view-shared" checked={shared()} onChange={(e) => setShared(e.currentTarget.checked)} />
              Share with the project
            </label>
            <button type="submit" class="button button-small" data-testid="save-view-submit" disabled={save.pending() || !name().trim()}>
              Save
            </button>
            <button type="button" class="button button-quiet button-small" onClick={() => setSaving(false)}>
              Cancel
            </button>
          </form>
        </Show>
      </Show>
      <FormError error={save.error() ?? remove.error()} />
    </div>
  );
}
