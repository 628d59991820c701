/** Microsoft Graph (Exchange Online) mailboxes: their live health, and add, edit, pause, resume, remove. */
import { createSignal, For, Show } from 'solid-js';
import type { GraphMailboxView, MailSettingsView } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { relativeTime } from '../../lib/relative-time';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import EnvBadge from './EnvBadge';
import GraphMailboxForm from './GraphMailboxForm';
import { lag } from './MailboxesEditor';

function state(m: GraphMailboxView): string {
  if (m.paused) return 'paused';
  return m.health?.state ?? 'starting';
}

export default function GraphMailboxesEditor(props: { view: MailSettingsView; onSaved(v: MailSettingsView): void }) {
  const [editing, setEditing] = createSignal<'new' | GraphMailboxView | null>(null);
  const [confirmRemove, setConfirmRemove] = createSignal<number | null>(null);
  const pause = createAction((id: number, paused: boolean) => api.mailSettings.pauseGraphMailbox.mutate({ id, paused }));
  const remove = createAction((id: number) => api.mailSettings.removeGraphMailbox.mutate({ id }));
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
    <section class="panel stack" aria-labelledby="graph-mailboxes-heading">
      <h3 id="graph-mailboxes-heading">Mailboxes (Microsoft Graph)</h3>
      <p class="muted">
        Exchange Online mailboxes read through Microsoft Graph: a delta query on the inbox every few seconds, sooner when Graph's change notifications reach this server's public URL. A message is marked
        read (and moved, if asked) only after it became a ticket or a note. Mail already in the inbox when it is added: by default unread messages become tickets and read ones are left
        alone until someone marks them unread; each mailbox can take all of it, or none.
      </p>
      <Show when={props.view.graphMailboxes.length === 0}>
        <p class="muted">No Microsoft Graph mailbox yet.</p>
      </Show>
      <Show when={props.view.graphMailboxes.length > 0}>
        <table class="table" data-testid="graph-mailboxes">
          <thead>
            <tr>
              <th scope="col">Mailbox</th>
              <th scope="col">Exchange mailbox</th>
              <th scope="col">State</th>
              <th scope="col" title="Change notifications wake the poller; otherwise it polls alone">Push</th>
              <th scope="col" title="Time since the mailbox last reported in">Lag</th>
              <th scope="col">Last success</th>
              <th scope="col">Today</th>
              <th scope="col">Last error</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            <For each={props.view.graphMailboxes}>
              {(m) => (
                <tr data-testid="graph-mailbox-row" data-name={m.name} data-state={state(m)}>
                  <td>
                    <span class="mono">{m.name}</span> <Show when={m.source === 'env'}><EnvBadge variable="GRAPH_MAILBOX" /></Show>
                  </td>
                  <td class="mono">{m.mailbox}</td>
                  <td>
                    <span class="badge badge-soft" classList={{ 'badge-danger': state(m) === 'error' }} data-testid="graph-mailbox-state">
                      {state(m)}
                    </span>
                  </td>
                  <td>{m.notifications ? 'on' : `every ${m.pollSeconds} s`}</td>
                  <td>{m.health ? lag(m.health.lagMs) : '—'}</td>
                  <td>{m.health?.lastSuccessAt ? relativeTime(m.health.lastSuccessAt) : '—'}</td>
                  <td data-testid="graph-mailbox-today">{m.health?.messagesToday ?? 0}</td>
                  <td class="muted" data-testid="graph-mailbox-error">
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
        <GraphMailboxForm editing={null} onSaved={done} onCancel={() => setEditing(null)} />
      </Show>
      <Show when={edited()} keyed>
        {(m) => <GraphMailboxForm editing={m} onSaved={done} onCancel={() => setEditing(null)} />}
      </Show>
      <Show when={editing() === null}>
        <div>
          <button type="button" class="button" data-testid="graph-mailbox-add" onClick={() => setEditing('new')}>
            Add Microsoft Graph mailbox
          </button>
        </div>
      </Show>
    </section>
  );
}
