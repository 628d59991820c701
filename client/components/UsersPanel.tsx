/** Admin → Users: search, page, deactivate/reactivate, administrator on/off, reset link, unlock, unlink single sign-on. */
import { createResource, createSignal, For, Show } from 'solid-js';
import { ADMIN_HELP } from '../../shared/roles';
import type { AdminUserView } from '../../shared/views';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { me } from '../stores/session';
import FormError from './FormError';

const PAGE = 25;

function UserRow(props: { user: AdminUserView; onChanged(): void; onMessage(m: string | null, error?: boolean): void }) {
  const run = <A extends unknown[]>(fn: (...a: A) => Promise<unknown>, ok: string) => {
    const action = createAction(fn);
    return async (...a: A) => {
      props.onMessage(null);
      if (await action.run(...a)) {
        props.onMessage(ok);
        props.onChanged();
      } else props.onMessage(action.error(), true);
    };
  };
  const u = () => props.user;
  const deactivate = run(() => api.users.deactivate.mutate({ userId: u().id }), `${u().name} is deactivated: their sessions have ended.`);
  const reactivate = run(() => api.users.reactivate.mutate({ userId: u().id }), `${u().name} can sign in again.`);
  const setAdmin = run((isAdmin: boolean) => api.users.setAdmin.mutate({ userId: u().id, isAdmin }), `${u().name}'s role is saved.`);
  const reset = run(() => api.users.sendPasswordReset.mutate({ userId: u().id }), `A password reset link was emailed to ${u().email}.`);
  const unlock = run(() => api.users.unlock.mutate({ userId: u().id }), `${u().name} can sign in again.`);
  const unlinkSso = run(() => api.users.unlinkSso.mutate({ userId: u().id }), `${u().name}'s next single sign-on links the identity it comes with.`);
  return (
    <tr data-testid="user-row" data-email={u().email} classList={{ 'row-muted': u().deactivated }}>
      <td>{u().name}</td>
      <td class="mono">{u().email}</td>
      <td>
        {u().isAdmin ? <span class="badge badge-soft">administrator</span> : <span class="muted">user</span>}
        <Show when={u().sso}> <span class="badge badge-soft">SSO</span></Show>
        <Show when={u().deactivated}> <span class="badge badge-danger">deactivated</span></Show>
        <Show when={u().locked}> <span class="badge badge-danger">locked by failed sign-ins</span></Show>
      </td>
      <td class="cell-actions">
        <Show when={u().locked}>
          <button type="button" class="button button-small" onClick={() => void unlock()}>
            Unlock sign-in
          </button>{' '}
        </Show>
        <Show when={!u().deactivated}>
          <button type="button" class="button button-small" onClick={() => void reset()}>
            Send reset link
          </button>{' '}
          <Show when={u().sso}>
            <button
              type="button"
              class="button button-small"
              data-testid="unlink-sso"
              onClick={() =>
                confirm(
                  `Unlink ${u().name} from their single sign-on identity?\n\nUse this when their identity at the provider changed and sign-in says the account is linked to another identity. Whoever next signs in through the provider with the verified address ${u().email} gets this account: check that it is still theirs. Their sessions end now.`,
                ) && void unlinkSso()
              }
            >
              Unlink SSO
            </button>{' '}
          </Show>
          <button
            type="button"
            class="button button-small"
            onClick={() => (u().isAdmin ? confirm(`Remove administrator from ${u().name}?`) : confirm(`Make ${u().name} an administrator?\n\n${ADMIN_HELP}`)) && void setAdmin(!u().isAdmin)}
          >
            {u().isAdmin ? 'Remove admin' : 'Make admin'}
          </button>{' '}
        </Show>
        <Show
          when={u().deactivated}
          fallback={
            <Show when={u().id !== me()?.id}>
              <button
                type="button"
                class="button button-small button-danger"
                onClick={() => confirm(`Deactivate ${u().name}? They are signed out everywhere at once and cannot sign in; their tickets and notes stay.`) && void deactivate()}
              >
                Deactivate
              </button>
            </Show>
          }
        >
          <button type="button" class="button button-small" onClick={() => void reactivate()}>
            Reactivate
          </button>
        </Show>
      </td>
    </tr>
  );
}

/** `created` changes when the New user form on the same page added someone: the list is read again. */
export default function UsersPanel(props: { created: number }) {
  const [search, setSearch] = createSignal('');
  const [status, setStatus] = createSignal<'all' | 'active' | 'deactivated'>('all');
  const [cursors, setCursors] = createSignal<number[]>([0]);
  const [message, setMessage] = createSignal<{ text: string; error: boolean } | null>(null);
  const [users, { refetch }] = createResource(
    () => ({ search: search().trim() || undefined, status: status(), afterId: cursors().at(-1) ?? 0, created: props.created }),
    ({ created: _created, ...q }) => api.users.list.query({ ...q, limit: PAGE + 1 }),
  );
  const shown = () => (users() ?? []).slice(0, PAGE);
  const hasMore = () => (users()?.length ?? 0) > PAGE;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (
    <section class="stack" aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <p class="muted">{ADMIN_HELP}</p>
      <div class="toolbar">
        <label class="field field-inline">
          <span>Search</span>
          <input
            type="search"
            name="user-search"
            placeholder="name or email"
            onInput={(e) => {
              const v = e.currentTarget.value;
              clearTimeout(timer);
              timer = setTimeout(() => {
                setCursors([0]);
                setSearch(v);
              }, 200);
            }}
          />
        </label>
        <label class="field field-inline">
          <span>Show</span>
          <select
            name="user-status"
            onChange={(e) => {
              setCursors([0]);
              setStatus(e.currentTarget.value as 'all' | 'active' | 'deactivated');
            }}
          >
            <option value="all">everyone</option>
            <option value="active">active</option>
            <option value="deactivated">deactivated</option>
          </select>
        </label>
      </div>
      <FormError error={users.error ? errorMessage(users.error) : message()?.error ? message()?.text : null} />
      <Show when={message() && !message()?.error}>
        <p class="form-ok" role="status" data-testid="users-message">
          {message()?.text}
        </p>
      </Show>
      <table class="table" data-testid="users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          <For each={shown()}>{(u) => <UserRow user={u} onChanged={() => void refetch()} onMessage={(text, error) => setMessage(text ? { text, error: Boolean(error) } : null)} />}</For>
        </tbody>
      </table>
      <div class="toolbar">
        <Show when={cursors().length > 1}>
          <button type="button" class="button button-small" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous page
          </button>
        </Show>
        <Show when={hasMore()}>
          <button type="button" class="button button-small" onClick={() => setCursors((c) => [...c, shown().at(-1)?.id ?? 0])}>
            Next page
          </button>
        </Show>
      </div>
    </section>
  );
}
