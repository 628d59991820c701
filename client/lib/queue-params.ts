/** The queue's filters live in the URL (shareable, kept on reload); this reads and writes them. */
import { useSearchParams } from '@solidjs/router';
import { createMemo } from 'solid-js';
import { defaultState, parseQueueParams } from '../../shared/queue-filter';
import type { QueueFilter } from '../stores/queue-patch';
import { me } from '../stores/session';

function one(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export type QueueParam = 'state' | 'search' | 'assignee' | 'sort' | 'label' | 'confidential' | 'customer';

export function useQueueParams(canSeeConfidential: () => boolean) {
  const [params, setParams] = useSearchParams();
  const filter = createMemo<QueueFilter>(
    () => ({ ...parseQueueParams((name) => one(params[name]), canSeeConfidential()), myId: me()?.id ?? 0 }),
    { state: 'opened', search: '' },
    {
      equals: (a, b) =>
        a.state === b.state &&
        a.search === b.search &&
        a.assignee === b.assignee &&
        a.sort === b.sort &&
        a.label === b.label &&
        a.confidential === b.confidential &&
        a.customer === b.customer &&
        a.myId === b.myId,
    },
  );
  /**
   * Sets filters; a default value removes the parameter, so clean URLs stay clean. The state's
   * default follows the search (every state while searching), so a tab that became the default
   * when the search changed leaves the URL too.
   */
  const set = (changes: Partial<Record<QueueParam, string | undefined>>, replace = false) => {
    const search = 'search' in changes ? (changes.search ?? '') : filter().search;
    const defaults: Record<QueueParam, string> = { state: defaultState(search), search: '', assignee: 'any', sort: 'activity', label: '', confidential: 'any', customer: '' };
    const next: Partial<Record<QueueParam, string | undefined>> = {};
    for (const [k, v] of Object.entries(changes) as [QueueParam, string | undefined][]) next[k] = v === undefined || v === defaults[k] ? undefined : v;
    if (!('state' in changes) && filter().state === defaults.state) next.state = undefined;
    setParams(next, { replace });
  };
  const filtered = () => {
    const f = filter();
    return !!(f.search.trim() || f.label || f.assignee !== 'any' || f.confidential !== 'any' || f.customer);
  };
  return { filter, set, filtered };
}
