/**
 * A small in-memory rate limit for the links that work without an account (customer view,
 * signed downloads): at most `limit` uses per key per window on this node. A link shared in
 * the wild, or a script hammering it, is slowed down; several nodes each count their own.
 */
export interface RateLimiter {
  /** Counts one use of `key`; false when it is over the limit for now. */
  take(key: string): boolean;
}

export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number }): RateLimiter {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return {
    take(key) {
      const t = now();
      if (t - lastSweep > opts.windowMs) {
        for (const [k, w] of windows) if (t - w.start >= opts.windowMs) windows.delete(k);
        lastSweep = t;
      }
      const w = windows.get(key);
      if (!w || t - w.start >= opts.windowMs) {
        windows.set(key, { start: t, count: 1 });
        return true;
      }
      w.count++;
      return w.count <= opts.limit;
    },
  };
}
