/** Admin view of outbound email: status, retry now. (Mailbox health is in the mail settings.) */
import { createResource, For, Show } from 'solid-js';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { relativeTime } from '../lib/relative-time';
import { api } from '../lib/trpc';
import FormError from './FormError';

export function OutboxPanel() {
  const [rows, { refetch }] = createResource(() => api.outbox.list.query({ limit: 50 }));
  const retry = createAction((id: number) => api.outbox.retry.mutate({ id }));
  return (
    <section class="stack" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">Outgoing email</h2>
      <p class="muted">Without an SMTP server (Mail settings, or SMTP_URL), every message is written as an .eml file to DATA_DIR/outbox.</p>
      <FormError error={rows.error ? errorMessage(rows.error) : retry.error()} />
      <Show when={rows()?.length === 0}>
        <p class="muted">No email has been queued yet.</p>
      </Show>
      <table class="table" data-testid="outbox" hidden={(rows()?.length ?? 0) === 0}>
        <thead>
          <tr>
            <th scope="col">To</th>
            <th scope="col">Subject</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Last error</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          <For each={rows()}>
            {(r) => (
              <tr data-status={r.status}>
                <td class="mono">{r.to}</td>
                <td>{r.subject}</td>
                <td>{r.kind}</td>
                <td>
                  <span class="badge badge-soft">{r.status}</span> <span class="muted">{r.attempts} tries · {relativeTime(r.createdAt)}</span>
                </td>
                <td class="muted">{r.lastError ?? ''}</td>
                <td class="cell-actions">
                  <Show when={r.status !== 'sent'}>
                    <button type="button" class="button button-small" onClick={async () => (await retry.run(r.id)) && refetch()}>
                      Retry now
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
