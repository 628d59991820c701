/**
 * Notes and descriptions written before HTML was stored with them (migration 0007) are rendered
 * once, in the background, in the render worker; until then they show as plain text. Reads never
 * render. With several nodes, one at a time does it: the node holding the `render-backfill`
 * lease; a node that finds nothing left stops trying.
 */
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { notes, tickets } from '../../../db/schema';
import { log } from '../../log';
import { markdownToHtml } from '../../render';
import type { DomainCtx } from '../core/context';
import { holdLease, type HeldLease } from '../core/leases';

const BATCH = 50;

export function startRenderBackfill(dc: DomainCtx): () => Promise<void> {
  let current: { stop(): Promise<void> } | null = null;
  let finished = false;
  const lease: HeldLease = holdLease(dc, 'render-backfill', {
    ttlMs: 30_000,
    renewMs: 10_000,
    onAcquire() {
      if (finished || current) return;
      const run = runBackfill(dc);
      current = run;
      void run.done.then((complete) => {
        if (current === run) current = null;
        if (complete) {
          finished = true;
          void lease.stop();
        }
      });
    },
    async onLose() {
      const run = current;
      current = null;
      await run?.stop();
    },
  });
  return () => lease.stop();
}

/** One pass until nothing is left (`done` resolves true) or `stop()` (false). */
function runBackfill(dc: DomainCtx): { done: Promise<boolean>; stop(): Promise<void> } {
  let stopped = false;
  const run = (async (): Promise<boolean> => {
    await dc.db.write((tx) => tx.update(notes).set({ bodyHtml: '' }).where(and(eq(notes.system, true), isNull(notes.bodyHtml))).run());
    let done = 0;
    while (!stopped) {
      const rows = await dc.db.select({ id: notes.id, body: notes.body }).from(notes).where(isNull(notes.bodyHtml)).limit(BATCH).all();
      const descs = await dc.db.select({ id: tickets.id, body: tickets.description }).from(tickets).where(isNull(tickets.descriptionHtml)).limit(BATCH).all();
      // the customer's own text of a ticket opened under an issue template (what the customer view shows)
      const customer = await dc.db
        .select({ id: tickets.id, body: tickets.customerDescription })
        .from(tickets)
        .where(and(isNull(tickets.customerDescriptionHtml), isNotNull(tickets.customerDescription)))
        .limit(BATCH)
        .all();
      if (rows.length === 0 && descs.length === 0 && customer.length === 0) break;
      for (const r of rows) {
        if (stopped) return false;
        const html = await markdownToHtml(r.body);
        // Rendered first, written after: each row is its own short transaction.
        // only where still empty, no events: safe beside other writers without the cluster-wide lock
        await dc.db.write((tx) => tx.update(notes).set({ bodyHtml: html }).where(and(eq(notes.id, r.id), isNull(notes.bodyHtml))).run(), { lock: false });
      }
      for (const r of descs) {
        if (stopped) return false;
        const html = await markdownToHtml(r.body);
        await dc.db.write((tx) => tx.update(tickets).set({ descriptionHtml: html }).where(and(eq(tickets.id, r.id), isNull(tickets.descriptionHtml))).run(), { lock: false });
      }
      for (const r of customer) {
        if (stopped) return false;
        const html = await markdownToHtml(r.body ?? '');
        await dc.db.write((tx) => tx.update(tickets).set({ customerDescriptionHtml: html }).where(and(eq(tickets.id, r.id), isNull(tickets.customerDescriptionHtml))).run(), { lock: false });
      }
      done += rows.length + descs.length + customer.length;
    }
    if (done) log.info('rendered stored notes and descriptions', { count: done });
    return !stopped;
  })().catch((err: unknown) => {
    if (!stopped) log.warn('rendering stored notes stopped', { err });
    return false;
  });
  return {
    done: run,
    async stop() {
      stopped = true;
      await run;
    },
  };
}
