/**
 * A search covers every state (shared/queue-filter.ts `defaultState`); once narrowed to one tab,
 * the queue still says how many matches the other states hold and offers them in one click. The
 * tab counts already follow the search.
 */
import type { StateFilter } from '../../shared/queue-filter';
import type { QueueCounts } from '../stores/count-patch';

export interface Elsewhere {
  /** matches outside the current tab */
  total: number;
  /** the other states that hold matches, in tab order, with their counts */
  states: { state: Exclude<StateFilter, 'all'>; count: number }[];
}

const ORDER = ['opened', 'pending', 'snoozed', 'closed'] as const;

/** What a search on tab `state` leaves in the other tabs; null when nothing (or not a search). */
export function searchElsewhere(search: string, state: StateFilter, counts: QueueCounts | null): Elsewhere | null {
  if (!search.trim() || state === 'all' || !counts) return null;
  const states = ORDER.filter((s) => s !== state && counts[s] > 0).map((s) => ({ state: s, count: counts[s] }));
  if (states.length === 0) return null;
  return { total: states.reduce((n, s) => n + s.count, 0), states };
}
