/** The record of every received message: stored raw first, outcome after (SPEC §3, §6). */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { inboundMessages, rawMessages } from '../../db/schema';
import type { Tx } from '../events/store';

export type InboundRow = typeof inboundMessages.$inferSelect;
export type InboundStatus = InboundRow['status'];

export interface SourceRef {
  source: string;
  uidvalidity?: number | undefined;
  uid?: number | undefined;
  envelopeTo?: string[] | undefined;
  /** the message's real size when only part of it was fetched (oversized IMAP mail) */
  size?: number | undefined;
}

/**
 * Stores the raw bytes and a `pending` row in one transaction, before any processing. For IMAP,
 * a (source, uidvalidity, uid) seen before returns the existing row instead.
 */
export function storeInbound(tx: Tx, src: SourceRef, raw: Buffer, sha: string, at: number, keepBytes: Buffer = raw): { row: InboundRow; existed: boolean } {
      if (src.uid !== undefined) {
        const existing = tx
          .select()
          .from(inboundMessages)
          .where(and(eq(inboundMessages.source, src.source), eq(inboundMessages.uidvalidity, src.uidvalidity ?? 0), eq(inboundMessages.uid, src.uid)))
          .get();
        if (existing) return { row: existing, existed: true };
      }
      tx.insert(rawMessages).values({ sha256: sha, bytes: keepBytes, size: src.size ?? raw.length, createdAt: at }).onConflictDoNothing().run();
      const row = tx
        .insert(inboundMessages)
        .values({
          source: src.source,
          uidvalidity: src.uid !== undefined ? (src.uidvalidity ?? 0) : null,
          uid: src.uid ?? null,
          envelopeTo: src.envelopeTo?.length ? src.envelopeTo : null,
          sha256: sha,
          size: src.size ?? raw.length,
          status: 'pending',
          receivedAt: at,
        })
        .returning()
        .get();
      return { row, existed: false };
}

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

export function finishInbound(tx: Tx, id: number, f: Finish, at: number): void {
  tx.update(inboundMessages)
    .set({ ...f, processedAt: at, attempts: sql`${inboundMessages.attempts} + 1` })
    .where(eq(inboundMessages.id, id))
    .run();
}

export function rawOf(db: Db, sha: string): Buffer | undefined {
  return db.select({ bytes: rawMessages.bytes }).from(rawMessages).where(eq(rawMessages.sha256, sha)).get()?.bytes;
}

export function getInbound(db: Db, id: number): InboundRow | undefined {
  return db.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get();
}

export function pendingInbound(db: Db): InboundRow[] {
  return db.select().from(inboundMessages).where(eq(inboundMessages.status, 'pending')).orderBy(inboundMessages.id).all();
}

export function listInbound(db: Db, opts: { status?: InboundStatus[] | undefined; beforeId?: number | undefined; limit: number }): InboundRow[] {
  return db
    .select()
    .from(inboundMessages)
    .where(and(opts.status ? inArray(inboundMessages.status, opts.status) : undefined, opts.beforeId ? lt(inboundMessages.id, opts.beforeId) : undefined))
    .orderBy(desc(inboundMessages.id))
    .limit(opts.limit)
    .all();
}

export function setInboundStatus(db: Db, id: number, status: InboundStatus, at: number): void {
  db.update(inboundMessages).set({ status, processedAt: at }).where(eq(inboundMessages.id, id)).run();
}

/** Messages from one sender to one project that became tickets or notes since `since`. */
export function recentFromSender(tx: Tx, projectId: number, from: string, since: number): number {
  return (
    tx
      .select({ n: sql<number>`count(*)` })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.projectId, projectId), eq(inboundMessages.fromAddress, from), inArray(inboundMessages.status, ['ticket', 'note']), sql`${inboundMessages.receivedAt} > ${since}`))
      .get()?.n ?? 0
  );
}

/** Counts a processing attempt before it starts, so a message that crashes us is not retried forever. */
export function bumpAttempts(db: Db, id: number): number {
  return db
    .update(inboundMessages)
    .set({ attempts: sql`${inboundMessages.attempts} + 1` })
    .where(eq(inboundMessages.id, id))
    .returning({ attempts: inboundMessages.attempts })
    .get()?.attempts ?? 0;
}

const SOURCE_LIMIT = 256 * 1024;

/** The stored bytes of a received message as text, for admins to read (the start of it when large). */
export function inboundSource(db: Db, row: InboundRow): { text: string; truncated: boolean; size: number } | null {
  const raw = db.select({ bytes: rawMessages.bytes, size: rawMessages.size }).from(rawMessages).where(eq(rawMessages.sha256, row.sha256)).get();
  if (!raw) return null;
  // latin1 shows every byte as one character: 8-bit headers and broken encodings stay readable.
  const part = raw.bytes.subarray(0, SOURCE_LIMIT);
  return { text: part.toString('latin1'), truncated: raw.bytes.length > SOURCE_LIMIT || raw.size > raw.bytes.length, size: raw.size };
}
