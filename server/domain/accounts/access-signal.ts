/**
 * "Who may see what just changed": a membership, a role, the admin flag, a deactivation or a
 * session that ended. Live streams keep each session's access in memory (events/viewer-access.ts);
 * this signal makes them re-check before delivering anything committed after the change, instead
 * of up to a second later, and costs nothing per event.
 *
 * - This node: the change is announced synchronously once its transaction has committed (the
 *   write queue's `onCommitted`), before any later write on this node can commit and wake a stream.
 * - Other nodes (PostgreSQL): a NOTIFY on `threadline_access`, sent with the COMMIT. PostgreSQL
 *   delivers notifications in commit order on the one LISTEN connection, so a node hears of the
 *   change before it hears of any event committed after it.
 * - Another process on the SQLite file (the CLI's `desk add-member`, `deactivate-user`): nothing
 *   tells what changed, so every check is re-read (app.ts does that before waking the streams).
 */
import type { Tx } from '../../../db/client';
import type { DomainCtx } from '../core/context';

export const ACCESS_CHANNEL = 'threadline_access';

/** Whose access may have changed: these users (in every project), or everyone. */
export type AccessChange = { users: number[] } | { all: true };

type Listener = (change: AccessChange) => void;
const listeners = new WeakMap<DomainCtx, Set<Listener>>();

/** This node's reaction (the live streams' access board). */
export function announceAccessChange(dc: DomainCtx, change: AccessChange): void {
  for (const l of listeners.get(dc) ?? []) l(change);
}

/**
 * Calls `cb` when access may have changed: committed here (at once), on another node (NOTIFY).
 * Other processes' commits on SQLite are announced by the commit listener (app.ts).
 */
export function onAccessChange(dc: DomainCtx, cb: Listener): () => void {
  let set = listeners.get(dc);
  if (!set) listeners.set(dc, (set = new Set()));
  set.add(cb);
  // (SQLite: one process per file, whose commits are announced here; another process's commit is
  // announced by app.ts, in order with the events it may carry.)
  const stopListening = dc.db.engine !== 'pg' ? () => undefined : dc.db.listen(ACCESS_CHANNEL, (payload) => {
    // '': the LISTEN connection was lost, and notifications with it
    if (!payload) return cb({ all: true });
    try {
      const { o, u } = JSON.parse(payload) as { o: string; u: number[] };
      if (o === dc.node) return; // announced at commit already
      cb({ users: u });
    } catch {
      cb({ all: true });
    }
  });
  return () => {
    set.delete(cb);
    stopListening();
  };
}

/**
 * `dc.db.write` for a change of access: `changed(userId)` inside `fn` names whose access changed.
 * Every node's live streams re-check them before delivering anything committed after it.
 */
export async function writeAccessChange<T>(dc: DomainCtx, fn: (tx: Tx, changed: (userId: number) => void) => Promise<T>): Promise<T> {
  const users = new Set<number>();
  return dc.db.write(
    async (tx) => {
      const value = await fn(tx, (id) => void users.add(id));
      if (users.size > 0) await dc.db.notify(tx, ACCESS_CHANNEL, JSON.stringify({ o: dc.node, u: [...users] }));
      return value;
    },
    {
      onCommitted: () => {
        if (users.size > 0) announceAccessChange(dc, { users: [...users] });
      },
    },
  );
}
