/**
 * The ticket's state: close or reopen, mark pending (waiting on the customer), or snooze until a
 * time (it comes back by itself). Snooze times are picked in the browser's own time zone.
 */
import { createSignal, For, Show } from 'solid-js';
import type { TicketDetail, TicketState } from '../../shared/views';
import { createAction } from '../lib/action';
import { offerUndoClose } from '../lib/undo-close';
import { fullTime } from '../lib/local-time';
import { api } from '../lib/trpc';
import FormError from './FormError';

/** Local-time presets: later today, tomorrow morning, next Monday morning. */
export function snoozePresets(now: Date): { label: string; at: Date }[] {
  const at = (days: number, hour: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const monday = (8 - now.getDay()) % 7 || 7;
  return [
    { label: 'In 1 hour', at: new Date(now.getTime() + 3600_000) },
    { label: 'In 4 hours', at: new Date(now.getTime() + 4 * 3600_000) },
    { label: 'Tomorrow 9:00', at: at(1, 9) },
    { label: 'Next Monday 9:00', at: at(monday, 9) },
  ];
}

/** `datetime-local` wants local wall-clock time without an offset. */
function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export default function StateToggle(props: { projectPath: string; ticket: TicketDetail; onUpdated(t: TicketDetail): void }) {
  const [snoozing, setSnoozing] = createSignal(false);
  const [custom, setCustom] = createSignal('');
  const action = createAction((state: TicketState, until?: Date) =>
    api.tickets.update.mutate({ projectPath: props.projectPath, iid: props.ticket.iid, state, ...(until ? { snoozedUntil: until.toISOString() } : {}) }),
  );
  let toggle: HTMLButtonElement | undefined;
  async function set(state: TicketState, until?: Date) {
    const before = { state: props.ticket.state, snoozedUntil: props.ticket.snoozedUntil };
    const updated = await action.run(state, until);
    if (!updated) return;
    setSnoozing(false);
    props.onUpdated(updated);
    // As in the queue: "Closed #12 · Undo" (or z), back to the state it had, pending or snoozed included.
    if (state === 'closed' && before.state !== 'closed') offerUndoClose(props.projectPath, updated.iid, before, props.onUpdated);
    // The button pressed may be gone (Pending once pending, a snooze preset): focus stays in this block.
    if (!document.activeElement || document.activeElement === document.body) toggle?.focus();
  }
  const state = () => props.ticket.state;
  return (
    <div class="side-block">
      <span class="side-title">State</span>
      <Show when={state() === 'snoozed' && props.ticket.snoozedUntil}>
        <span class="muted" data-testid="snoozed-until">
          Snoozed until {fullTime(props.ticket.snoozedUntil ?? '')}
        </span>
      </Show>
      <div class="button-row">
        <button ref={toggle} type="button" class="button button-small" data-testid="toggle-state" disabled={action.pending()} onClick={() => void set(state() === 'opened' ? 'closed' : 'opened')}>
          {state() === 'opened' ? 'Close ticket' : state() === 'closed' ? 'Reopen ticket' : 'Back to open'}
        </button>
        {/* A pending or snoozed ticket closes in one step, not through "Back to open" first. */}
        <Show when={state() === 'pending' || state() === 'snoozed'}>
          <button type="button" class="button button-small" data-testid="close-ticket" disabled={action.pending()} onClick={() => void set('closed')}>
            Close ticket
          </button>
        </Show>
        <Show when={state() !== 'pending'}>
          <button type="button" class="button button-small" data-testid="mark-pending" disabled={action.pending()} onClick={() => void set('pending')}>
            Pending
          </button>
        </Show>
        <button type="button" class="button button-small" data-testid="snooze-open" disabled={action.pending()} onClick={() => setSnoozing((s) => !s)}>
          Snooze…
        </button>
      </div>
      <Show when={snoozing()}>
        <div class="snooze-menu" data-testid="snooze-menu">
          <For each={snoozePresets(new Date())}>
            {(p) => (
              <button type="button" class="button button-quiet button-small" onClick={() => void set('snoozed', p.at)}>
                {p.label}
              </button>
            )}
          </For>
          <form
            class="field-inline"
            onSubmit={(e) => {
              e.preventDefault();
              if (custom()) void set('snoozed', new Date(custom()));
            }}
          >
            <input type="datetime-local" data-testid="snooze-custom" min={localInputValue(new Date())} value={custom()} onInput={(e) => setCustom(e.currentTarget.value)} />
            <button type="submit" class="button button-small" data-testid="snooze-submit" disabled={!custom()}>
              Snooze
            </button>
          </form>
        </div>
      </Show>
      <FormError error={action.error()} />
    </div>
  );
}
