/** The queue's filter bar: state (with counts), search, assignee, sort, label, confidentiality. */
import { createSignal, For, onCleanup, Show } from 'solid-js';
import type { QueueParam } from '../lib/queue-params';
import type { QueueCounts } from '../stores/count-patch';
import type { QueueFilter, StateFilter } from '../stores/queue-patch';

const STATES: { value: StateFilter; label: string }[] = [
  { value: 'opened', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'closed', label: 'Closed' },
  { value: 'all', label: 'All' },
];

export default function QueueFilters(props: {
  filter: QueueFilter;
  set(changes: Partial<Record<QueueParam, string | undefined>>, replace?: boolean): void;
  filtered: boolean;
  counts: QueueCounts | null;
  labels: string[];
  canSeeConfidential: boolean;
  /** customers for the picker (responders of one project); without it there is no picker */
  findCustomers?: (query: string) => Promise<{ email: string; name: string | null }[]>;
}) {
  const [draft, setDraft] = createSignal(props.filter.search);
  let debounce: ReturnType<typeof setTimeout> | undefined;
  /** A new search looks in every state (the tab it was typed on is left); refining one keeps the tab it was narrowed to. */
  const applySearch = (value: string) => {
    clearTimeout(debounce);
    const search = value.trim() || undefined;
    props.set(props.filter.search.trim() || !search ? { search } : { search, state: undefined }, true);
  };
  onCleanup(() => clearTimeout(debounce));
  const countFor = (s: StateFilter): number | null => {
    const c = props.counts;
    if (!c) return null;
    return s === 'all' ? c.opened + c.pending + c.snoozed + c.closed : c[s];
  };
  const label = () => props.filter.label ?? '';
  const labelKnown = () => props.labels.some((l) => l.toLowerCase() === label().toLowerCase());

  return (
    <>
      <div class="segmented" role="group" aria-label="Ticket state">
        <For each={STATES}>
          {(s) => (
            <button type="button" class="segment" aria-pressed={props.filter.state === s.value} onClick={() => props.set({ state: s.value })}>
              {s.label}
              <Show when={countFor(s.value) !== null}>
                {' '}
                <span class="count" data-testid={`count-${s.value}`}>
                  {countFor(s.value)}
                </span>
              </Show>
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
          placeholder="Search all tickets: title, text or #number"
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
      <select id="queue-assignee" data-testid="filter-assignee" value={props.filter.assignee ?? 'any'} onChange={(e) => props.set({ assignee: e.currentTarget.value })}>
        <option value="any">Anyone</option>
        <option value="me">Assigned to me</option>
        <option value="none">Unassigned</option>
      </select>
      <label class="visually-hidden" for="queue-sort">
        Sort
      </label>
      <select id="queue-sort" data-testid="filter-sort" value={props.filter.sort ?? 'activity'} onChange={(e) => props.set({ sort: e.currentTarget.value })}>
        <option value="activity">Last activity</option>
        <option value="newest">Newest</option>
        <option value="waiting">Waiting longest</option>
      </select>
      <Show when={props.findCustomers}>
        {(find) => <CustomerPicker value={props.filter.customer ?? ''} find={find()} onPick={(customer) => props.set({ customer: customer || undefined })} />}
      </Show>
      <label class="visually-hidden" for="queue-label">
        Label
      </label>
      <select id="queue-label" data-testid="filter-label" value={label()} onChange={(e) => props.set({ label: e.currentTarget.value })}>
        <option value="">Any label</option>
        {/* The labels arrive after the select's value was set: each option says whether it is the one chosen. */}
        <For each={props.labels}>
          {(l) => (
            <option value={l} selected={l.toLowerCase() === label().toLowerCase()}>
              {l}
            </option>
          )}
        </For>
        <Show when={label() && !labelKnown()}>
          <option value={label()}>{label()}</option>
        </Show>
      </select>
      <Show when={props.canSeeConfidential}>
        <label class="visually-hidden" for="queue-confidential">
          Confidentiality
        </label>
        <select id="queue-confidential" data-testid="filter-confidential" value={props.filter.confidential ?? 'any'} onChange={(e) => props.set({ confidential: e.currentTarget.value })}>
          <option value="any">Confidential or not</option>
          <option value="yes">Confidential only</option>
          <option value="no">Not confidential</option>
        </select>
      </Show>
      <Show when={props.filtered}>
        <button
          type="button"
          class="button button-quiet button-small"
          data-testid="filter-clear"
          onClick={() => {
            setDraft('');
            props.set({ search: undefined, label: undefined, assignee: undefined, confidential: undefined, customer: undefined });
          }}
        >
          Clear filters
        </button>
      </Show>
    </>
  );
}

/** A customer (`alice@x.com`) or a whole organisation (`@x.com`), suggested as you type. */
function CustomerPicker(props: { value: string; find(query: string): Promise<{ email: string; name: string | null }[]>; onPick(value: string): void }) {
  const [draft, setDraft] = createSignal(props.value);
  const [options, setOptions] = createSignal<{ email: string; name: string | null }[]>([]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const suggest = (q: string) => {
    clearTimeout(timer);
    if (!q.trim()) return setOptions([]);
    timer = setTimeout(() => void props.find(q.trim()).then(setOptions).catch(() => setOptions([])), 200);
  };
  const domains = () => [...new Set(options().map((o) => `@${o.email.split('@')[1] ?? ''}`))];
  return (
    <form
      class="customer-picker"
      onSubmit={(e) => {
        e.preventDefault();
        props.onPick(draft().trim());
      }}
    >
      <label class="visually-hidden" for="queue-customer">
        Customer
      </label>
      <input
        id="queue-customer"
        data-testid="filter-customer"
        list="queue-customer-options"
        placeholder="Customer or @domain"
        value={draft()}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          suggest(e.currentTarget.value);
        }}
        onChange={(e) => props.onPick(e.currentTarget.value.trim())}
      />
      <datalist id="queue-customer-options">
        <For each={options()}>{(o) => <option value={o.email}>{o.name ?? o.email}</option>}</For>
        <For each={domains()}>{(d) => <option value={d}>Everyone at {d.slice(1)}</option>}</For>
      </datalist>
    </form>
  );
}
