import { A, useNavigate } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { MARK_UNREAD_EVENT } from '../lib/shortcuts';
import { CAN } from '../../shared/roles';
import type { BulkResult, ProjectView } from '../../shared/views';
import BulkBar, { BulkReport } from '../components/BulkBar';
import SavedViewsBar from '../components/SavedViewsBar';
import SearchElsewhere from '../components/SearchElsewhere';
import FormError from '../components/FormError';
import NewTicketForm from '../components/NewTicketForm';
import QueueFilters from '../components/QueueFilters';
import TicketRow from '../components/TicketRow';
import { serviceDeskHref, ticketHref } from '../lib/project-route';
import { useQueueParams } from '../lib/queue-params';
import { api } from '../lib/trpc';
import { createQueue, REPLIED_CLOSED_LIMIT } from '../stores/queue';
import { undoOffer } from '../stores/undo';

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
  const queue = createQueue(() => props.project.path, filter, props.project.access >= CAN.respond);
  const [labels] = createResource(
    () => props.project.path,
    (projectPath) => api.labels.list.query({ projectPath }).then((ls) => ls.map((l) => l.name)).catch(() => []),
  );
  const canRespond = () => props.project.access >= CAN.respond;
  const [composing, setComposing] = createSignal(false);
  // Bulk selection: iids, and the last one checked (shift-click selects the range up to it).
  const [selected, setSelected] = createSignal<Set<number>>(new Set());
  const [anchor, setAnchor] = createSignal<number | null>(null);
  const [report, setReport] = createSignal<BulkResult | null>(null);
  const visible = () => queue.items().map((t) => t.iid);
  const allOnPage = () => visible().length > 0 && visible().every((iid) => selected().has(iid));
  function check(iid: number, on: boolean, e: MouseEvent) {
    const next = new Set(selected());
    const from = anchor();
    const rows = visible();
    if (e.shiftKey && from !== null && rows.includes(from)) {
      const [a, b] = [rows.indexOf(from), rows.indexOf(iid)].sort((x, y) => x - y) as [number, number];
      for (const r of rows.slice(a, b + 1)) {
        if (on) next.add(r);
        else next.delete(r);
      }
    } else if (on) next.add(iid);
    else next.delete(iid);
    setAnchor(iid);
    setSelected(next);
  }
  // The bulk bar went away with focus in it (a bulk close emptied the view): focus goes to the line
  // that says what happened (with Undo after a close) once the action's answer is in, not to the page.
  let refocus = false;
  function settleFocus() {
    const at = document.activeElement;
    if (!refocus || (at && at !== document.body)) return void (refocus = false);
    const to = document.querySelector<HTMLElement>(undoOffer() ? '[data-testid="undo-status"]' : '[data-testid="bulk-report"]');
    if (to) {
      refocus = false;
      to.focus();
    }
  }
  // `u` in the queue marked a row unread.
  const onUnread = (e: Event) => {
    const d = (e as CustomEvent<{ projectPath: string; iid: number }>).detail;
    if (d.projectPath === props.project.path) queue.markUnreadHere(d.iid);
  };
  window.addEventListener(MARK_UNREAD_EVENT, onUnread);
  onCleanup(() => window.removeEventListener(MARK_UNREAD_EVENT, onUnread));
  // A new filter is a new list: the selection does not carry over.
  createEffect(on(filter, () => setSelected(new Set<number>())));
  // A row that leaves the list (a colleague closed or merged it) leaves the selection too: a bulk
  // action acts only on tickets the responder can see selected.
  createEffect(
    on(visible, (rows) => {
      const cur = selected();
      if (cur.size === 0) return;
      const keep = new Set(rows.filter((iid) => cur.has(iid)));
      if (keep.size !== cur.size) setSelected(keep);
    }),
  );

  return (
    <section class="stack">
      <Show when={composing()}>
        <NewTicketForm
          project={props.project}
          onCancel={() => setComposing(false)}
          onCreated={(t) => navigate(ticketHref(props.project.path, t.iid))}
        />
      </Show>
      <SavedViewsBar projectPath={props.project.path} filter={filter()} canSave={canRespond()} set={set} />
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
      <Show when={canRespond() && selected().size > 0}>
        <BulkBar
          projectPath={props.project.path}
          selected={[...selected()]}
          stateOf={(iid) => queue.items().find((t) => t.iid === iid)}
          allOnPage={allOnPage()}
          onToggleAll={() => setSelected(allOnPage() ? new Set<number>() : new Set(visible()))}
          onClear={() => setSelected(new Set<number>())}
          onDone={(result, merged) => {
            setReport(result);
            // The selection stays for the next action: the tickets that leave the view (closed out of
            // the Open tab, say) leave it by the effect above, so nothing unseen stays selected. A
            // merge ends it: the merged tickets take no more changes.
            if (merged) setSelected(new Set(result.failed.map((f) => f.iid).filter((iid) => selected().has(iid))));
            queueMicrotask(settleFocus);
          }}
          onGone={(pending) => {
            refocus = true;
            if (!pending) queueMicrotask(settleFocus);
          }}
        />
      </Show>
      <Show when={report()}>{(r) => <BulkReport result={r()} onDismiss={() => setReport(null)} />}</Show>
      <FormError error={queue.error()} />
      <Show when={queue.repliedClosed().length}>
        {(n) => (
          <p class="notice" role="status" data-testid="replied-closed">
            {n()}
            {n() < REPLIED_CLOSED_LIMIT ? '' : '+'} closed ticket{n() > 1 ? 's have' : ' has'} a customer message nobody has answered yet.{' '}
            <button type="button" class="link-button" onClick={() => set({ state: 'closed', sort: 'waiting' })}>
              Show {n() > 1 ? 'them' : 'it'}
            </button>
          </p>
        )}
      </Show>
      <Show when={queue.loaded()} fallback={<p class="muted">Loading tickets…</p>}>
        <ul class="queue" data-testid="queue" aria-label="Tickets">
          <For each={queue.items()}>
            {(t) => (
              <TicketRow
                projectPath={props.project.path}
                ticket={t}
                showOpenState={filter().state === 'all'}
                selectable={canRespond()}
                checked={selected().has(t.iid)}
                onCheck={(on, e) => check(t.iid, on, e)}
              />
            )}
          </For>
        </ul>
        <Show when={queue.items().length === 0}>
          <p class="empty">
            {emptyQueueText(filtered(), filter().state)}
            {/* a new project's team is told where customers write */}
            <Show when={canRespond() && !filtered() && queue.counts() && !Object.values(queue.counts() ?? {}).some(Boolean)}>
              {' '}Email to the project's address (on the <A href={serviceDeskHref(props.project.path)}>Service Desk</A> tab) becomes a ticket here.
            </Show>
          </p>
        </Show>
        <SearchElsewhere filter={filter()} counts={queue.counts()} set={set} />
        <Show when={queue.nextCursor()}>
          <button type="button" class="button" disabled={queue.loadingMore()} onClick={() => void queue.loadMore()}>
            {queue.loadingMore() ? 'Loading…' : 'Load older tickets'}
          </button>
        </Show>
      </Show>
    </section>
  );
}
