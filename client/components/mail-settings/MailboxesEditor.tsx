/** IMAP mailboxes: their live health, and add, edit, pause, resume, remove. */
import { createSignal, For, Show } from 'solid-js';
import type { MailboxView, MailSettingsView } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { relativeTime } from '../../lib/relative-time';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import EnvBadge from './EnvBadge';
import MailboxForm from './MailboxForm';

export function lag(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

function state(m: MailboxView): string {
  if (m.paused) return 'paused';
  return m.health?.state ?? 'starting';
}

export default function MailboxesEditor(props: { view: MailSettingsView; onSaved(v: MailSettingsView): void }) {
  /** 'new', the mailbox being edited (as it was when Edit was clicked), or null */
  const [editing, setEditing] = createSignal<'new' | MailboxView | null>(null);
  const [confirmRemove, setConfirmRemove] = createSignal<number | null>(null);
  const pause = createAction((id: number, paused: boolean) => api.mailSettings.pauseMailbox.mutate({ id, paused }));
  const remove = createAction((id: number) => api.mailSettings.removeMailbox.mutate({ id }));
  const done = (next: MailSettingsView | undefined) => {
    if (!next) return;
    props.onSaved(next);
    setEditing(null);
    setConfirmRemove(null);
  };
  const edited = () => {
    const e = editing();
    return e !== 'new' ? e : null;
  };

  return (
    <section class="panel stack" aria-labelledby="mailboxes-heading">
      <h3 id="mailboxes-heading">Mailboxes (IMAP)</h3>
      <p class="muted">
        Each mailbox is watched with IMAP IDLE by one node at a time; a message is marked read only after it became a ticket or a note. Mail already in the folder when it is added: by
        default unread messages become tickets and read ones are left alone; each mailbox can take all of it, or none.
      </p>
      <Show when={props.view.mailboxes.length === 0}>
        <p class="muted">No IMAP mailbox yet. Mail can also arrive through the SMTP listener or <code>desk ingest</code>.</p>
      </Show>
      <Show when={props.view.mailboxes.length > 0}>
        <table class="table" data-testid="mailboxes">
          <thead>
            <tr>
              <th scope="col">Mailbox</th>
              <th scope="col">Server</th>
              <th scope="col">State</th>
              <th scope="col">Last UID</th>
              <th scope="col" title="Time since the mailbox last reported in">Lag</th>
              <th scope="col">Today</th>
              <th scope="col">Last error</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            <For each={props.view.mailboxes}>
              {(m) => (
                <tr data-testid="mailbox-row" data-name={m.name} data-state={state(m)}>
                  <td>
                    <span class="mono">{m.name}</span> <Show when={m.source === 'env'}><EnvBadge variable="IMAP_MAILBOXES" /></Show>
                  </td>
                  <td class="mono">
                    {m.username}@{m.host}:{m.port}/{m.folder}
                  </td>
                  <td>
                    <span class="badge badge-soft" classList={{ 'badge-danger': state(m) === 'error' }} data-testid="mailbox-state">
                      {state(m)}
                    </span>
                  </td>
                  <td>{m.health?.lastUid ?? '—'}</td>
                  <td>{m.health ? lag(m.health.lagMs) : '—'}</td>
                  <td>{m.health?.messagesToday ?? 0}</td>
                  <td class="muted" data-testid="mailbox-error">
                    {m.health?.lastError ?? ''}
                    <Show when={m.health?.lastErrorAt}>{(at) => <> · {relativeTime(at())}</>}</Show>
                  </td>
                  <td class="cell-actions">
                    <Show when={m.id !== null}>
                      <button type="button" class="button button-small" onClick={() => setEditing(m)}>
                        Edit
                      </button>{' '}
                      <button type="button" class="button button-small" disabled={pause.pending()} onClick={async () => done(await pause.run(m.id as number, !m.paused))}>
                        {m.paused ? 'Resume' : 'Pause'}
                      </button>{' '}
                      <Show
                        when={confirmRemove() === m.id}
                        fallback={
                          <button type="button" class="button button-small" onClick={() => setConfirmRemove(m.id)}>
                            Remove
                          </button>
                        }
                      >
                        <button type="button" class="button button-small button-danger" disabled={remove.pending()} onClick={async () => done(await remove.run(m.id as number))}>
                          Remove {m.name}
                        </button>
                      </Show>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <FormError error={pause.error() ?? remove.error()} />
      <Show when={editing() === 'new'}>
        <MailboxForm editing={null} onSaved={done} onCancel={() => setEditing(null)} />
      </Show>
      <Show when={edited()} keyed>
        {(m) => <MailboxForm editing={m} onSaved={done} onCancel={() => setEditing(null)} />}
      </Show>
      <Show when={editing() === null}>
        <div>
          <button type="button" class="button" data-testid="mailbox-add" onClick={() => setEditing('new')}>
            Add mailbox
          </button>
        </div>
      </Show>
    </section>
  );
}
