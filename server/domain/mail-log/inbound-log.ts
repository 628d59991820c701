/** The record of every received message: stored raw first, outcome after (SPEC §3, §6). */
import { and, desc, eq, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { later } from '../../../db/later';
import { prepared } from '../../../db/prepared';
import { dialect, inboundMessages, leases, rawMessages } from '../../../db/schema';

export type InboundRow = typeof inboundMessages.$inferSelect;
export type InboundStatus = InboundRow['status'];

export interface SourceRef {
  source: string;
  uidvalidity?: number | undefined;
  uid?: number | undefined;
  /** the source's own message id (Microsoft Graph): with `source`, the exactly-once key */
  externalId?: string | undefined;
  envelopeTo?: string[] | undefined;
  /** the message's real size when only part of it was fetched (oversized IMAP mail) */
  size?: number | undefined;
}

/**
 * Stores the raw bytes and a `pending` row in one transaction, before any processing. For IMAP,
 * a (source, uidvalidity, uid) seen before returns the existing row instead; for Microsoft Graph, a
 * (source, external id).
 */
/**
 * Where raw bytes kept apart are read from: the attachment store, by sha256. Mail over
 * RAW_APART_BYTES is kept there (on SQLite a file, so storing it never writes megabytes into the
 * database on the event loop).
 */
export interface RawBlobs {
  read(sha256: string): Promise<Buffer | null>;
}

export async function storeInbound(
  tx: Tx,
  src: SourceRef,
  raw: Buffer,
  sha: string,
  at: number,
  keepBytes: Buffer = raw,
  node: string | null = null,
  /** the bytes (all of `raw`) are already durable in the attachment store under `sha` */
  storedApart = false,
): Promise<{ row: InboundRow; existed: boolean }> {
  if (src.uid !== undefined) {
    const existing = await tx
      .select()
      .from(inboundMessages)
      .where(and(eq(inboundMessages.source, src.source), eq(inboundMessages.uidvalidity, src.uidvalidity ?? 0), eq(inboundMessages.uid, src.uid)))
      .get();
    if (existing) return { row: existing, existed: true };
  }
  if (src.externalId !== undefined) {
    const existing = await tx
      .select()
      .from(inboundMessages)
      .where(and(eq(inboundMessages.source, src.source), eq(inboundMessages.externalId, src.externalId)))
      .get();
    if (existing) return { row: existing, existed: true };
  }
  // nobody reads its answer: the pending row goes out right behind it (db/later.ts)
  later(tx, insertRaw(tx, { sha256: sha, bytes: storedApart ? Buffer.alloc(0) : keepBytes, size: src.size ?? raw.length, createdAt: at, storedApart }));
  const row = await insertPending(tx, {
    source: src.source,
    uidvalidity: src.uid !== undefined ? (src.uidvalidity ?? 0) : null,
    uid: src.uid ?? null,
    externalId: src.externalId ?? null,
    envelopeTo: src.envelopeTo?.length ? src.envelopeTo : null,
    sha256: sha,
    size: src.size ?? raw.length,
    claimedBy: node,
    receivedAt: at,
  });
  return { row, existed: false };
}
const ph = sql.placeholder;
const insertRaw = prepared<{ sha256: string; bytes: Buffer; size: number; createdAt: number; storedApart: boolean }, unknown>('run', (q) =>
  q
    .insert(rawMessages)
    .values({ sha256: ph('sha256'), bytes: ph('bytes'), size: ph('size'), createdAt: ph('createdAt'), storedApart: ph('storedApart') } as unknown as typeof rawMessages.$inferInsert)
    .onConflictDoNothing(),
);
const PENDING_COLUMNS = ['source', 'uidvalidity', 'uid', 'externalId', 'envelopeTo', 'sha256', 'size', 'claimedBy', 'receivedAt'] as const;
const insertPending = prepared<{ [K in (typeof PENDING_COLUMNS)[number]]: Exclude<(typeof inboundMessages.$inferInsert)[K], undefined> }, InboundRow>('get', (q) =>
  q
    .insert(inboundMessages)
    .values({ ...Object.fromEntries(PENDING_COLUMNS.map((k) => [k, ph(k)])), status: 'pending' } as unknown as typeof inboundMessages.$inferInsert)
    .returning(),
);

export interface Finish {
  status: Exclude<InboundStatus, 'pending'>;
  reason?: string | null;
  error?: string | null;
  projectId?: number | null;
  ticketId?: number | null;
  noteId?: number | null;
  messageId?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
}

/** The row was finished by someone else meanwhile (another node's recovery, or the node that received it). */
export class NotPendingError extends Error {
  constructor(readonly id: number) {
    super(`inbound message ${id} is no longer pending`);
  }
}

/**
 * Records a pending message's outcome. Throws NotPendingError when the row is no longer pending:
 * whoever finished it first wins, and the caller's savepoint (its ticket, note, email) rolls back.
 */
export async function finishInbound(tx: Tx, id: number, f: Finish, at: number): Promise<void> {
  // Every field is written: one left out is null (the outcome replaces a reopened row's old one).
  const values = { id, processedAt: at } as Record<(typeof FINISH_COLUMNS)[number] | 'id' | 'processedAt', unknown>;
  for (const k of FINISH_COLUMNS) values[k] = f[k] ?? null;
  let row: { id: number } | undefined;
  try {
    row = await finishStmt(tx, values);
  } catch (err) {
    // PostgreSQL: no pending row to update (see finishStmt; drizzle keeps the driver's error as the cause)
    const e = err as { code?: string; cause?: { code?: string } };
    if ((e.code ?? e.cause?.code) === '22012') throw new NotPendingError(id);
    throw err;
  }
  if (!row) throw new NotPendingError(id);
}
const FINISH_COLUMNS = ['status', 'reason', 'error', 'projectId', 'ticketId', 'noteId', 'messageId', 'fromAddress', 'subject'] as const satisfies readonly (keyof Finish)[];
/**
 * On PostgreSQL a row that is no longer pending fails the statement itself (a division by the
 * number of rows updated, zero): the outcome may be sent without waiting for its answer
 * (db/later.ts), and COMMIT goes out behind it, so the check must abort the transaction in
 * PostgreSQL rather than in our code, which would only see it after COMMIT. SQLite: the answer
 * is checked before COMMIT.
 */
const finishStmt = prepared<Record<string, unknown>, { id: number } | undefined>('get', (q) => {
  const update = q
    .update(inboundMessages)
    .set({
      ...Object.fromEntries(FINISH_COLUMNS.map((k) => [k, ph(k)])),
      processedAt: ph('processedAt'),
      attempts: sql`${inboundMessages.attempts} + 1`,
    } as unknown as Partial<InboundRow>)
    .where(and(eq(inboundMessages.id, ph('id')), eq(inboundMessages.status, 'pending')))
    .returning({ id: inboundMessages.id });
  if (dialect() !== 'pg') return update;
  const done = q.$with('done').as(update as never);
  return q
    .with(done)
    .select({ id: sql<number>`(select id from ${done})`.mapWith(Number), checked: sql<number>`1 / (select count(*)::int from ${done})` })
    .from(sql`(select 1) as one`);
});

/** The stored bytes of a message (from the attachment store when kept apart). */
export async function rawOf(q: Q, sha: string, blobs: RawBlobs): Promise<Buffer | undefined> {
  const row = await q.select({ bytes: rawMessages.bytes, storedApart: rawMessages.storedApart }).from(rawMessages).where(eq(rawMessages.sha256, sha)).get();
  if (!row) return undefined;
  return row.storedApart ? ((await blobs.read(sha)) ?? undefined) : row.bytes;
}

export async function getInbound(q: Q, id: number): Promise<InboundRow | undefined> {
  return q.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get();
}

/**
 * How long a claimed row is left to its node at least, even without a `node:` lease: a process
 * that holds none (`desk ingest`) finishes its message well within this.
 */
const CLAIM_GRACE_MS = 15_000;

/**
 * A pending row nobody is working on: its node's `node:<name>` lease has run out (the node died
 * or stopped), or — rows from before claims were recorded — it has waited since `unclaimedBefore`.
 */
function abandoned(me: string, at: number, unclaimedBefore: number) {
  return and(
    eq(inboundMessages.status, 'pending'),
    or(
      and(isNull(inboundMessages.claimedBy), lte(inboundMessages.receivedAt, unclaimedBefore)),
      and(
        ne(inboundMessages.claimedBy, me),
        lte(inboundMessages.receivedAt, at - CLAIM_GRACE_MS),
        sql`not exists (select 1 from ${leases} where ${leases.name} = 'node:' || ${inboundMessages.claimedBy} and ${leases.expiresAt} > ${at})`,
      ),
    ),
  );
}

/**
 * Pending messages whose node is gone (see `abandoned`), oldest first: what a recovering node
 * may take. Rows a live node is still processing are left to it.
 */
export async function pendingInbound(q: Q, me: string, at: number, unclaimedBefore: number): Promise<InboundRow[]> {
  return q.select().from(inboundMessages).where(abandoned(me, at, unclaimedBefore)).orderBy(inboundMessages.id).all();
}

/**
 * Takes an abandoned pending row over for `me` and counts the attempt (committed before the
 * attempt starts, so a message that kills the process is not retried forever). 0 when the row
 * was finished or taken by another node meanwhile.
 */
export async function claimAbandoned(tx: Tx, id: number, me: string, at: number, unclaimedBefore: number): Promise<number> {
  const row = await tx
    .update(inboundMessages)
    .set({ claimedBy: me, attempts: sql`${inboundMessages.attempts} + 1` })
    .where(and(eq(inboundMessages.id, id), abandoned(me, at, unclaimedBefore)))
    .returning({ attempts: inboundMessages.attempts })
    .get();
  return row?.attempts ?? 0;
}

/**
 * A taken-over row could not be stored for lack of room: that attempt ended cleanly, so it is not
 * counted (a disk full for a while must not send the message to quarantine as if it had killed
 * the process), and the row is nobody's again, so a later sweep by any node tries it once there
 * is room (a row claimed by a live node is never swept). Only `me`'s claim, still pending.
 */
export async function releaseClaim(tx: Tx, id: number, me: string): Promise<void> {
  await tx
    .update(inboundMessages)
    .set({ claimedBy: null, attempts: sql`${inboundMessages.attempts} - 1` })
    .where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'pending'), eq(inboundMessages.claimedBy, me)))
    .run();
}

/** Is the message still waiting to be finished? (read inside the finishing transaction) */
export async function isPending(tx: Tx, id: number): Promise<boolean> {
  const row = await tx.select({ status: inboundMessages.status }).from(inboundMessages).where(eq(inboundMessages.id, id)).get();
  return row?.status === 'pending';
}

/**
 * A message its sender will deliver again (SMTP answered 4xx): its pending row goes, so that the
 * retry is the one processed, once, instead of this row waiting for a restart to be finished.
 * Only this node's own row, still pending.
 */
export async function dropPending(tx: Tx, id: number, node: string): Promise<void> {
  await tx.delete(inboundMessages).where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'pending'), eq(inboundMessages.claimedBy, node))).run();
}

/** A quarantined message goes back to pending to be processed again; null when it is not quarantined. */
export async function reopenInbound(tx: Tx, id: number, node: string | null = null): Promise<InboundRow | null> {
  const row = await tx
    .update(inboundMessages)
    .set({ status: 'pending', error: null, claimedBy: node })
    .where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'quarantined')))
    .returning()
    .get();
  return row ?? null;
}

export async function listInbound(q: Q, opts: { status?: InboundStatus[] | undefined; beforeId?: number | undefined; limit: number }): Promise<InboundRow[]> {
  return q
    .select()
    .from(inboundMessages)
    .where(and(opts.status ? inArray(inboundMessages.status, opts.status) : undefined, opts.beforeId ? lt(inboundMessages.id, opts.beforeId) : undefined))
    .orderBy(desc(inboundMessages.id))
    .limit(opts.limit)
    .all();
}

/** Inside a write transaction. */
/** Discards a quarantined message; false when it is no longer quarantined (a retry got there first). */
export async function discardQuarantined(tx: Tx, id: number, at: number): Promise<boolean> {
  const row = await tx
    .update(inboundMessages)
    .set({ status: 'discarded', processedAt: at })
    .where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'quarantined')))
    .returning({ id: inboundMessages.id })
    .get();
  return row !== undefined;
}

/** Messages from one sender to one project that became tickets or notes since `since`. */
const recentStmt = prepared<{ projectId: number; from: string; since: number }, { n: number } | undefined>('get', (q) =>
  q
    .select({ n: sql<number>`count(*)` })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.projectId, sql.placeholder('projectId')),
        eq(inboundMessages.fromAddress, sql.placeholder('from')),
        inArray(inboundMessages.status, ['ticket', 'note']),
        sql`${inboundMessages.receivedAt} > ${sql.placeholder('since')}`,
      ),
    ),
);
export async function recentFromSender(q: Q, projectId: number, from: string, since: number): Promise<number> {
  const row = await recentStmt(q, { projectId, from, since });
  return Number(row?.n ?? 0);
}

/**
 * Counts a processing attempt before it starts, so a message that crashes us is not retried
 * forever. Inside a write transaction, which the caller commits before the attempt starts.
 */
export async function bumpAttempts(tx: Tx, id: number): Promise<number> {
  const row = await tx
    .update(inboundMessages)
    .set({ attempts: sql`${inboundMessages.attempts} + 1` })
    .where(eq(inboundMessages.id, id))
    .returning({ attempts: inboundMessages.attempts })
    .get();
  return row?.attempts ?? 0;
}

const SOURCE_LIMIT = 256 * 1024;

/** The stored bytes of a received message as text, for admins to read (the start of it when large). */
export async function inboundSource(q: Q, row: InboundRow, blobs: RawBlobs): Promise<{ text: string; truncated: boolean; size: number } | null> {
  const raw = await q.select({ bytes: rawMessages.bytes, size: rawMessages.size, storedApart: rawMessages.storedApart }).from(rawMessages).where(eq(rawMessages.sha256, row.sha256)).get();
  if (!raw) return null;
  const bytes = raw.storedApart ? await blobs.read(row.sha256) : raw.bytes;
  if (!bytes) return null;
  // latin1 shows every byte as one character: 8-bit headers and broken encodings stay readable.
  const part = bytes.subarray(0, SOURCE_LIMIT);
  return { text: part.toString('latin1'), truncated: bytes.length > SOURCE_LIMIT || raw.size > bytes.length, size: raw.size };
}
