/**
 * Notes and descriptions written before HTML was stored with them (migration 0007) are rendered
 * once, in the background, in the render worker; until then they show as plain text. Reads never
 * render.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { notes, tickets } from '../../../db/schema';
import { log } from '../../log';
import { markdownToHtml } from '../../render';
import type { DomainCtx } from '../core/context';

const BATCH = 50;

export function startRenderBackfill(dc: DomainCtx): () => Promise<void> {
  let stopped = false;
  const run = (async () => {
    await dc.db.write((tx) => tx.update(notes).set({ bodyHtml: '' }).where(and(eq(notes.system, true), isNull(notes.bodyHtml))).run());
    let done = 0;
    while (!stopped) {
      const rows = await dc.db.select({ id: notes.id, body: notes.body }).from(notes).where(isNull(notes.bodyHtml)).limit(BATCH).all();
      const descs = await dc.db.select({ id: tickets.id, body: tickets.description }).from(tickets).where(isNull(tickets.descriptionHtml)).limit(BATCH).all();
      if (rows.length === 0 && descs.length === 0) break;
      for (const r of rows) {
        if (stopped) return;
        const html = await markdownToHtml(r.body);
        // Rendered first, written after: each row is its own short transaction.
        await dc.db.write((tx) => tx.update(notes).set({ bodyHtml: html }).where(and(eq(notes.id, r.id), isNull(notes.bodyHtml))).run());
      }
      for (const r of descs) {
        if (stopped) return;
        const html = await markdownToHtml(r.body);
        await dc.db.write((tx) => tx.update(tickets).set({ descriptionHtml: html }).where(and(eq(tickets.id, r.id), isNull(tickets.descriptionHtml))).run());
      }
      done += rows.length + descs.length;
    }
    if (done) log.info('rendered stored notes and descriptions', { count: done });
  })().catch((err: unknown) => {
    if (!stopped) log.warn('rendering stored notes stopped', { err });
  });
  return async () => {
    stopped = true;
    await run;
  };
}
