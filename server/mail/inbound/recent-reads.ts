/**
 * What a read made, kept for a short while under a key: "view original email" asks for the same
 * message twice within a second or two (the ticket page's query for the headers and the remote-image
 * count, then the framed document for the body), and each would read the stored message and parse
 * and sanitise it in a render worker. The second ask gets the first one's result (or waits for it,
 * if it is still being made). Bounded by age, by a total weight (each entry weighs at least
 * `minWeight`, so many light ones are bounded too) and by a count, oldest out first; a failed
 * read, or one `keep` refuses (a degraded result), is not kept. Expired entries are dropped by a
 * timer too, so an idle server does not hold a burst's results. Per process: with several nodes
 * the frame may reach another one, which reads itself.
 */
export interface RecentReads<T> {
  get(key: string, read: () => Promise<T>): Promise<T>;
  /** entries held (kept or still being read) */
  size(): number;
}

export interface RecentReadsOptions<T> {
  ttlMs: number;
  maxWeight: number;
  weigh(value: T): number;
  minWeight: number;
  maxEntries: number;
  /** whether a result may be kept (default: every one) */
  keep?(value: T): boolean;
  now?: () => number;
  /** runs `fn` after `ms` without keeping the process alive (tests pass their own) */
  schedule?: (fn: () => void, ms: number) => void;
}

const unrefTimer = (fn: () => void, ms: number) => {
  setTimeout(fn, ms).unref();
};

export function createRecentReads<T>(opts: RecentReadsOptions<T>): RecentReads<T> {
  const now = opts.now ?? Date.now;
  const schedule = opts.schedule ?? unrefTimer;
  const entries = new Map<string, { at: number; value: Promise<T>; weight: number }>();
  let total = 0;
  let purgeScheduled = false;
  const drop = (key: string) => {
    total -= entries.get(key)?.weight ?? 0;
    entries.delete(key);
  };
  const purge = () => {
    const at = now();
    // oldest first: the first one still fresh ends the expired ones
    for (const [k, e] of entries) {
      if (at - e.at < opts.ttlMs) break;
      drop(k);
    }
  };
  const schedulePurge = () => {
    if (purgeScheduled || entries.size === 0) return;
    purgeScheduled = true;
    schedule(() => {
      purgeScheduled = false;
      purge();
      schedulePurge();
    }, opts.ttlMs);
  };
  return {
    size: () => entries.size,
    get(key, read) {
      purge();
      const kept = entries.get(key);
      if (kept) return kept.value;
      while (entries.size >= opts.maxEntries) drop(entries.keys().next().value as string);
      const entry = { at: now(), value: read(), weight: 0 };
      entries.set(key, entry);
      schedulePurge();
      entry.value.then(
        (value) => {
          if (entries.get(key) !== entry) return;
          if (opts.keep && !opts.keep(value)) return drop(key);
          entry.weight = Math.max(opts.minWeight, opts.weigh(value));
          total += entry.weight;
          for (const k of entries.keys()) {
            if (total <= opts.maxWeight) break;
            drop(k);
          }
        },
        () => {
          if (entries.get(key) === entry) drop(key);
        },
      );
      return entry.value;
    },
  };
}
