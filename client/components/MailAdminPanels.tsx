/** Admin views of mail: outbound email (status, retry now) and mailbox health. */
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

function lag(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

export function MailboxesPanel() {
  const [rows] = createResource(() => api.inbound.mailboxes.query());
  return (
    <section class="stack" aria-labelledby="mailboxes-heading">
      <h2 id="mailboxes-heading">Mailboxes</h2>
      <FormError error={rows.error ? errorMessage(rows.error) : null} />
      <Show when={rows()?.length === 0}>
        <p class="muted">No IMAP mailbox is configured (<code>IMAP_MAILBOXES</code>). Mail arrives through the SMTP listener or <code>desk ingest</code>.</p>
      </Show>
      <Show when={(rows()?.length ?? 0) > 0}>
        <table class="table" data-testid="mailboxes">
          <thead>
            <tr>
              <th scope="col">Mailbox</th>
              <th scope="col">State</th>
              <th scope="col">Last UID</th>
              <th scope="col" title="Time since the mailbox last reported in">Lag</th>
              <th scope="col">Today</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(m) => (
                <tr data-state={m.state}>
                  <td class="mono">{m.name}</td>
                  <td>
                    <span class="badge badge-soft" classList={{ 'badge-danger': m.state === 'error' }}>
                      {m.state}
                    </span>
                  </td>
                  <td>
                    {m.lastUid} <span class="muted">(UIDVALIDITY {m.uidvalidity ?? '—'})</span>
                  </td>
                  <td>{lag(m.lagMs)}</td>
                  <td>{m.messagesToday}</td>
                  <td class="muted">
                    {m.lastError ?? ''}
                    <Show when={m.lastErrorAt}>{(at) => <> · {relativeTime(at())}</>}</Show>
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
