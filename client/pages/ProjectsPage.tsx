import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import FormError from '../components/FormError';
import NewProjectForm from '../components/NewProjectForm';
import { errorMessage } from '../lib/errors';
import { queueHref } from '../lib/project-route';
import { api } from '../lib/trpc';
import { me, noteAuthError } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

export default function ProjectsPage() {
  usePageTitle(() => 'Projects');
  const [projects, { refetch }] = createResource(() =>
    api.projects.list.query().catch((err: unknown) => {
      noteAuthError(err);
      throw err;
    }),
  );

  return (
    <section class="stack-lg">
      <div class="page-head">
        <h1>Projects</h1>
      </div>
      <Show when={projects.error}>
        <FormError error={errorMessage(projects.error)} />
      </Show>
      <Show when={projects()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="empty">No projects yet{me()?.isAdmin ? ': create the first one below.' : '. Ask an administrator to add you to one.'}</p>}>
            <ul class="card-list" data-testid="projects">
              <For each={list()}>
                {(p) => (
                  <li class="card-row">
                    <A href={queueHref(p.path)} class="card-link">
                      <span class="card-title">{p.name}</span>
                      <span class="muted mono">{p.path}</span>
                    </A>
                    <span class="card-meta">
                      <span class="badge">{p.visibility}</span>
                      <Show when={p.role}>{(role) => <span class="badge badge-soft">{role()}</span>}</Show>
                      <span class="count" title="Open tickets">
                        {p.openCount} open
                      </span>
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={me()?.isAdmin}>
        <NewProjectForm onCreated={() => void refetch()} />
      </Show>
    </section>
  );
}
