/**
 * Group commit: concurrent writers (SMTP connections, IMAP) queue their work and share one
 * transaction — and one fsync — per event-loop turn. Each job runs in its own savepoint, so a
 * failing job rolls back alone; events are published after the shared commit. This is what lets
 * ingest keep `synchronous=FULL` durability at hundreds of messages per second.
 */
import type { StoredEvent, Tx } from '../events/store';
import { appendEvent } from '../events/store';
import type { DomainCtx, Emit } from './context';

interface Job {
  fn: (tx: Tx, emit: Emit, at: number) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export type GroupWrite = <T>(fn: (tx: Tx, emit: Emit, at: number) => T) => Promise<T>;

export function createGroupCommit(dc: DomainCtx, maxBatch = 64): GroupWrite {
  let queue: Job[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const jobs = queue.splice(0, maxBatch);
    if (queue.length) schedule();
    const outcomes: ({ ok: true; value: unknown; events: StoredEvent[] } | { ok: false; error: unknown })[] = [];
    const at = dc.now();
    try {
      dc.db.transaction(
        (outer) => {
          for (const job of jobs) {
            const events: StoredEvent[] = [];
            try {
              const value = outer.transaction((tx) => job.fn(tx, (e) => {
                const stored = appendEvent(tx, e, at);
                events.push(stored);
                return stored;
              }, at));
              outcomes.push({ ok: true, value, events });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        },
        { behavior: 'immediate' },
      );
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    const projects = new Set<number>();
    jobs.forEach((job, i) => {
      const o = outcomes[i];
      if (!o) return job.reject(new Error('group commit lost a job'));
      if (o.ok) {
        for (const e of o.events) projects.add(e.projectId);
        job.resolve(o.value);
      } else job.reject(o.error);
    });
    for (const p of projects) dc.bus.publish(p);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return <T>(fn: (tx: Tx, emit: Emit, at: number) => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      schedule();
    });
}
