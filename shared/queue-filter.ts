/**
 * The queue's filters as the URL carries them (shareable, kept on reload), and the inputs of
 * `tickets.list` and `tickets.counts` they make: one definition for the browser and for the
 * server, which answers a queue's first page with the page itself (shared/preload.ts).
 */
import type { TicketState } from './views';

export type StateFilter = TicketState | 'all';
export type AssigneeFilter = 'any' | 'me' | 'none';
export type SortOrder = 'activity' | 'newest' | 'waiting';
export type ConfidentialFilter = 'any' | 'yes' | 'no';

export interface QueueFilter {
  state: StateFilter;
  search: string;
  assignee?: AssigneeFilter;
  sort?: SortOrder;
  /** label name, matched case-insensitively as the server does; empty for any */
  label?: string;
  confidential?: ConfidentialFilter;
  /** the customer picker: `alice@x.com` or `@x.com`; empty for anyone */
  customer?: string;
  /** the signed-in user, for "assigned to me" */
  myId?: number;
}

/**
 * The state tab a queue shows when the URL names none: Open, but every state while searching, as
 * Help Scout and Front search everything; a tab clicked during a search narrows it.
 */
export function defaultState(search: string): StateFilter {
  return search.trim() ? 'all' : 'opened';
}

/** The filter a queue URL's parameters ask for; `param` reads one (empty when absent). */
export function parseQueueParams(param: (name: string) => string, canSeeConfidential: boolean): Required<Omit<QueueFilter, 'myId'>> {
  const s = param('state');
  const a = param('assignee');
  const o = param('sort');
  const c = param('confidential');
  const search = param('search');
  return {
    state: s === 'opened' || s === 'closed' || s === 'pending' || s === 'snoozed' || s === 'all' ? s : defaultState(search),
    search,
    assignee: a === 'me' || a === 'none' ? a : 'any',
    sort: o === 'newest' || o === 'waiting' ? o : 'activity',
    label: param('label'),
    confidential: canSeeConfidential && (c === 'yes' || c === 'no') ? c : 'any',
    customer: param('customer'),
  };
}

/** `tickets.counts`'s input for a project's queue under `f`. */
export function queueCountsInput(projectPath: string, f: QueueFilter) {
  return {
    projectPath,
    search: f.search.trim() || undefined,
    assignee: f.assignee && f.assignee !== 'any' ? f.assignee : undefined,
    label: f.label?.trim() || undefined,
    confidential: f.confidential === 'yes' ? true : f.confidential === 'no' ? false : undefined,
    customer: f.customer?.trim() || undefined,
  };
}

/** `tickets.list`'s input for the first page of a project's queue under `f`. */
export function queueListInput(projectPath: string, f: QueueFilter) {
  return { ...queueCountsInput(projectPath, f), state: f.state, sort: f.sort };
}
