/** Admin views of mail: outbound email (status, retry now), quarantine (retry, discard), mailbox health. */
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
      <p class="muted">Without SMTP_URL, every message is written as an .eml file to DATA_DIR/outbox.</p>
      <FormError error={rows.error ? errorMessage(rows.error) : retry.error()} />
      <table class="table" data-testid="outbox">
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

export function QuarantinePanel() {
  const [rows, { refetch }] = createResource(() => api.inbound.list.query({ status: ['quarantined'], limit: 50 }));
  const retry = createAction((id: number) => api.inbound.retry.mutate({ id }));
  const discard = createAction((id: number) => api.inbound.discard.mutate({ id }));
  return (
    <section class="stack" aria-labelledby="quarantine-heading">
      <h2 id="quarantine-heading">Quarantine</h2>
      <FormError error={rows.error ? errorMessage(rows.error) : (retry.error() ?? discard.error())} />
      <Show when={rows()?.length === 0}>
        <p class="muted">No message is waiting: everything received became a ticket, a note, or a recorded rejection.</p>
      </Show>
      <Show when={(rows()?.length ?? 0) > 0}>
        <table class="table" data-testid="quarantine">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Subject</th>
              <th scope="col">Error</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(r) => (
                <tr>
                  <td class="mono">{r.from ?? '—'}</td>
                  <td>{r.subject ?? '—'}</td>
                  <td class="muted">{r.error}</td>
                  <td class="cell-actions">
                    <button type="button" class="button button-small" onClick={async () => (await retry.run(r.id)) && refetch()}>
                      Retry
                    </button>{' '}
                    <button type="button" class="button button-small button-danger" onClick={async () => (await discard.run(r.id)) && refetch()}>
                      Discard
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}

export function MailboxesPanel() {
  const [rows] = createResource(() => api.inbound.mailboxes.query());
  return (
    <Show when={(rows()?.length ?? 0) > 0}>
      <section class="stack" aria-labelledby="mailboxes-heading">
        <h2 id="mailboxes-heading">Mailboxes</h2>
        <table class="table" data-testid="mailboxes">
          <thead>
            <tr>
              <th scope="col">Mailbox</th>
              <th scope="col">State</th>
              <th scope="col">Last UID</th>
              <th scope="col">Today</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(m) => (
                <tr>
                  <td class="mono">{m.name}</td>
                  <td>
                    <span class="badge badge-soft">{m.state}</span>
                  </td>
                  <td>{m.lastUid}</td>
                  <td>{m.messagesToday}</td>
                  <td class="muted">{m.lastError ?? ''}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
    </Show>
  );
}
