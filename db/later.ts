/**
 * Writes sent without waiting for their answer. A transaction's statements whose result nobody
 * reads (an insert into a log, a link row, a participant) need not hold the transaction up: on
 * PostgreSQL's pipelined connection (db/client.ts) the statements that follow go out right
 * behind them, in the same round trip under the cluster-wide write lock, instead of one round
 * trip each. On SQLite the statement has already run when `later` gets it.
 *
 * The server runs them in the order they were sent, so a later read sees them. A failure is the
 * enclosing savepoint's (a group commit's job) or transaction's: it is thrown there, before the
 * savepoint is released or the transaction commits, in place of the errors it caused (on
 * PostgreSQL every statement after it fails with "current transaction is aborted").
 */
import type { Tx } from './client';

type Settled = { failed: false } | { failed: true; err: unknown };
const pending = new WeakMap<object, Promise<Settled>[]>();

/**
 * Keeps `write` (a statement already sent on `tx`: its promise, or on SQLite its result, as the
 * statement ran at once) to be checked when its savepoint or transaction ends.
 */
export function later(tx: Tx, write: unknown): void {
  let list = pending.get(tx);
  if (!list) {
    list = [];
    pending.set(tx, list);
  }
  // A lazy query (drizzle's runs when its `then` is called) is started here and now, not a
  // microtask later behind the statements that follow: `then` is called at once.
  const settled =
    write !== null && typeof (write as PromiseLike<unknown> | undefined)?.then === 'function'
      ? new Promise<unknown>((resolve, reject) => void (write as PromiseLike<unknown>).then(resolve, reject))
      : Promise.resolve(write);
  list.push(settled.then(() => ({ failed: false }) as const, (err: unknown) => ({ failed: true, err }) as const));
}

/** How many writes of `tx` are outstanding: a savepoint's starting mark. */
export function laterMark(tx: Tx): number {
  return pending.get(tx)?.length ?? 0;
}

/**
 * Waits for the writes `later` sent on `tx` since `mark` and forgets them. Returns the first
 * failure among them (the cause of any failure after it), or null.
 */
export async function settleLater(tx: Tx, mark = 0): Promise<{ err: unknown } | null> {
  const list = pending.get(tx);
  if (!list || list.length <= mark) return null;
  const mine = list.splice(mark);
  for (const s of await Promise.all(mine)) if (s.failed) return { err: s.err };
  return null;
}
