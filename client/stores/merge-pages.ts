/**
 * Merges several cursor-paged lists into one ordered list. A row is shown only once every list
 * that still has older pages has loaded past it; otherwise a later page could bring a row that
 * belongs above rows already shown.
 */
import type { TicketSummary } from '../../shared/views';
import { orderFor, type SortOrder } from './queue-patch';

export interface PagedList {
  key: string;
  items: TicketSummary[];
  hasMore: boolean;
}

export interface MergedPage {
  rows: { key: string; item: TicketSummary }[];
  /** the lists with older pages still to load */
  pending: string[];
}

export function mergePages(lists: PagedList[], sort: SortOrder): MergedPage {
  const order = orderFor(sort);
  const pending = lists.filter((l) => l.hasMore).map((l) => l.key);
  // The earliest "last loaded row" among unfinished lists: rows after it are not safe to show.
  let limit: TicketSummary | null = null;
  for (const l of lists) {
    if (!l.hasMore) continue;
    const last = l.items[l.items.length - 1];
    if (!last) return { rows: [], pending };
    if (!limit || order(last, limit) < 0) limit = last;
  }
  const all = lists.flatMap((l) => l.items.map((item) => ({ key: l.key, item }))).sort((a, b) => order(a.item, b.item));
  const bound = limit;
  return { rows: bound ? all.filter((r) => order(r.item, bound) <= 0) : all, pending };
}
