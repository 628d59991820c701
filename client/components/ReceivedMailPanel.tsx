/**
 * Every received message by outcome, quarantine first: an admin reads why a message failed (its
 * error and its stored source) and retries or discards it.
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { relativeTime } from '../lib/relative-time';
import { api } from '../lib/trpc';
import FormError from './FormError';

const STATUSES = ['quarantined', 'pending', 'ticket', 'note', 'ignored', 'rejected', 'unsubscribed', 'duplicate', 'discarded'] as const;
type Status = (typeof STATUSES)[number];

function Source(props: { id: number }) {
  const [msg] = createResource(() => props.id, (id) => api.inbound.get.query({ id }));
  return (
    <div class="stack" data-testid="inbound-source">
      <FormError error={msg.error ? errorMessage(msg.error) : null} />
      <Show when={msg()}>
        {(m) => (
          <>
            <p class="muted">
              {m().size} bytes via <code class="mono">{m().source}</code>
              {m().messageId ? <> · <code class="mono">{m().messageId}</code></> : null}
              {m().raw ? '' : ' · the stored message is missing'}
            </p>
            <Show when={m().raw}>
              {(src) => (
                <>
                  <pre class="raw-source">{src().text}</pre>
                  <Show when={src().truncated}>
                    <p class="muted">Only the start of the message is shown.</p>
                  </Show>
                </>
              )}
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

export default function ReceivedMailPanel() {
  const [status, setStatus] = createSignal<Status>('quarantined');
  const [rows, { refetch }] = createResource(status, (s) => api.inbound.list.query({ status: [s], limit: 50 }));
  const [open, setOpen] = createSignal<number | null>(null);
  const retry = createAction((id: number) => api.inbound.retry.mutate({ id }));
  const discard = createAction((id: number) => api.inbound.discard.mutate({ id }));
  return (
    <section class="stack" aria-labelledby="received-heading">
      <div class="page-head">
        <h2 id="received-heading">{status() === 'quarantined' ? 'Quarantine' : 'Received mail'}</h2>
        <label class="field-inline">
          <span class="muted">Outcome</span>
          <select data-testid="inbound-status" value={status()} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
            <For each={STATUSES}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </label>
      </div>
      <FormError error={rows.error ? errorMessage(rows.error) : (retry.error() ?? discard.error())} />
      <Show when={rows()?.length === 0}>
        <p class="muted">
          {status() === 'quarantined' ? 'No message is waiting: everything received became a ticket, a note, or a recorded rejection.' : 'No messages with this outcome.'}
        </p>
      </Show>
      <Show when={(rows()?.length ?? 0) > 0}>
        <table class="table" data-testid="quarantine">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Subject</th>
              <th scope="col">{status() === 'quarantined' ? 'Error' : 'Reason'}</th>
              <th scope="col">Received</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(r) => (
                <>
                  <tr>
                    <td class="mono">{r.from ?? '—'}</td>
                    <td>{r.subject ?? '—'}</td>
                    <td class="muted">{r.error ?? r.reason ?? ''}</td>
                    <td class="muted">{r.receivedAt ? relativeTime(r.receivedAt) : ''}</td>
                    <td class="cell-actions">
                      <button type="button" class="button button-small" aria-expanded={open() === r.id} onClick={() => setOpen(open() === r.id ? null : r.id)}>
                        {open() === r.id ? 'Hide' : 'View'}
                      </button>{' '}
                      <Show when={r.status === 'quarantined'}>
                        <button type="button" class="button button-small" onClick={async () => (await retry.run(r.id)) && refetch()}>
                          Retry
                        </button>{' '}
                        <button type="button" class="button button-small button-danger" onClick={async () => (await discard.run(r.id)) && refetch()}>
                          Discard
                        </button>
                      </Show>
                    </td>
                  </tr>
                  <Show when={open() === r.id}>
                    <tr>
                      <td colSpan={5}>
                        <Source id={r.id} />
                      </td>
                    </tr>
                  </Show>
                </>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
