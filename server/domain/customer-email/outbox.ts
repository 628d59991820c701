import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import type { Db, Q, Tx } from '../../../db/client';
import { prepared } from '../../../db/prepared';
import { leases, outbox } from '../../../db/schema';
import type { OutboundSpec } from '../../mail/outbound/spec';

export type OutboundKind = 'thank_you' | 'new_note' | 'new_participant' | 'rejection' | 'resolved' | 'invitation' | 'password_reset' | 'email_change';

/** Queues an email inside the caller's transaction: it is sent only if the change commits. */
export async function queueEmail(
  tx: Tx,
  e: { kind: OutboundKind; projectId: number | null; ticketId: number | null; spec: OutboundSpec },
  at: number,
): Promise<number> {
  const row = await insertOutbox(tx, {
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
  });
  return row.id;
}
const OUTBOX_COLUMNS = ['kind', 'projectId', 'ticketId', 'toAddress', 'fromAddress', 'subject', 'messageId', 'spec', 'nextAttemptAt', 'createdAt'] as const;
const insertOutbox = prepared<{ [K in (typeof OUTBOX_COLUMNS)[number]]: Exclude<(typeof outbox.$inferInsert)[K], undefined> }, { id: number }>('get', (q) =>
  q
    .insert(outbox)
    .values(Object.fromEntries(OUTBOX_COLUMNS.map((k) => [k, sql.placeholder(k)])) as unknown as typeof outbox.$inferInsert)
    .returning({ id: outbox.id }),
);

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

export async function listOutbox(q: Q, opts: { status?: ('queued' | 'sent' | 'failed')[] | undefined; beforeId?: number | undefined; limit: number }): Promise<OutboxView[]> {
  const rows = await q
    .select()
    .from(outbox)
    .where(and(opts.status ? inArray(outbox.status, opts.status) : undefined, opts.beforeId ? lt(outbox.id, opts.beforeId) : undefined))
    .orderBy(desc(outbox.id))
    .limit(opts.limit)
    .all();
  return rows.map(view);
}

/** "Retry now": a queued or failed message becomes due immediately (sent ones are left alone). Its own write transaction. */
export async function retryOutbox(db: Db, id: number, now: number): Promise<OutboxView | null> {
  const row = await db.write(async (tx) => {
    const updated = await tx
      .update(outbox)
      .set({ status: 'queued', nextAttemptAt: now })
      .where(and(eq(outbox.id, id), inArray(outbox.status, ['queued', 'failed'])))
      .returning()
      .get();
    return updated ?? (await tx.select().from(outbox).where(eq(outbox.id, id)).get());
  });
  return row ? view(row) : null;
}

/**
 * Rejections queued recently, to one address or (without `to`) to anyone: forged senders must
 * not turn us into a spam cannon, one victim or many.
 */
export async function recentRejections(q: Q, since: number, to?: string): Promise<number> {
  const row = await q
    .select({ n: sql<number>`count(*)` })
    .from(outbox)
    .where(and(eq(outbox.kind, 'rejection'), to === undefined ? undefined : eq(outbox.toAddress, to), sql`${outbox.createdAt} > ${since}`))
    .get();
  return Number(row?.n ?? 0);
}

export type OutboxRow = typeof outbox.$inferSelect;

/**
 * Claims up to `limit` due emails for `node` (decision 010): any node may send, each email is sent
 * by the node that claimed it. A claim expires after `claimMs`, or as soon as the claiming node's
 * "alive" lease has run out (it died mid-send), and another node sends the same stored bytes.
 */
export async function claimDueEmails(db: Db, node: string, now: () => number, limit: number, claimMs: number): Promise<OutboxRow[]> {
  return db.write(async (tx) => {
    const at = now();
    const claimable = () =>
      and(
        eq(outbox.status, 'queued'),
        lte(outbox.nextAttemptAt, at),
        or(
          isNull(outbox.claimExpiresAt),
          lt(outbox.claimExpiresAt, at),
          notExists(tx.select({ one: sql`1` }).from(leases).where(and(eq(leases.name, sql`'node:' || ${outbox.claimedBy}`), gt(leases.expiresAt, at)))),
        ),
      );
    const candidates = await tx.select({ id: outbox.id }).from(outbox).where(claimable()).orderBy(asc(outbox.id)).limit(limit).all();
    if (candidates.length === 0) return [];
    // The condition is checked again by the UPDATE itself: on PostgreSQL a node that claimed one
    // of these rows meanwhile holds its row lock, and once it commits the row no longer
    // qualifies here, so each email is claimed by one node without the cluster-wide lock.
    const rows = await tx
      .update(outbox)
      .set({ claimedBy: node, claimExpiresAt: at + claimMs })
      .where(and(inArray(outbox.id, candidates.map((r) => r.id)), claimable()))
      .returning()
      .all();
    return rows.sort((a, b) => a.id - b.id);
  }, { lock: false });
}

/**
 * A write transaction that takes no cluster-wide lock (`db.write(fn, { lock: false })`), or a
 * group commit of such writes (the outbox worker shares one commit among its sends).
 */
export type LooseWrite = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
const looseWrite = (db: Db): LooseWrite => (fn) => db.write(fn, { lock: false });

/**
 * Keeps the first composed bytes of an email: if another node composed it first (its claim had
 * expired), returns those, so every attempt sends the very same message.
 */
export async function storeComposedOnce(db: Db, id: number, composed: Buffer, write: LooseWrite = looseWrite(db)): Promise<Buffer> {
  return write(async (tx) => {
    const saved = await saveComposed(tx, { id, raw: composed });
    if (saved) return composed;
    const stored = await tx.select({ raw: outbox.raw }).from(outbox).where(eq(outbox.id, id)).get();
    return stored?.raw ?? composed;
    // one row, changed only where still empty: safe beside other writers without the lock
  });
}

/**
 * Records an attempt's outcome and releases the claim — only while the claim is still ours: a
 * node whose claim lapsed (slow server, lost lease) must not overwrite the outcome of the node
 * that took the email over.
 */
export async function recordAttempt(
  db: Db,
  node: string,
  id: number,
  outcome: Pick<Partial<OutboxRow>, 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'sentAt'>,
  write: LooseWrite = looseWrite(db),
): Promise<boolean> {
  const values: Record<string, unknown> = { id, node };
  for (const [k, v] of Object.entries(outcome)) if (v !== undefined) values[k] = v;
  const columns = Object.keys(values).filter((k) => k !== 'id' && k !== 'node').sort();
  const key = columns.join(',');
  let stmt = attemptStmts.get(key);
  if (!stmt) {
    // one statement per set of columns written (an email sent, one failed for good, one retried)
    stmt = prepared('get', (q) =>
      q
        .update(outbox)
        .set({ ...Object.fromEntries(columns.map((k) => [k, sql.placeholder(k)])), claimedBy: null, claimExpiresAt: null } as unknown as Partial<OutboxRow>)
        .where(and(eq(outbox.id, sql.placeholder('id')), eq(outbox.claimedBy, sql.placeholder('node'))))
        .returning({ id: outbox.id }),
    );
    attemptStmts.set(key, stmt);
  }
  const update = stmt;
  return write(async (tx) => {
    const row = await update(tx, values);
    return row !== undefined;
    // one row, changed only while our claim holds: safe beside other writers without the lock
  });
}
const attemptStmts = new Map<string, (q: Q, values: Record<string, unknown>) => Promise<{ id: number } | undefined>>();
const saveComposed = prepared<{ id: number; raw: Buffer }, { id: number } | undefined>('get', (q) =>
  q
    .update(outbox)
    .set({ raw: sql.placeholder('raw') } as unknown as Partial<OutboxRow>)
    .where(and(eq(outbox.id, sql.placeholder('id')), isNull(outbox.raw)))
    .returning({ id: outbox.id }),
);

/** Is any email due now? (a cheap read before taking the write lock to claim) */
export async function hasDueEmails(q: Q, now: number): Promise<boolean> {
  const row = await q
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'queued'), lte(outbox.nextAttemptAt, now)))
    .limit(1)
    .get();
  return row !== undefined;
}
