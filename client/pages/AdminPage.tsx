import { Navigate } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import FormError from '../components/FormError';
import NewUserForm from '../components/NewUserForm';
import { MailboxesPanel, OutboxPanel } from '../components/MailAdminPanels';
import ProjectsPanel from '../components/ProjectsPanel';
import ReceivedMailPanel from '../components/ReceivedMailPanel';
import { errorMessage } from '../lib/errors';
import { api } from '../lib/trpc';
import { me } from '../stores/session';

function UsersPanel() {
  const [users, { refetch }] = createResource(() => api.users.list.query({ limit: 100 }));
  return (
    <section class="stack-lg">
      <div class="page-head">
        <h1>Administration</h1>
      </div>
      <section class="stack" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <Show when={users.error}>
          <FormError error={errorMessage(users.error)} />
        </Show>
        <table class="table" data-testid="users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            <For each={users()}>
              {(u) => (
                <tr>
                  <td>{u.name}</td>
                  <td class="mono">{u.email}</td>
                  <td>{u.isAdmin ? <span class="badge badge-soft">administrator</span> : <span class="muted">user</span>}</td>
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
