/**
 * Keyboard shortcuts (GitLab/Gmail style), acting on what is on screen: in the queue j/k move the
 * cursor and x, a, e, u act on the row under it; on a ticket r replies, n writes an internal note,
 * a assigns it to me, e closes or reopens it. Ignored while typing in a field.
 */
import { sayFailed } from '../stores/notifications';
import type { TicketState } from '../../shared/views';
import { runUndo, undoOffer } from '../stores/undo';
import { errorMessage } from './errors';
import { parseProjectRoute } from './project-route';
import { api } from './trpc';
import { offerUndoClose } from './undo-close';

export type Where = 'Queue' | 'Ticket' | 'Queue and ticket' | 'Anywhere';

export const SHORTCUTS: { keys: string; what: string; where: Where }[] = [
  { keys: 'j / k', what: 'Move to the next / previous ticket', where: 'Queue' },
  { keys: 'o or Enter', what: 'Open the ticket under the cursor', where: 'Queue' },
  { keys: 'x', what: 'Select the ticket under the cursor (for bulk actions; shift-click selects a range)', where: 'Queue' },
  { keys: 'u', what: 'Mark the ticket under the cursor as unread', where: 'Queue' },
  { keys: 'z', what: 'Undo the close just done (while “Closed #… · Undo” shows)', where: 'Queue and ticket' },
  { keys: 'a', what: 'Assign to me (the ticket under the cursor, or the open ticket)', where: 'Queue and ticket' },
  { keys: 'e', what: 'Close (open, pending or snoozed), or reopen a closed ticket (the ticket under the cursor, or the open ticket)', where: 'Queue and ticket' },
  { keys: 'r', what: 'Reply to the customer', where: 'Ticket' },
  { keys: 'n', what: 'Write an internal note', where: 'Ticket' },
  { keys: '/', what: 'Search the queue', where: 'Queue' },
  { keys: '?', what: 'Show these shortcuts', where: 'Anywhere' },
  { keys: 'Esc', what: 'Leave the text field (the draft or search stays as typed)', where: 'Anywhere' },
];

/** A row's change of unread state, for the queue that shows it. */
export const MARK_UNREAD_EVENT = 'threadline:mark-unread';

/** The row under the cursor, by ticket: rows are re-rendered as live events patch them. */
let cursor: { iid: string; project: string } | null = null;
/** Where the cursor's row was in the list: the row that takes its place when it leaves. */
let cursorAt = 0;

function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="ticket-row"]')];
}

/** The row under the cursor, if it is still on screen (highlighted again if it was re-rendered). */
function cursorRow(): HTMLElement | null {
  if (!cursor) return null;
  const list = rows();
  const row = list.find((r) => r.dataset.iid === cursor?.iid && r.dataset.project === cursor?.project) ?? null;
  if (row) {
    row.classList.add('ticket-row-selected');
    cursorAt = list.indexOf(row);
  }
  return row;
}

function point(list: HTMLElement[], next: HTMLElement, focus = true): void {
  cursor = { iid: next.dataset.iid ?? '', project: next.dataset.project ?? '' };
  cursorAt = list.indexOf(next);
  list.forEach((r) => r.classList.toggle('ticket-row-selected', r === next));
  // Focus goes with the cursor, so Tab and Enter carry on from this row.
  if (focus) next.querySelector<HTMLElement>('a.ticket-link')?.focus({ preventScroll: true });
}

function move(by: number): void {
  const list = rows();
  if (list.length === 0) return;
  const at = cursorRow();
  const i = at ? list.indexOf(at) + by : by > 0 ? 0 : list.length - 1;
  const next = list[Math.max(0, Math.min(list.length - 1, i))];
  if (!next) return;
  point(list, next);
  next.scrollIntoView({ block: 'nearest' });
}

/**
 * A row was taken off the screen (closed out of its tab, merged, or re-drawn by a live event).
 * If it was under the cursor, the cursor goes to the row that took its place (as in a mail
 * client after archiving), and so does focus when it went away with the row (`hadFocus`): `j`, `e`, Tab and
 * Enter carry on from there instead of from the top of the page.
 */
export function rowLeft(iid: number, project: string, hadFocus: boolean): void {
  if (cursor?.iid !== String(iid) || cursor.project !== project) return;
  queueMicrotask(() => {
    const list = rows();
    const next = cursorRow() ?? list[Math.min(cursorAt, list.length - 1)];
    if (!next) return;
    // Focus only if it left with the row: focus that fell from a button disabled while its call runs is that button's to get back.
    point(list, next, hadFocus && (!document.activeElement || document.activeElement === document.body));
  });
}

/** A keyboard action on a ticket; a refusal or a lost connection is said, not swallowed. */
function act(t: { projectPath: string; iid: number }, what: string, call: Promise<unknown>): void {
  call.catch((err: unknown) => sayFailed(`Could not ${what} #${t.iid}`, errorMessage(err), t.projectPath, t.iid));
}

function composer(internal: boolean): void {
  const box = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]');
  const toggle = document.querySelector<HTMLInputElement>('[data-testid="composer-internal"]');
  if (!box) return;
  if (toggle && toggle.checked !== internal) toggle.click();
  box.focus();
}

/** The open ticket (on a ticket page), or the row under the cursor (in a queue). */
function target(): { projectPath: string; iid: number; state: string | null; snoozedUntil: string | null; row: HTMLElement | null } | null {
  const m = /^\/p\/(.+)$/.exec(location.pathname);
  const route = m?.[1] ? parseProjectRoute(decodeURI(m[1])) : null;
  if (route?.page === 'ticket') return { projectPath: route.projectPath, iid: route.iid, state: null, snoozedUntil: null, row: null };
  const row = cursorRow();
  const iid = Number(row?.dataset.iid);
  if (!row || !iid || !row.dataset.project) return null;
  return { projectPath: row.dataset.project, iid, state: row.dataset.state ?? null, snoozedUntil: row.dataset.snoozedUntil ?? null, row };
}

export function installShortcuts(opts: { myId: () => number | null; toggleHelp: () => void }): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as HTMLElement | null;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) {
      // Escape leaves a field (a draft or a search stays as typed), unless the field used it itself.
      if (e.key === 'Escape' && !e.defaultPrevented) el.blur();
      return;
    }
    const click = (testId: string) => document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.click();
    switch (e.key) {
      case 'j':
        move(1);
        break;
      case 'k':
        move(-1);
        break;
      case 'o':
      case 'Enter': {
        // Enter on a link or button is the browser's own (the focused row's link opens once).
        if (e.key === 'Enter' && el?.closest('a,button')) return;
        const row = cursorRow();
        if (!row) return;
        row.querySelector<HTMLAnchorElement>('a.ticket-link')?.click();
        break;
      }
      case 'x':
        cursorRow()?.querySelector<HTMLInputElement>('[data-testid="row-check"]')?.click();
        break;
      case 'u': {
        const t = target();
        if (!t?.row) return;
        act(
          t,
          'mark as unread',
          api.tickets.markUnread
            .mutate({ projectPath: t.projectPath, iid: t.iid })
            .then(() => window.dispatchEvent(new CustomEvent(MARK_UNREAD_EVENT, { detail: { projectPath: t.projectPath, iid: t.iid } }))),
        );
        break;
      }
      case 'r':
        composer(false);
        break;
      case 'n':
        composer(true);
        break;
      case 'a': {
        const id = opts.myId();
        const t = target();
        if (id === null || !t) return;
        act(t, 'assign to you', api.tickets.update.mutate({ projectPath: t.projectPath, iid: t.iid, assigneeId: id }));
        break;
      }
      case 'e': {
        const t = target();
        if (!t) return;
        // Pending and snoozed tickets close too (the ticket page has a Close button beside "Back to open").
        if (!t.row) click(document.querySelector('[data-testid="close-ticket"]') ? 'close-ticket' : 'toggle-state');
        else {
          const state = t.state === 'closed' ? 'opened' : 'closed';
          const done = api.tickets.update.mutate({ projectPath: t.projectPath, iid: t.iid, state });
          act(t, state === 'closed' ? 'close' : 'reopen', done);
          // The closed row leaves the list: the line says so and can bring it back as it was.
          const before = t.state && t.state !== 'closed' ? { state: t.state as TicketState, snoozedUntil: t.snoozedUntil } : undefined;
          if (state === 'closed') void done.then(() => offerUndoClose(t.projectPath, t.iid, before), () => undefined);
        }
        break;
      }
      case 'z':
        if (!undoOffer()) return;
        void runUndo();
        break;
      case '/':
        document.querySelector<HTMLInputElement>('#queue-search')?.focus();
        break;
      case '?':
        opts.toggleHelp();
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
