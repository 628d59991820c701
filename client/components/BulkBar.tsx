/**
 * Bulk actions on the selected rows: state, assignee, labels, merge. Each ticket changes on its
 * own (one event each, live for everyone); the report says which failed and why. The selection
 * stays for the next action (label, then assign, then close), as in Help Scout and Front.
 */
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { CAN, roleLevel } from '../../shared/roles';
import type { BulkResult } from '../../shared/views';
import { createAction, focusIfLost } from '../lib/action';
import { api } from '../lib/trpc';
import { me } from '../stores/session';
import { offerUndo } from '../stores/undo';
import { groupWayBack, undoneText, type StateBefore } from '../lib/way-back';
import { parseLabels } from './LabelsEditor';
import { snoozePresets } from './StateToggle';
import FormError from './FormError';

type Action = Parameters<typeof api.tickets.bulk.mutate>[0]['action'];

export default function BulkBar(props: {
  projectPath: string;
  selected: number[];
  /** a selected row's state as shown (what Undo after a close restores) */
  stateOf(iid: number): StateBefore | undefined;
  allOnPage: boolean;
  onToggleAll(): void;
  onClear(): void;
  /** after an action: what it did, and whether it was a merge (which ends the selection) */
  onDone(result: BulkResult, merged: boolean): void;
  /** the bar went away (its tickets left the view) with focus in it, or while its action ran */
  onGone(pending: boolean): void;
}) {
  const [members] = createResource(
    () => props.projectPath,
    (projectPath) => api.members.list.query({ projectPath }).then((l) => l.filter((m) => roleLevel(m.role) >= CAN.respond)).catch(() => []),
  );
  const [labels, setLabels] = createSignal('');
  const [mergeInto, setMergeInto] = createSignal<number | null>(null);
  const action = createAction((a: Action) => api.tickets.bulk.mutate({ projectPath: props.projectPath, iids: props.selected, action: a }));

  // Only after an action does the bar's going move focus: Clear and the select-all box end it on purpose.
  let acted = false;
  async function run(a: Action) {
    acted = true;
    // The rows' states as the responder saw them: Undo after a close puts each one back so.
    const seen = new Map(props.selected.map((iid) => [iid, props.stateOf(iid)]));
    const result = await action.run(a);
    if (!result) return;
    setMergeInto(null);
    const closed = result.updated;
    const projectPath = props.projectPath;
    if (a.kind === 'state' && a.state === 'closed' && closed.length) {
      const what = closed.length === 1 ? `#${closed[0]}` : `${closed.length} tickets`;
      const plan = () => groupWayBack(closed, (iid) => seen.get(iid), Date.now());
      const said = (groups: ReturnType<typeof plan>) => undoneText(groups.flatMap((g) => g.iids.map(() => g.to)), what);
      offerUndo({
        text: `Closed ${what}`,
        undone: said(plan()),
        undo: async () => {
          const groups = plan();
          const back = await Promise.all(groups.map((g) => api.tickets.bulk.mutate({ projectPath, iids: g.iids, action: { kind: 'state', ...g.to } })));
          const failed = back.flatMap((b) => b.failed);
          if (failed[0]) throw new Error(failed.map((f) => `#${f.iid}: ${f.message}`).join(' '));
          return said(groups);
        },
      });
    }
    props.onDone(result, a.kind === 'merge');
  }

  let bar: HTMLDivElement | undefined;
  let labelsInput: HTMLInputElement | undefined;
  const cleared = () => {
    setLabels('');
    focusIfLost(labelsInput);
  };
  onCleanup(() => {
    if (acted && (action.pending() || bar?.contains(document.activeElement))) props.onGone(action.pending());
  });

  const n = () => props.selected.length;
  return (
    <div ref={bar} class="bulk-bar" role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar">
      <label class="check">
        <input type="checkbox" data-testid="select-all" checked={props.allOnPage} onChange={() => ((acted = false), props.onToggleAll())} />
        <span data-testid="bulk-count">
          {n()} selected
        </span>
      </label>
      <div class="button-row">
        <button type="button" class="button button-small" data-testid="bulk-close" disabled={action.pending()} onClick={() => void run({ kind: 'state', state: 'closed' })}>
          Close
        </button>
        <button type="button" class="button button-small" data-testid="bulk-reopen" disabled={action.pending()} onClick={() => void run({ kind: 'state', state: 'opened' })}>
          Reopen
        </button>
        <button type="button" class="button button-small" data-testid="bulk-pending" disabled={action.pending()} onClick={() => void run({ kind: 'state', state: 'pending' })}>
          Pending
        </button>
        <select
          data-testid="bulk-snooze"
          aria-label="Snooze the selected tickets"
          disabled={action.pending()}
          onChange={(e) => {
            const at = snoozePresets(new Date())[Number(e.currentTarget.value)]?.at;
            e.currentTarget.value = '';
            if (at) void run({ kind: 'state', state: 'snoozed', snoozedUntil: at.toISOString() });
          }}
        >
          <option value="">Snooze…</option>
          <For each={snoozePresets(new Date())}>{(p, i) => <option value={String(i())}>{p.label}</option>}</For>
        </select>
        <select
          data-testid="bulk-assign"
          aria-label="Assign the selected tickets"
          disabled={action.pending()}
          onChange={(e) => {
            const v = e.currentTarget.value;
            e.currentTarget.value = '';
            if (v === 'none') void run({ kind: 'assign', assigneeId: null });
            else if (v) void run({ kind: 'assign', assigneeId: Number(v) });
          }}
        >
          <option value="">Assign…</option>
          <Show when={me()}>{(u) => <option value={String(u().id)}>Me</option>}</Show>
          <option value="none">Unassign</option>
          <For each={(members() ?? []).filter((m) => m.user.id !== me()?.id)}>{(m) => <option value={String(m.user.id)}>{m.user.name}</option>}</For>
        </select>
        <form
          class="field-inline"
          onSubmit={(e) => {
            e.preventDefault();
            const list = parseLabels(labels());
            if (list.length) void run({ kind: 'labels', add: list, remove: [] }).then(cleared);
          }}
        >
          <input ref={labelsInput} data-testid="bulk-labels" aria-label="Labels to add to or remove from the selected tickets" placeholder="labels" value={labels()} onInput={(e) => setLabels(e.currentTarget.value)} />
          <button type="submit" class="button button-small" disabled={action.pending() || !labels().trim()}>
            Add
          </button>
          <button
            type="button"
            class="button button-small"
            disabled={action.pending() || !labels().trim()}
            onClick={() => {
              const list = parseLabels(labels());
              if (list.length) void run({ kind: 'labels', add: [], remove: list }).then(cleared);
            }}
          >
            Remove
          </button>
        </form>
        <Show when={n() > 1}>
          <select
            data-testid="bulk-merge"
            aria-label="Merge the selected tickets into"
            disabled={action.pending()}
            value={mergeInto() === null ? '' : String(mergeInto())}
            onChange={(e) => setMergeInto(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          >
            <option value="">Merge into…</option>
            <For each={[...props.selected].sort((a, b) => a - b)}>{(iid) => <option value={String(iid)}>#{iid}</option>}</For>
          </select>
        </Show>
        <button type="button" class="button button-quiet button-small" data-testid="bulk-clear" onClick={() => ((acted = false), props.onClear())}>
          Clear
        </button>
      </div>
      <Show when={mergeInto()}>
        {(into) => (
          <div class="confirm" role="alertdialog" data-testid="bulk-merge-confirm">
            <p>
              Merge {n() - 1} {n() - 1 === 1 ? 'ticket' : 'tickets'} into <strong>#{into()}</strong>? Their notes, participants and email replies move to #{into()}; they are closed. This cannot be
              undone.
            </p>
            <div class="button-row">
              <button type="button" class="button button-danger button-small" data-testid="bulk-merge-confirm-button" onClick={() => void run({ kind: 'merge', into: into() })}>
                Merge into #{into()}
              </button>
              <button type="button" class="button button-quiet button-small" onClick={() => setMergeInto(null)}>
                Cancel
              </button>
            </div>
          </div>
        )}
      </Show>
      <FormError error={action.error()} />
    </div>
  );
}

/** What the last bulk action did, kept after the selection empties. */
export function BulkReport(props: { result: BulkResult; onDismiss(): void }) {
  return (
    <div class="notice bulk-report" data-testid="bulk-report" role="status" tabindex="-1">
      {props.result.updated.length} {props.result.updated.length === 1 ? 'ticket' : 'tickets'} updated.
      <Show when={props.result.failed.length > 0}>
        {' '}
        Not changed:
        <ul>
          <For each={props.result.failed}>
            {(f) => (
              <li data-testid="bulk-failed">
                #{f.iid}: {f.message}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <button type="button" class="button button-quiet button-small" onClick={() => props.onDismiss()}>
        Dismiss
      </button>
    </div>
  );
}
