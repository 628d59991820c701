import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { TicketSummary } from '../../shared/views';
import { ticketHref } from '../lib/project-route';
import { fullTime, relativeTime } from '../lib/relative-time';
import { CommentIcon, LockIcon } from './Icons';
import PresenceLine from './PresenceLine';
import { isUnread } from '../stores/queue-patch';
import { personLabel } from '../lib/person';

export function requesterName(t: Pick<TicketSummary, 'externalAuthor' | 'externalAuthorName' | 'author'>): string {
  return t.externalAuthor ? personLabel(t.externalAuthor, t.externalAuthorName) : (t.author?.name ?? 'unknown');
}

export default function TicketRow(props: { projectPath: string; ticket: TicketSummary; showProject?: boolean }) {
  const t = () => props.ticket;
  return (
    <li class="ticket-row" classList={{ 'ticket-row-unread': isUnread(t()) }} data-testid="ticket-row" data-iid={t().iid} data-state={t().state} data-unread={String(isUnread(t()))}>
      <div class="ticket-main">
        <div class="ticket-line">
          <Show when={isUnread(t())}>
            <span class="unread-dot" title="New activity since you last read it" aria-label="Unread" />
          </Show>
          <A class="ticket-link" href={ticketHref(props.projectPath, t().iid)}>
            {t().title}
          </A>
          <Show when={t().confidential}>
            <span class="badge badge-confidential" title="Confidential: only reporters and up can see it">
              <LockIcon /> Confidential
            </span>
          </Show>
          <Show when={t().state === 'closed'}>
            <span class="badge badge-closed">Closed</span>
          </Show>
          <For each={t().labels}>{(label) => <span class="label">{label}</span>}</For>
          <PresenceLine iid={t().iid} compact />
        </div>
        <div class="ticket-meta">
          <Show when={props.showProject}>
            <span class="mono" data-testid="row-project">{props.projectPath}</span>{' '}
          </Show>
          <span class="mono">#{t().iid}</span> · {requesterName(t())}
          <Show when={t().externalAuthor}>
            <span class="muted"> (external)</span>
          </Show>{' '}
          · <time datetime={t().lastActivityAt} title={fullTime(t().lastActivityAt)}>{relativeTime(t().lastActivityAt)}</time>
        </div>
      </div>
      <div class="ticket-side">
        <span class="assignee" classList={{ muted: !t().assignee }}>
          {t().assignee?.name ?? 'Unassigned'}
        </span>
        <span class="note-count" title={`${t().noteCount} public replies`}>
          <CommentIcon /> {t().noteCount}
        </span>
      </div>
    </li>
  );
}
