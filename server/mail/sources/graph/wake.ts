/**
 * Waking a Graph mailbox's poller: a change notification may reach any node (behind a load
 * balancer), the mailbox is polled by the node holding its lease. Locally a direct call; across
 * PostgreSQL nodes a NOTIFY. A wake only starts a delta round early: it carries no data.
 */
import type { DomainCtx } from '../../../domain/core/context';

const CHANNEL = 'threadline_graph_wake';
const local = new WeakMap<DomainCtx, Set<(name: string) => void>>();

export async function wakeGraphMailbox(dc: DomainCtx, name: string): Promise<void> {
  for (const cb of local.get(dc) ?? []) cb(name);
  await dc.db.publish(CHANNEL, name);
}

export function onGraphWake(dc: DomainCtx, cb: (name: string) => void): () => void {
  let set = local.get(dc);
  if (!set) local.set(dc, (set = new Set()));
  set.add(cb);
  // SQLite calls back with '' when another process wrote the file: not a wake.
  const stop = dc.db.listen(CHANNEL, (payload) => {
    if (payload) cb(payload);
  });
  return () => {
    set.delete(cb);
    stop();
  };
}
