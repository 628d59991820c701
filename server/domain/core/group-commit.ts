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
  /** a batch is being built or run and has not committed yet */
  let open = false;
  let scheduled = false;

  /**
   * The next batch starts as soon as the previous one has committed, while that one's commit is
   * still being made durable (SQLite syncs the WAL in the thread pool): batches overlap their
   * fsyncs instead of waiting for them. Each job still settles only once its batch is durable.
   */
  function flushNext(): void {
    const jobs = queue.splice(0, maxBatch);
    open = true;
    let committed = false;
    const onCommitted = () => {
      if (committed) return;
      committed = true;
      open = false;
      schedule();
    };
    (jobs.length === 1 ? flushOne(jobs[0]!, onCommitted) : flush(jobs, onCommitted))
      .catch((err) => {
        // flush settles its own jobs; this is a bug in publishing afterwards — keep the queue moving
        log.error('group commit failed after settling its jobs', { err });
      })
      .finally(onCommitted);
  }

  async function flush(jobs: Job[], onCommitted: () => void): Promise<void> {
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
      }, { ...opts, onCommitted });
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
  async function flushOne(job: Job, onCommitted: () => void): Promise<void> {
    const events: NewEvent[] = [];
    const at = dc.now();
    let value: unknown;
    try {
      value = await dc.db.write(async (tx) => {
        events.length = 0;
        const v = await job.fn(tx, (e) => void events.push(e), at);
        await appendEvents(dc.db, tx, events, at, dc.node);
        return v;
      }, { ...opts, onCommitted });
    } catch (error) {
      job.reject(error);
      return;
    }
    job.resolve(value);
    for (const p of new Set(events.map((e) => e.projectId))) dc.bus.publish(p);
  }

  function schedule(): void {
    if (open || scheduled || queue.length === 0) return;
    scheduled = true;
    // after the current turn: jobs queued meanwhile join this batch
    setImmediate(() => {
      scheduled = false;
      if (!open && queue.length) flushNext();
    });
  }

  return <T>(fn: (tx: Tx, emit: Emit, at: number) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn: fn as Job['fn'], resolve: resolve as (v: unknown) => void, reject });
      schedule();
    });
}
