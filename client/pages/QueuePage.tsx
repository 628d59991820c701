import { useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import { CAN } from '../../shared/roles';
import type { ProjectView } from '../../shared/views';
import FormError from '../components/FormError';
import NewTicketForm from '../components/NewTicketForm';
import TicketRow from '../components/TicketRow';
import { ticketHref } from '../lib/project-route';
import { createQueue } from '../stores/queue';
import type { AssigneeFilter, QueueFilter, SortOrder, StateFilter } from '../stores/queue-patch';
import { me } from '../stores/session';

const STATES: { value: StateFilter; label: string }[] = [
  { value: 'opened', label: 'Open' },
  { value: 'closed', label: 'Closed' },
  { value: 'all', label: 'All' },
];

function one(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export default function QueuePage(props: { project: ProjectView }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const state = (): StateFilter => {
    const s = one(params.state);
    return s === 'closed' || s === 'all' ? s : 'opened';
  };
  const assignee = (): AssigneeFilter => {
    const a = one(params.assignee);
    return a === 'me' || a === 'none' ? a : 'any';
  };
  const sort = (): SortOrder => (one(params.sort) === 'newest' ? 'newest' : 'activity');
  const filter = createMemo<QueueFilter>(
    () => ({ state: state(), search: one(params.search), assignee: assignee(), sort: sort(), myId: me()?.id ?? 0 }),
    { state: 'opened', search: '' },
    { equals: (a, b) => a.state === b.state && a.search === b.search && a.assignee === b.assignee && a.sort === b.sort && a.myId === b.myId },
  );
  const queue = createQueue(() => props.project.path, filter);
  const canRespond = () => props.project.access >= CAN.respond;
  const [composing, setComposing] = createSignal(false);

  const [draft, setDraft] = createSignal(one(params.search));
  let debounce: ReturnType<typeof setTimeout> | undefined;
  function applySearch(value: string) {
    clearTimeout(debounce);
    setParams({ search: value.trim() || undefined }, { replace: true });
  }
  onCleanup(() => clearTimeout(debounce));

  return (
    <section class="stack">
      <Show when={composing()}>
        <NewTicketForm
          project={props.project}
          onCancel={() => setComposing(false)}
          onCreated={(t) => navigate(ticketHref(props.project.path, t.iid))}
        />
      </Show>
      <div class="toolbar">
        <div class="segmented" role="group" aria-label="Ticket state">
          <For each={STATES}>
            {(s) => (
              <button
                type="button"
                class="segment"
                aria-pressed={state() === s.value}
                onClick={() => setParams({ state: s.value === 'opened' ? undefined : s.value })}
              >
                {s.label}
              </button>
            )}
          </For>
        </div>
        <form
          class="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            applySearch(draft());
          }}
        >
          <label class="visually-hidden" for="queue-search">
            Search tickets
          </label>
          <input
            id="queue-search"
            type="search"
            placeholder="Search title, text or #number"
            value={draft()}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setDraft(value);
              clearTimeout(debounce);
              debounce = setTimeout(() => applySearch(value), 300);
            }}
          />
        </form>
        <label class="visually-hidden" for="queue-assignee">
          Assignee
        </label>
        <select id="queue-assignee" data-testid="filter-assignee" value={assignee()} onChange={(e) => setParams({ assignee: e.currentTarget.value === 'any' ? undefined : e.currentTarget.value })}>
          <option value="any">Anyone</option>
          <option value="me">Assigned to me</option>
          <option value="none">Unassigned</option>
        </select>
        <label class="visually-hidden" for="queue-sort">
          Sort
        </label>
        <select id="queue-sort" data-testid="filter-sort" value={sort()} onChange={(e) => setParams({ sort: e.currentTarget.value === 'activity' ? undefined : e.currentTarget.value })}>
          <option value="activity">Last activity</option>
          <option value="newest">Newest</option>
        </select>
        <Show when={canRespond() && !composing()}>
          <button type="button" class="button button-primary" data-testid="new-ticket-open" onClick={() => setComposing(true)}>
            New ticket
          </button>
        </Show>
      </div>
      <FormError error={queue.error()} />
      <Show when={queue.loaded()} fallback={<p class="muted">Loading tickets…</p>}>
        <ul class="queue" data-testid="queue" aria-label="Tickets">
          <For each={queue.items()}>{(t) => <TicketRow projectPath={props.project.path} ticket={t} />}</For>
        </ul>
        <Show when={queue.items().length === 0}>
          <p class="empty">
            {filter().search ? 'No tickets match this search.' : state() === 'closed' ? 'No closed tickets.' : state() === 'all' ? 'No tickets yet.' : 'No open tickets. All caught up.'}
          </p>
        </Show>
        <Show when={queue.nextCursor()}>
          <button type="button" class="button" disabled={queue.loadingMore()} onClick={() => void queue.loadMore()}>
            {queue.loadingMore() ? 'Loading…' : 'Load older tickets'}
          </button>
        </Show>
      </Show>
    </section>
  );
}
