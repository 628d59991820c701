/** Admin: every project with its visibility, open tickets and Service Desk address. */
import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { errorMessage } from '../lib/errors';
import { membersHref, queueHref, serviceDeskHref } from '../lib/project-route';
import { api } from '../lib/trpc';
import FormError from './FormError';
import NewProjectForm from './NewProjectForm';

export default function ProjectsPanel() {
  const [data, { refetch }] = createResource(() =>
    Promise.all([api.projects.list.query(), api.projects.addresses.query()]).then(([projects, addresses]) => {
      const byPath = new Map(addresses.map((a) => [a.path, a]));
      return projects.map((p) => ({ ...p, address: byPath.get(p.path)?.address ?? null, enabled: byPath.get(p.path)?.enabled ?? true }));
    }),
  );
  return (
    <section class="stack" aria-labelledby="projects-heading">
      <h2 id="projects-heading">Projects</h2>
      <FormError error={data.error ? errorMessage(data.error) : null} />
      <Show when={(data()?.length ?? 0) > 0} fallback={<p class="muted">No projects yet.</p>}>
        <table class="table" data-testid="admin-projects">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Visibility</th>
              <th scope="col">Open</th>
              <th scope="col">Service Desk address</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            <For each={data()}>
              {(p) => (
                <tr>
                  <td>
                    <A href={queueHref(p.path)} class="mono">
                      {p.path}
                    </A>
                  </td>
                  <td>{p.visibility}</td>
                  <td>{p.openCount}</td>
                  <td class="mono">
                    {p.address}
                    <Show when={!p.enabled}>
                      {' '}
                      <span class="badge badge-soft">disabled</span>
                    </Show>
                  </td>
                  <td class="cell-actions">
                    <A href={membersHref(p.path)}>Members</A> · <A href={serviceDeskHref(p.path)}>Settings</A>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <NewProjectForm onCreated={() => void refetch()} />
    </section>
  );
}
