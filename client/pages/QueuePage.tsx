import { useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { CAN } from '../../shared/roles';
import type { ProjectView } from '../../shared/views';
import FormError from '../components/FormError';
import NewTicketForm from '../components/NewTicketForm';
import QueueFilters from '../components/QueueFilters';
import TicketRow from '../components/TicketRow';
import { ticketHref } from '../lib/project-route';
import { useQueueParams } from '../lib/queue-params';
import { api } from '../lib/trpc';
import { createQueue } from '../stores/queue';

export function emptyQueueText(filtered: boolean, state: string): string {
  if (filtered) return 'No tickets match these filters.';
  const text: Record<string, string> = {
    closed: 'No closed tickets.',
    pending: 'Nothing is waiting on a customer.',
    snoozed: 'No snoozed tickets.',
    all: 'No tickets yet.',
  };
  return text[state] ?? 'No open tickets. All caught up.';
}

export default function QueuePage(props: { project: ProjectView }) {
  const navigate = useNavigate();
  const canSeeConfidential = () => props.project.access >= CAN.seeConfidential;
  const { filter, set, filtered } = useQueueParams(canSeeConfidential);
  const queue = createQueue(() => props.project.path, filter);
  const [labels] = createResource(
    () => props.project.path,
    (projectPath) => api.labels.list.query({ projectPath }).then((ls) => ls.map((l) => l.name)).catch(() => []),
  );
  const canRespond = () => props.project.access >= CAN.respond;
  const [composing, setComposing] = createSignal(false);

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
        <QueueFilters
          filter={filter()}
          set={set}
          filtered={filtered()}
          counts={queue.counts()}
          labels={labels() ?? []}
          canSeeConfidential={canSeeConfidential()}
          findCustomers={canRespond() ? (query) => api.customers.search.query({ projectPath: props.project.path, query }) : undefined}
        />
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
          <p class="empty">{emptyQueueText(filtered(), filter().state)}</p>
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
