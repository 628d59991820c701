/** A saved view's filters (the API's shape) and the queue's filter (the URL's shape), both ways. */
import type { SavedViewFilters } from '../../shared/views';
import type { QueueFilter } from '../stores/queue-patch';
import type { QueueParam } from './queue-params';

export function viewToQueueFilter(v: SavedViewFilters, myId: number): QueueFilter {
  return {
    state: v.state ?? 'opened',
    search: v.search ?? '',
    assignee: v.assignee ?? 'any',
    sort: v.sort ?? 'activity',
    label: v.label ?? '',
    confidential: v.confidential === undefined ? 'any' : v.confidential ? 'yes' : 'no',
    customer: v.customer ?? '',
    myId,
  };
}

/** The current queue filter as a view saves it: defaults left out. */
export function queueFilterToView(f: QueueFilter): SavedViewFilters {
  const v: SavedViewFilters = {};
  if (f.state !== 'opened') v.state = f.state;
  if (f.search.trim()) v.search = f.search.trim();
  if (f.assignee && f.assignee !== 'any') v.assignee = f.assignee;
  if (f.sort && f.sort !== 'activity') v.sort = f.sort;
  if (f.label) v.label = f.label;
  if (f.confidential && f.confidential !== 'any') v.confidential = f.confidential === 'yes';
  if (f.customer) v.customer = f.customer;
  return v;
}

/** The URL parameters that show a view (every parameter set, so nothing of the last filter stays). */
export function viewParams(v: SavedViewFilters): Record<QueueParam, string | undefined> {
  return {
    // A view saved without a state means Open, also when it searches (a search alone means every state).
    state: v.state ?? (v.search ? 'opened' : undefined),
    search: v.search,
    assignee: v.assignee,
    sort: v.sort,
    label: v.label,
    confidential: v.confidential === undefined ? undefined : v.confidential ? 'yes' : 'no',
    customer: v.customer,
  };
}

/** Whether the queue shows exactly this view. */
export function isViewShown(v: SavedViewFilters, f: QueueFilter): boolean {
  return JSON.stringify(queueFilterToView(viewToQueueFilter(v, 0))) === JSON.stringify(queueFilterToView(f));
}

/** The count a view shows: its state's (all states added up for "all"). */
export function countFor(v: SavedViewFilters, counts: { opened: number; pending: number; snoozed: number; closed: number }): number {
  const s = v.state ?? 'opened';
  return s === 'all' ? counts.opened + counts.pending + counts.snoozed + counts.closed : counts[s];
}
