/** "All my projects": one live queue over every project this user answers for. */
import { useSearchParams } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { CAN } from '../../shared/roles';
import type { ProjectView, TicketSummary } from '../../shared/views';
import TicketRow from '../components/TicketRow';
import { api } from '../lib/trpc';
import { createQueue } from '../stores/queue';
import { byActivity, type AssigneeFilter, type QueueFilter } from '../stores/queue-patch';
import { me } from '../stores/session';

function Merged(props: { projects: ProjectView[]; filter: () => QueueFilter }) {
  // One live queue per project (snapshot + events), merged by last activity.
  const queues = props.projects.map((p) => ({ path: p.path, q: createQueue(() => p.path, props.filter) }));
  const rows = createMemo(() =>
    queues
      .flatMap(({ path, q }) => q.items().map((t) => ({ path, t })))
      .sort((a, b) => byActivity(a.t, b.t)),
  );
  const loaded = () => queues.every(({ q }) => q.loaded());
  return (
    <Show when={loaded()} fallback={<p class="muted">Loading tickets…</p>}>
      <ul class="queue" data-testid="queue" aria-label="Tickets in all my projects">
        <For each={rows()}>{(r: { path: string; t: TicketSummary }) => <TicketRow projectPath={r.path} ticket={r.t} showProject />}</For>
      </ul>
      <Show when={rows().length === 0}>
        <p class="empty">No open tickets in your projects. All caught up.</p>
      </Show>
    </Show>
  );
}

export default function AllQueuePage() {
  const [params, setParams] = useSearchParams();
  const assignee = (): AssigneeFilter => (params.assignee === 'me' || params.assignee === 'none' ? params.assignee : 'any');
  const filter = createMemo<QueueFilter>(
    () => ({ state: 'opened', search: '', assignee: assignee(), myId: me()?.id ?? 0 }),
    { state: 'opened', search: '' },
    { equals: (a, b) => a.assignee === b.assignee && a.myId === b.myId },
  );
  const [projects] = createResource(() => api.projects.list.query().then((list) => list.filter((p) => p.access >= CAN.respond && p.role !== null)));
  return (
    <section class="stack">
      <div class="page-head">
        <h1>All my projects</h1>
        <select data-testid="filter-assignee" value={assignee()} onChange={(e) => setParams({ assignee: e.currentTarget.value === 'any' ? undefined : e.currentTarget.value })}>
          <option value="any">Anyone</option>
          <option value="me">Assigned to me</option>
          <option value="none">Unassigned</option>
        </select>
      </div>
      <Show when={projects()} keyed>
        {(list) => <Merged projects={list} filter={filter} />}
      </Show>
    </section>
  );
}
