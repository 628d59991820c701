/** `/p/<group/project>[/-/...]`: loads the project once and shows the queue, a ticket or members. */
import { A, useParams } from '@solidjs/router';
import { createEffect, createMemo, createResource, lazy, Match, onCleanup, Show, Switch, untrack } from 'solid-js';
import { joinPresence, setViewing } from '../stores/presence';
import { accessChanged } from '../stores/live';
import FormError from '../components/FormError';
import RecheckOnReturn from '../components/RecheckOnReturn';
import { errorMessage } from '../lib/errors';
import { auditHref, membersHref, parseProjectRoute, queueHref, serviceDeskHref } from '../lib/project-route';
import { CAN } from '../../shared/roles';
import { api } from '../lib/trpc';
import { usePageTitle } from '../lib/page-title';
import { noteAuthError } from '../stores/session';
import QueuePage from './QueuePage';
import TicketPage from './TicketPage';

// The project's other tabs load when first opened; the queue and tickets come with the app.
const AuditLog = lazy(() => import('../components/AuditLog'));
const MembersPage = lazy(() => import('./MembersPage'));
const ServiceDeskPage = lazy(() => import('./ServiceDeskPage'));

export default function ProjectPage() {
  const params = useParams<{ path: string }>();
  const route = createMemo(() => parseProjectRoute(params.path ?? ''));
  const projectPath = createMemo(() => route().projectPath);
  const ticketIid = createMemo(() => {
    const r = route();
    return r.page === 'ticket' ? r.iid : null;
  });
  const [project, { refetch }] = createResource(projectPath, (path) =>
    api.projects.get.query({ projectPath: path }).catch((err: unknown) => {
      noteAuthError(err);
      throw err;
    }),
  );

  usePageTitle(() => (project.error ? '' : (project()?.name ?? '')));
  // Responders announce where they are: the queue, or the ticket they have open.
  createEffect(() => {
    // Read only once loaded: reading a project that failed to load throws (an uncaught error in the page).
    const p = project.error ? undefined : project();
    if (!p || p.access < CAN.respond) return;
    const leave = joinPresence(p.path);
    onCleanup(leave);
  });
  createEffect(() => setViewing(ticketIid()));
  // A changed role (or a removal) ends the project's live events: read the project again, and
  // the pages below start over at the new access level (or the error says it is gone).
  createEffect(() => {
    const changed = accessChanged();
    if (changed && changed.projectPath === untrack(projectPath)) void refetch();
  });
  // From a page that follows nothing: read the project again, and start over only if the access changed.
  async function recheck() {
    const was = project.error ? null : project();
    const fresh = was && (await api.projects.get.query({ projectPath: was.path }).catch(() => null));
    if (!fresh || fresh.access !== was.access) void refetch();
  }

  return (
    <Switch>
      <Match when={project.error}>
        <section class="empty">
          <FormError error={errorMessage(project.error)} />
          <A href="/">Back to your projects</A>
          <RecheckOnReturn run={() => void refetch()} />
        </section>
      </Match>
      <Match when={project()}>
        {(p) => (
          <div class="stack">
            <div class="project-head">
              <div>
                <p class="crumbs">
                  <A href="/">Projects</A> <span aria-hidden="true">/</span> <span class="mono">{p().path}</span>
                </p>
                <h1 class="project-name">{p().name}</h1>
              </div>
              <nav class="tabs" aria-label="Project">
                <A href={queueHref(p().path)} class="tab" activeClass="" classList={{ 'tab-active': route().page === 'queue' || route().page === 'ticket' }}>
                  Queue
                </A>
                <Show when={p().access >= CAN.respond}>
                  <A href={serviceDeskHref(p().path)} class="tab" activeClass="" classList={{ 'tab-active': route().page === 'service-desk' }}>
                    Service Desk
                  </A>
                </Show>
                <A href={membersHref(p().path)} class="tab" activeClass="" classList={{ 'tab-active': route().page === 'members' }}>
                  Members
                </A>
                <Show when={p().access >= CAN.manageMembers}>
                  <A href={auditHref(p().path)} class="tab" activeClass="" classList={{ 'tab-active': route().page === 'audit' }}>
                    Audit log
                  </A>
                </Show>
              </nav>
            </div>
            <Show when={p()} keyed>
              <Switch fallback={<p class="empty">Page not found.</p>}>
                <Match when={route().page === 'queue'}>
                  <QueuePage project={p()} />
                </Match>
                <Match when={route().page === 'members'}>
                  <MembersPage project={p()} />
                </Match>
                <Match when={route().page === 'audit' && p().access >= CAN.manageMembers}>
                  <AuditLog showProject={false} load={(beforeId) => api.audit.project.query({ projectPath: p().path, beforeId, limit: 50 })} />
                </Match>
                <Match when={route().page === 'service-desk'}>
                  <ServiceDeskPage project={p()} />
                </Match>
                <Match when={ticketIid()} keyed>
                  {(iid) => <TicketPage project={p()} iid={iid} recheck={() => void recheck()} />}
                </Match>
              </Switch>
            </Show>
          </div>
        )}
      </Match>
      <Match when={true}>
        <p class="muted">Loading…</p>
      </Match>
    </Switch>
  );
}
