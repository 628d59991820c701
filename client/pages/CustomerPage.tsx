/** `/customers/<id>`: a customer, the team's notes about them and all their tickets the viewer may see. */
import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import type { CustomerTicket } from '../../shared/views';
import { CustomerNotes } from '../components/CustomerPanel';
import FormError from '../components/FormError';
import TicketRow from '../components/TicketRow';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { usePageTitle } from '../lib/page-title';

export default function CustomerPage() {
  const params = useParams<{ id: string }>();
  const [more, setMore] = createSignal<CustomerTicket[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [page] = createResource(
    () => Number(params.id),
    async (id) => {
      const p = await api.customers.get.query({ id });
      setMore([]);
      setCursor(p.nextCursor);
      return p;
    },
  );
  // A resource that failed throws when read: the error is checked first.
  usePageTitle(() => (page.error ? 'Customer' : (page()?.customer.name ?? page()?.customer.email ?? 'Customer')));
  async function loadMore() {
    const c = cursor();
    if (!c) return;
    const next = await api.customers.get.query({ id: Number(params.id), cursor: c });
    setMore((list) => [...list, ...next.tickets]);
    setCursor(next.nextCursor);
  }
  return (
    <section class="stack">
      <Show when={page.error}>
        <div class="empty">
          <FormError error={errorMessage(page.error)} />
          <A href="/">Back to your projects</A>
        </div>
      </Show>
      <Show when={page()}>
        {(p) => (
          <>
            <div class="page-head">
              <div>
                <h1 data-testid="customer-name">{p().customer.name ?? p().customer.email}</h1>
                <p class="muted">
                  <span data-testid="customer-email">{p().customer.email}</span>
                  <Show when={p().customer.organization}> · {p().customer.organization}</Show>
                </p>
              </div>
            </div>
            <div class="panel">
              <CustomerNotes customer={p().customer} />
            </div>
            <h2>Tickets</h2>
            <ul class="queue" data-testid="customer-tickets">
              <For each={[...p().tickets, ...more()]}>{(t) => <TicketRow projectPath={t.projectPath} ticket={t.ticket} showProject />}</For>
            </ul>
            <Show when={cursor()}>
              <button type="button" class="button" onClick={() => void loadMore()}>
                Load older tickets
              </button>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
