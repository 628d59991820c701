/** Saved views beside the state tabs, each with its live count; the current filters can be saved as one. */
import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { QueueParam } from '../lib/queue-params';
import { countFor, isViewShown, queueFilterToView, viewParams } from '../lib/view-filters';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { createSavedViews } from '../stores/saved-views';
import type { QueueFilter } from '../stores/queue-patch';
import FormError from './FormError';

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
  // × asks first: a shared view disappears for the whole team, and there is no undo. The question
  // names the view as it is now (by id, from the live list): renamed elsewhere, it says the new
  // name; removed elsewhere, the question goes.
  const [confirmingId, setConfirmingId] = createSignal<number | null>(null);
  const confirming = createMemo(() => store.views().find((v) => v.id === confirmingId() && v.mine) ?? null);
  let bar: HTMLDivElement | undefined;
  const removeButtons = new Map<number, HTMLButtonElement>();
  /** Closes the question; focus goes back to the view's × (or the bar when the view is gone). */
  function closeConfirm() {
    const id = confirmingId();
    // Focus was in the question, or went with it (the view was removed elsewhere and the question closed first).
    const active = document.activeElement;
    const hadFocus = !active || active === document.body || !!bar?.querySelector('[data-testid="view-delete-confirm"]')?.contains(active);
    setConfirmingId(null);
    if (!hadFocus) return;
    const back = id === null ? undefined : removeButtons.get(id);
    if (back?.isConnected) back.focus();
    else bar?.focus();
  }
  createEffect(() => {
    if (confirmingId() !== null && !confirming()) closeConfirm();
  });
  async function removeConfirmed(id: number) {
    if (!(await remove.run(id))) return;
    closeConfirm();
    void store.changedHere();
  }
  return (
    <div class="saved-views" role="group" aria-label="Saved views" data-testid="saved-views" tabIndex={-1} ref={bar}>
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
              <button
                type="button"
                class="chip-remove"
                aria-label={`Delete view ${v.name}`}
                aria-expanded={confirmingId() === v.id}
                aria-haspopup="dialog"
                ref={(el) => {
                  removeButtons.set(v.id, el);
                  onCleanup(() => removeButtons.delete(v.id));
                }}
                onClick={() => setConfirmingId(v.id)}
              >
                ×
              </button>
            </Show>
          </span>
        )}
      </For>
      <Show when={confirming()}>
        {(v) => {
          let confirmButton: HTMLButtonElement | undefined;
          // Keyboard and screen-reader users are taken to the question (and its safe answer is one Tab away).
          onMount(() => confirmButton?.focus());
          return (
            <div
              class="confirm confirm-inline"
              role="alertdialog"
              aria-labelledby="view-delete-text"
              data-testid="view-delete-confirm"
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                e.preventDefault();
                e.stopPropagation();
                closeConfirm();
              }}
            >
              <span id="view-delete-text">
                Delete the view <strong>{v().name}</strong>?{' '}
                {v().shared ? 'It is shared with the project: it goes for everyone on the team.' : 'Only you see it.'}
              </span>
              <span class="button-row">
                <button
                  type="button"
                  class="button button-danger button-small"
                  data-testid="view-delete-confirm-button"
                  ref={confirmButton}
                  disabled={remove.pending()}
                  onClick={() => void removeConfirmed(v().id)}
                >
                  Delete view
                </button>
                <button type="button" class="button button-quiet button-small" onClick={closeConfirm}>
                  Keep it
                </button>
              </span>
            </div>
          );
        }}
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
