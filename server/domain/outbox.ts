import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { outbox } from '../../db/schema';
import type { Tx } from '../events/store';
import type { OutboundSpec } from '../mail/outbound/spec';

export type OutboundKind = 'thank_you' | 'new_note' | 'new_participant' | 'rejection';

/** Queues an email inside the caller's transaction: it is sent only if the change commits. */
export function queueEmail(
  tx: Tx,
  e: { kind: OutboundKind; projectId: number | null; ticketId: number | null; spec: OutboundSpec },
  at: number,
): number {
  return tx
    .insert(outbox)
    .values({
      kind: e.kind,
      projectId: e.projectId,
      ticketId: e.ticketId,
      toAddress: e.spec.to,
      fromAddress: e.spec.from.address,
      subject: e.spec.subject,
      messageId: e.spec.messageId,
      spec: e.spec,
      nextAttemptAt: at,
      createdAt: at,
    })
    .returning({ id: outbox.id })
    .get().id;
}

export interface OutboxView {
  id: number;
  kind: string;
  to: string;
  subject: string;
  messageId: string;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
  sentAt: string | null;
}

function view(r: typeof outbox.$inferSelect): OutboxView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: r.id,
    kind: r.kind,
    to: r.toAddress,
    subject: r.subject,
    messageId: r.messageId,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: iso(r.nextAttemptAt) as string,
    createdAt: iso(r.createdAt) as string,
    sentAt: iso(r.sentAt),
  };
}

export function listOutbox(db: Db, opts: { status?: ('queued' | 'sent' | 'failed')[] | undefined; beforeId?: number | undefined; limit: number }): OutboxView[] {
  return db
    .select()
    .from(outbox)
    .where(and(opts.status ? inArray(outbox.status, opts.status) : undefined, opts.beforeId ? lt(outbox.id, opts.beforeId) : undefined))
    .orderBy(desc(outbox.id))
    .limit(opts.limit)
    .all()
    .map(view);
}

/** "Retry now": a queued or failed message becomes due immediately (sent ones are left alone). */
export function retryOutbox(db: Db, id: number, now: number): OutboxView | null {
  const row = db
    .update(outbox)
    .set({ status: 'queued', nextAttemptAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['queued', 'failed'])))
    .returning()
    .get();
  if (row) return view(row);
  const existing = db.select().from(outbox).where(eq(outbox.id, id)).get();
  return existing ? view(existing) : null;
}

/**
 * Rejections queued recently, to one address or (without `to`) to anyone: forged senders must
 * not turn us into a spam cannon, one victim or many.
 */
export function recentRejections(tx: Tx, since: number, to?: string): number {
  return (
    tx
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(and(eq(outbox.kind, 'rejection'), to === undefined ? undefined : eq(outbox.toAddress, to), sql`${outbox.createdAt} > ${since}`))
      .get()?.n ?? 0
  );
}
