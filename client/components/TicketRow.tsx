import { A } from '@solidjs/router';
import { For, onCleanup, Show } from 'solid-js';
import type { TicketSummary } from '../../shared/views';
import { customerHref, ticketHref } from '../lib/project-route';
import { fullTime } from '../lib/local-time';
import { elapsedSince, relativeTime, waitLevel } from '../lib/relative-time';
import { CommentIcon, LockIcon } from './Icons';
import PresenceLine from './PresenceLine';
import { isUnread } from '../stores/queue-patch';
import { personLabel } from '../lib/person';
import { stateLabel } from '../lib/state-label';
import { rowLeft } from '../lib/shortcuts';

/** Who the ticket is for: the customer's name, else their address (with the mail's name), else the responder who opened it. */
export function requesterName(t: Pick<TicketSummary, 'externalAuthor' | 'externalAuthorName' | 'author' | 'customer'>): string {
  if (t.customer?.name) return t.customer.name;
  return t.externalAuthor ? personLabel(t.externalAuthor, t.externalAuthorName) : (t.customer?.email ?? t.author?.name ?? 'unknown');
}

/**
 * Waiting on us: the customer's last message has no public reply, and the ticket is open, or
 * closed (they wrote after the close, which leaves it closed unless the project reopens).
 */
export function waitingFor(t: TicketSummary): string | null {
  return (t.state === 'opened' || t.state === 'closed') && t.waitingSince ? elapsedSince(t.waitingSince) : null;
}

export default function TicketRow(props: {
  projectPath: string;
  ticket: TicketSummary;
  showProject?: boolean;
  /** the list mixes states (the All tab, a search): Open is named too */
  showOpenState?: boolean;
  selectable?: boolean;
  checked?: boolean;
  onCheck?(checked: boolean, e: MouseEvent): void;
}) {
  const t = () => props.ticket;
  // Read now: at cleanup the page that passed these props may be gone (a stale read).
  const iid = t().iid;
  const projectPath = props.projectPath;
  let row: HTMLLIElement | undefined;
  // Runs before the row leaves the page, so it still knows whether focus was in it.
  onCleanup(() => rowLeft(iid, projectPath, !!row?.contains(document.activeElement)));
  return (
    <li
      ref={row}
      class="ticket-row"
      classList={{ 'ticket-row-unread': isUnread(t()), 'ticket-row-checked': !!props.checked }}
      data-testid="ticket-row"
      data-iid={t().iid}
      data-project={props.projectPath}
      data-state={t().state}
      data-snoozed-until={t().snoozedUntil ?? undefined}
      data-unread={String(isUnread(t()))}
    >
      <Show when={props.selectable}>
        <input
          type="checkbox"
          class="row-check"
          data-testid="row-check"
          aria-label={`Select #${t().iid}`}
          checked={!!props.checked}
          onClick={(e) => props.onCheck?.(e.currentTarget.checked, e)}
        />
      </Show>
      <div class="ticket-main">
        <div class="ticket-line">
          <Show when={isUnread(t())}>
            <span class="unread-dot" title="New activity since you last read it" aria-label="Unread" />
          </Show>
          <A class="ticket-link" href={ticketHref(props.projectPath, t().iid)}>
            {t().title}
          </A>
          <Show when={t().state !== 'opened' || props.showOpenState}>
            <span class={`badge badge-${t().state}`} data-testid="row-state" title={t().snoozedUntil ? `Snoozed until ${fullTime(t().snoozedUntil ?? '')}` : undefined}>
              {stateLabel(t().state)}
            </span>
          </Show>
          <Show when={t().confidential}>
            <span class="badge badge-confidential" title="Confidential: only reporters and up can see it">
              <LockIcon /> Confidential
            </span>
          </Show>
          <For each={t().labels}>{(label) => <span class="label">{label}</span>}</For>
          <PresenceLine iid={t().iid} compact />
        </div>
        <div class="ticket-meta">
          <Show when={props.showProject}>
            <span class="mono" data-testid="row-project">{props.projectPath}</span>{' '}
          </Show>
          <span class="mono">#{t().iid}</span> ·{' '}
          <Show when={t().customer} fallback={<span data-testid="row-customer">{requesterName(t())}</span>}>
            {(c) => (
              <>
                <A href={customerHref(c().id)} class="row-customer" data-testid="row-customer" title={c().email}>
                  {requesterName(t())}
                </A>
                <Show when={c().name}>
                  {' '}
                  <span class="muted row-email">{c().email}</span>
                </Show>
              </>
            )}
          </Show>
          <Show when={!t().customer && t().externalAuthor}>
            <span class="muted"> (external)</span>
          </Show>{' '}
          · <time datetime={t().lastActivityAt} title={fullTime(t().lastActivityAt)}>{relativeTime(t().lastActivityAt)}</time>
        </div>
        <Show when={t().preview}>
          <div class="ticket-preview" data-testid="row-preview">
            {t().preview}
          </div>
        </Show>
      </div>
      <div class="ticket-side">
        <Show when={waitingFor(t())}>
          {(w) => (
            <span
              class={`waiting waiting-${waitLevel(t().waitingSince ?? '')}`}
              data-testid="row-waiting"
              title={`The customer has waited for our reply since ${fullTime(t().waitingSince ?? '')}`}
            >
              {t().state === 'closed' ? 'Wrote after close: waiting' : 'Waiting'} {w()}
            </span>
          )}
        </Show>
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
