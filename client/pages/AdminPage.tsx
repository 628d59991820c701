import { Navigate } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import FormError from '../components/FormError';
import NewUserForm from '../components/NewUserForm';
import { MailboxesPanel, OutboxPanel } from '../components/MailAdminPanels';
import ProjectsPanel from '../components/ProjectsPanel';
import ReceivedMailPanel from '../components/ReceivedMailPanel';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { me } from '../stores/session';

function UsersPanel() {
  const [users, { refetch }] = createResource(() => api.users.list.query({ limit: 100 }));
  const unlock = createAction((userId: number) => api.users.unlock.mutate({ userId }));
  return (
    <section class="stack-lg">
      <div class="page-head">
        <h1>Administration</h1>
      </div>
      <section class="stack" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <FormError error={users.error ? errorMessage(users.error) : unlock.error()} />
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
            <For each={users()}>
              {(u) => (
                <tr>
                  <td>{u.name}</td>
                  <td class="mono">{u.email}</td>
                  <td>{u.isAdmin ? <span class="badge badge-soft">administrator</span> : <span class="muted">user</span>}</td>
                  <td class="cell-actions">
                    <Show when={u.locked}>
                      <span class="muted">locked by failed sign-ins</span>{' '}
                      <button
                        type="button"
                        class="button button-small"
                        disabled={unlock.pending()}
                        onClick={async () => (await unlock.run(u.id)) && refetch()}
                      >
                        Unlock sign-in
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <NewUserForm onCreated={() => void refetch()} />
      <ProjectsPanel />
      <MailboxesPanel />
      <ReceivedMailPanel />
      <OutboxPanel />
    </section>
  );
}

export default function AdminPage() {
  return (
    <Show when={me()?.isAdmin} fallback={<Navigate href="/" />}>
      <UsersPanel />
    </Show>
  );
}
