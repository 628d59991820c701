/** "All my projects": one live queue over every project this user answers for. */
import { createMemo, createResource, For, Show } from 'solid-js';
import { CAN } from '../../shared/roles';
import { TICKET_STATES, type ProjectView, type TicketSummary } from '../../shared/views';
import type { QueueCounts } from '../stores/count-patch';
import QueueFilters from '../components/QueueFilters';
import SearchElsewhere from '../components/SearchElsewhere';
import TicketRow from '../components/TicketRow';
import { useQueueParams } from '../lib/queue-params';
import { api } from '../lib/trpc';
import { createQueue } from '../stores/queue';
import { mergePages } from '../stores/merge-pages';
import type { QueueFilter } from '../stores/queue-patch';
import { emptyQueueText } from './QueuePage';
import { usePageTitle } from '../lib/page-title';

function Merged(props: { projects: ProjectView[]; filter: () => QueueFilter; filtered: () => boolean; set: ReturnType<typeof useQueueParams>['set'] }) {
  // One live queue per project (snapshot + events), merged in the chosen order.
  const queues = props.projects.map((p) => ({ path: p.path, q: createQueue(() => p.path, props.filter) }));
  const merged = createMemo(() =>
    mergePages(
      queues.map(({ path, q }) => ({ key: path, items: q.items(), hasMore: q.nextCursor() !== null })),
      props.filter().sort ?? 'activity',
    ),
  );
  const loaded = () => queues.every(({ q }) => q.loaded());
  const counts = () => {
    const all = queues.map(({ q }) => q.counts());
    if (!all.every((c) => c !== null)) return null;
    const sum: QueueCounts = { opened: 0, pending: 0, snoozed: 0, closed: 0 };
    for (const c of all) for (const s of TICKET_STATES) sum[s] += c?.[s] ?? 0;
    return sum;
  };
  const [labels] = createResource(() =>
    Promise.all(props.projects.map((p) => api.labels.list.query({ projectPath: p.path }).catch(() => []))).then((lists) =>
      [...new Map(lists.flat().map((l) => [l.name.toLowerCase(), l.name])).values()].sort((a, b) => a.localeCompare(b)),
    ),
  );
  const loadingMore = () => queues.some(({ q }) => q.loadingMore());
  return (
    <>
      <div class="toolbar">
        <QueueFilters
          filter={props.filter()}
          set={props.set}
          filtered={props.filtered()}
          counts={counts()}
          labels={labels() ?? []}
          canSeeConfidential={props.projects.some((p) => p.access >= CAN.seeConfidential)}
        />
      </div>
      <Show when={loaded()} fallback={<p class="muted">Loading tickets…</p>}>
        <ul class="queue" data-testid="queue" aria-label="Tickets in all my projects">
          <For each={merged().rows}>{(r: { key: string; item: TicketSummary }) => <TicketRow projectPath={r.key} ticket={r.item} showProject showOpenState={props.filter().state === 'all'} />}</For>
        </ul>
        <Show when={merged().rows.length === 0 && merged().pending.length === 0}>
          <p class="empty">{emptyQueueText(props.filtered(), props.filter().state)}</p>
        </Show>
        <SearchElsewhere filter={props.filter()} counts={counts()} set={props.set} />
        <Show when={merged().pending.length > 0}>
          <button
            type="button"
            class="button"
            data-testid="load-more"
            disabled={loadingMore()}
            onClick={() => void Promise.all(queues.filter(({ path }) => merged().pending.includes(path)).map(({ q }) => q.loadMore()))}
          >
            {loadingMore() ? 'Loading…' : 'Load older tickets'}
          </button>
        </Show>
      </Show>
    </>
  );
}

export default function AllQueuePage() {
  usePageTitle(() => 'All my tickets');
  const [projects] = createResource(() => api.projects.list.query().then((list) => list.filter((p) => p.access >= CAN.respond && p.role !== null)));
  const { filter, set, filtered } = useQueueParams(() => (projects() ?? []).some((p) => p.access >= CAN.seeConfidential));
  return (
    <section class="stack">
      <div class="page-head">
        <h1>All my projects</h1>
      </div>
      <Show when={projects()} keyed>
        {(list) => <Merged projects={list} filter={filter} filtered={filtered} set={set} />}
      </Show>
    </section>
  );
}
