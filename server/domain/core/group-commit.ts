/**
 * Group commit: concurrent writers (SMTP connections, IMAP) queue their work and share one
 * transaction — and one fsync — while the previous batch commits. Each job runs in its own
 * savepoint, so a failing job rolls back alone; events are published after the shared commit.
 * This is what lets ingest keep acknowledged-means-durable at hundreds of messages per second
 * (and, on PostgreSQL, one commit and one lock round per batch).
 */
import type { NewEvent, Tx } from '../../events/store';
import { appendEvents } from '../../events/store';
import type { DomainCtx, Emit } from './context';
import { log } from '../../log';
import type { WriteOptions } from '../../../db/client';

interface Job {
  fn: (tx: Tx, emit: Emit, at: number) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export type GroupWrite = <T>(fn: (tx: Tx, emit: Emit, at: number) => Promise<T>) => Promise<T>;

/** `lock: false`: the batch takes no cluster-wide lock (see `WriteOptions`); its jobs must emit no events. */
export function createGroupCommit(dc: DomainCtx, maxBatch = 64, opts: WriteOptions = {}): GroupWrite {
  const queue: Job[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    const jobs = queue.splice(0, maxBatch);
    if (jobs.length === 1) return flushOne(jobs[0]!);
    const outcomes: ({ ok: true; value: unknown; events: NewEvent[] } | { ok: false; error: unknown })[] = [];
    const at = dc.now();
    try {
      await dc.db.write(async (outer) => {
        outcomes.length = 0;
        const all: NewEvent[] = [];
        for (const job of jobs) {
          const events: NewEvent[] = [];
          try {
            const value = await dc.db.savepoint(outer, (tx) => job.fn(tx, (e) => void events.push(e), at));
            outcomes.push({ ok: true, value, events });
            all.push(...events);
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
        await appendEvents(dc.db, outer, all, at, dc.node);
      }, opts);
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

  /**
   * A batch of one needs no savepoint: if the job fails, the whole transaction rolls back, which
   * is what its savepoint would have done (on PostgreSQL a SAVEPOINT is a round trip of its own).
   */
  async function flushOne(job: Job): Promise<void> {
    const events: NewEvent[] = [];
    const at = dc.now();
    let value: unknown;
    try {
      value = await dc.db.write(async (tx) => {
        events.length = 0;
        const v = await job.fn(tx, (e) => void events.push(e), at);
        await appendEvents(dc.db, tx, events, at, dc.node);
        return v;
      }, opts);
    } catch (error) {
      job.reject(error);
      return;
    }
    job.resolve(value);
    for (const p of new Set(events.map((e) => e.projectId))) dc.bus.publish(p);
  }

  function schedule(): void {
    if (flushing) return;
    flushing = true;
    setImmediate(async () => {
      try {
        while (queue.length) await flush();
      } catch (err) {
        // flush settles its own jobs; this is a bug in publishing afterwards — keep the queue moving
        log.error('group commit failed after settling its jobs', { err });
      } finally {
        flushing = false;
        if (queue.length) schedule();
      }
    });
  }

  return <T>(fn: (tx: Tx, emit: Emit, at: number) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn: fn as Job['fn'], resolve: resolve as (v: unknown) => void, reject });
      schedule();
    });
}
