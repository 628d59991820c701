/**
 * Round trips of each transaction under the cluster-wide write lock on PostgreSQL, counted at
 * the client (node-postgres's `Client#query`): from the `BEGIN; SELECT pg_advisory_xact_lock(…)`
 * query to the one ending in COMMIT, a round trip starts with each statement sent after an
 * answer came back since the one before it (it may have waited for that answer). Statements
 * sent together without waiting share one.
 */
import pg from 'pg';

export function countLockedRoundTrips(): { transactions: number[]; stop(): void } {
  const transactions: number[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const state = new WeakMap<object, { trips: number | null; answered: boolean }>();
  proto.query = function (this: object, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    let s = state.get(this);
    if (!s) state.set(this, (s = { trips: null, answered: false }));
    if (text.includes('pg_advisory_xact_lock(')) s.trips = 1;
    else if (s.trips !== null && s.answered) s.trips++;
    s.answered = false;
    if (s.trips !== null && /\bCOMMIT\s*$/i.test(text)) {
      transactions.push(s.trips);
      s.trips = null;
    }
    const result = original.apply(this, args) as Promise<unknown> | undefined;
    const mine = s;
    const answered = () => {
      mine.answered = true;
    };
    if (result && typeof result.then === 'function') result.then(answered, answered);
    return result;
  };
  return {
    transactions,
    stop() {
      proto.query = original;
    },
  };
}
