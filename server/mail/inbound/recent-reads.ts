/**
 * What a read made, kept for a short while under a key: "view original email" asks for the same
 * message twice within a second or two (the ticket page's query for the headers and the remote-image
 * count, then the framed document for the body), and each would read the stored message and parse
 * and sanitise it in a render worker. The second ask gets the first one's result (or waits for it,
 * if it is still being made). Bounded by age and by a total weight, oldest out first; a failed read
 * is not kept. Per process: with several nodes the frame may reach another one, which reads itself.
 */
export interface RecentReads<T> {
  get(key: string, read: () => Promise<T>): Promise<T>;
}

export function createRecentReads<T>(opts: { ttlMs: number; maxWeight: number; weigh(value: T): number; now?: () => number }): RecentReads<T> {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { at: number; value: Promise<T>; weight: number }>();
  let total = 0;
  const drop = (key: string) => {
    total -= entries.get(key)?.weight ?? 0;
    entries.delete(key);
  };
  return {
    get(key, read) {
      const at = now();
      for (const [k, e] of entries) if (at - e.at >= opts.ttlMs) drop(k);
      const kept = entries.get(key);
      if (kept) return kept.value;
      const entry = { at, value: read(), weight: 0 };
      entries.set(key, entry);
      entry.value.then(
        (value) => {
          if (entries.get(key) !== entry) return;
          entry.weight = opts.weigh(value);
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
