import { A, useNavigate } from '@solidjs/router';
import { createAction } from '../lib/action';
import { api } from '../lib/trpc';
import { For, Match, onCleanup, Show, Switch } from 'solid-js';
import { CAN } from '../../shared/roles';
import type { ProjectView, TicketDetail } from '../../shared/views';
import AssigneePicker from '../components/AssigneePicker';
import Composer, { latestPublicNoteId } from '../components/Composer';
import FormError from '../components/FormError';
import RecheckOnReturn from '../components/RecheckOnReturn';
import { LockIcon } from '../components/Icons';
import LabelsEditor from '../components/LabelsEditor';
import PresenceLine from '../components/PresenceLine';
import ParticipantsEditor from '../components/ParticipantsEditor';
import OriginalEmail from '../components/OriginalEmail';
import NoteItem from '../components/NoteItem';
import StateToggle from '../components/StateToggle';
import ConfidentialToggle from '../components/ConfidentialToggle';
import CustomerLinksControl from '../components/CustomerLinksControl';
import CcNotAdded from '../components/CcNotAdded';
import { personLabel } from '../lib/person';
import { customerHref, queueHref, serviceDeskHref, ticketHref } from '../lib/project-route';
import MergeBox from '../components/MergeBox';
import CustomerPanel from '../components/CustomerPanel';
import { duration } from '../lib/duration';
import { stateLabel } from '../lib/state-label';
import { fullTime } from '../lib/local-time';
import { relativeTime } from '../lib/relative-time';
import { createTicketView } from '../stores/ticket';
import { usePageTitle } from '../lib/page-title';

function Requester(props: { ticket: TicketDetail }) {
  return (
    <Show when={props.ticket.externalAuthor} fallback={<strong>{props.ticket.author?.name ?? 'Someone'}</strong>}>
      <Show when={props.ticket.customer} fallback={<strong>{personLabel(props.ticket.externalAuthor as string, props.ticket.externalAuthorName)} (external participant)</strong>}>
        {(c) => (
          <strong data-testid="requester">
            <A href={customerHref(c().id)}>{c().name ?? c().email}</A>
            <Show when={c().name}> &lt;{c().email}&gt;</Show> (external participant)
          </strong>
        )}
      </Show>
    </Show>
  );
}

/** First-response and resolution times, once there are any. */
function Timings(props: { ticket: TicketDetail }) {
  const since = (iso: string | null) => (iso ? duration(Date.parse(iso) - Date.parse(props.ticket.createdAt)) : null);
  return (
    <Show when={props.ticket.firstResponseAt || props.ticket.closedAt}>
      <span class="muted" data-testid="ticket-timings">
        <Show when={since(props.ticket.firstResponseAt)}>{(d) => <>First response in {d()}</>}</Show>
        <Show when={props.ticket.firstResponseAt && props.ticket.closedAt}> · </Show>
        <Show when={since(props.ticket.closedAt)}>{(d) => <>Resolved in {d()}</>}</Show>
      </span>
    </Show>
  );
}

function Header(props: { ticket: TicketDetail }) {
  const t = () => props.ticket;
  return (
    <header class="ticket-header">
      <h1 class="ticket-title">
        <span data-testid="ticket-title">{t().title}</span> <span class="muted mono">#{t().iid}</span>
      </h1>
      <div class="ticket-badges">
        <span class={`badge badge-state badge-${t().state}`} data-testid="ticket-state" data-state={t().state}>
          {stateLabel(t().state)}
        </span>
        <Show when={t().confidential}>
          <span class="badge badge-confidential" title="Only reporters and up can see this ticket">
            <LockIcon /> Confidential
          </span>
        </Show>
        <span class="muted">
          Opened by <Requester ticket={t()} />{' '}
          <time datetime={t().createdAt} title={fullTime(t().createdAt)}>
            {relativeTime(t().createdAt)}
          </time>
        </span>
        <Timings ticket={t()} />
        <PresenceLine iid={t().iid} />
      </div>
    </header>
  );
}

/** Back to the queue with this ticket unread again (like leaving an email unread). */
function MarkUnread(props: { projectPath: string; iid: number }) {
  const navigate = useNavigate();
  const action = createAction(() => api.tickets.markUnread.mutate({ projectPath: props.projectPath, iid: props.iid }));
  return (
    <div class="side-block">
      <button
        type="button"
        class="button button-quiet button-small"
        data-testid="mark-unread"
        disabled={action.pending()}
        onClick={async () => {
          if (await action.run()) navigate(queueHref(props.projectPath));
        }}
      >
        Mark as unread
      </button>
      <FormError error={action.error()} />
    </div>
  );
}

function Sidebar(props: { project: ProjectView; ticket: TicketDetail; canRespond: boolean; onUpdated(t: TicketDetail): void }) {
  return (
    <aside class="ticket-side-panel stack" aria-label="Ticket details">
      <Show when={props.ticket.customerDetail}>
        {(c) => <CustomerPanel projectPath={props.project.path} iid={props.ticket.iid} customer={c()} />}
      </Show>
      <Show
        when={props.canRespond && props.ticket.mergedInto === null}
        fallback={
          <div class="side-block">
            <span class="side-title">Assignee</span>
            <span>{props.ticket.assignee?.name ?? 'Unassigned'}</span>
          </div>
        }
      >
        <AssigneePicker projectPath={props.project.path} ticket={props.ticket} onUpdated={props.onUpdated} />
        <LabelsEditor projectPath={props.project.path} ticket={props.ticket} onUpdated={props.onUpdated} />
        <StateToggle projectPath={props.project.path} ticket={props.ticket} onUpdated={props.onUpdated} />
        <ConfidentialToggle projectPath={props.project.path} ticket={props.ticket} onUpdated={props.onUpdated} />
        <MergeBox projectPath={props.project.path} ticket={props.ticket} />
      </Show>
      <Show when={!props.canRespond && props.ticket.labels.length > 0}>
        <div class="side-block">
          <span class="side-title">Labels</span>
          <div class="labels">
            <For each={props.ticket.labels}>{(l) => <span class="label">{l}</span>}</For>
          </div>
        </div>
      </Show>
      <MarkUnread projectPath={props.project.path} iid={props.ticket.iid} />
      <ParticipantsEditor
        projectPath={props.project.path}
        ticket={props.ticket}
        canEdit={props.canRespond}
        onChanged={(participants) => props.onUpdated({ ...props.ticket, participants })}
      />
      <Show when={props.canRespond && props.ticket.externalAuthor}>
        <CustomerLinksControl projectPath={props.project.path} iid={props.ticket.iid} />
      </Show>
    </aside>
  );
}

export default function TicketPage(props: { project: ProjectView; iid: number; recheck(): void }) {
  const view = createTicketView(props.project.path, props.iid);
  usePageTitle(() => {
    const t = view.ticket();
    return t ? `#${t.iid} ${t.title}` : '';
  });
  const canRespond = () => props.project.access >= CAN.respond;
  // Leaving "Ticket not found." (for the queue, say): the project is read again, so a role raised
  // meanwhile is not left at the level the error page had.
  onCleanup(() => view.error() && !view.ticket() && props.recheck());

  return (
    <Switch>
      <Match when={view.hidden()}>
        <div class="notice" role="alert" data-testid="ticket-hidden">
          <p>You can no longer see this ticket.</p>
          <A href={queueHref(props.project.path)}>Back to the queue</A>
        </div>
      </Match>
      <Match when={view.ticket()}>
        {(ticket) => (
          <article class="ticket-layout">
            <div class="ticket-thread stack">
              <Header ticket={ticket()} />
              <FormError error={view.error()} />
              <Show when={canRespond() && ticket().state === 'closed' && ticket().waitingSince}>
                <p class="notice" data-testid="replied-closed-notice">
                  The customer wrote after this ticket was closed; it stays closed unless “Reopen closed tickets when the customer writes” is on (
                  <A href={serviceDeskHref(props.project.path)}>Service Desk</A> tab). Reopen it, or reply.
                </p>
              </Show>
              <Show when={ticket().mergedInto}>
                {(into) => (
                  <p class="notice" data-testid="merged-banner">
                    This ticket was merged into{' '}
                    <A href={ticketHref(props.project.path, into())} data-testid="merged-into-link">
                      #{into()}
                    </A>
                    : its conversation goes on there.
                  </p>
                )}
              </Show>
              <ol class="thread" aria-label="Conversation">
                <li class="note note-description">
                  <header class="note-head">
                    <Requester ticket={ticket()} />
                    <span class="muted">opened this ticket</span>
                  </header>
                  <Show when={ticket().descriptionHtml} fallback={<div class="note-body muted" data-testid="ticket-description">No description.</div>}>
                    {/* Rendered and sanitised by the server (server/domain/notes/markdown.ts). */}
                    <div class="note-body markdown" data-testid="ticket-description" innerHTML={ticket().descriptionHtml} />
                  </Show>
                  <CcNotAdded emails={ticket().ccNotAdded} />
                  <Show when={ticket().fromEmail && canRespond()}>
                    <OriginalEmail projectPath={props.project.path} iid={props.iid} ccNotAdded={ticket().ccNotAdded} />
                  </Show>
                </li>
                <For each={ticket().notes}>
                  {(n) => (
                    <NoteItem
                      note={n}
                      projectPath={props.project.path}
                      iid={props.iid}
                      canSeeEmail={canRespond()}
                      participants={ticket().participants}
                      onParticipantsChanged={(participants) => view.applyAnswer({ ...ticket(), participants })}
                    />
                  )}
                </For>
              </ol>
              <Show when={canRespond() && ticket().mergedInto === null}>
                <Composer
                  projectPath={props.project.path}
                  iid={props.iid}
                  hasParticipants={ticket().participants.length > 0}
                  recipients={ticket().participants.filter((p) => !p.unsubscribed).map((p) => p.email)}
                  closed={ticket().state === 'closed'}
                  latestPublicNoteId={() => latestPublicNoteId(ticket().notes)}
                  savedRepliesVersion={view.savedRepliesVersion}
                  onPosted={view.addNote}
                />
              </Show>
            </div>
            <Sidebar project={props.project} ticket={ticket()} canRespond={canRespond()} onUpdated={view.applyAnswer} />
          </article>
        )}
      </Match>
      <Match when={view.error()}>
        <div class="empty">
          <FormError error={view.error()} />
          <A href={queueHref(props.project.path)}>Back to the queue</A>
          <RecheckOnReturn run={props.recheck} />
        </div>
      </Match>
      <Match when={true}>
        <p class="muted">Loading ticket…</p>
      </Match>
    </Switch>
  );
}
