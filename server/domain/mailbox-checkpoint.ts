/**
 * An IMAP mailbox's state as the domain keeps it: health (state, last error), and the checkpoint
 * (UIDVALIDITY + last committed UID) that makes a restart fetch exactly what was not yet
 * processed. The IMAP source calls these; it never touches the tables itself.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { inboundMessages, mailboxes } from '../../db/schema';
import type { DomainCtx } from './context';

export type MailboxRow = typeof mailboxes.$inferSelect;

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export function reportMailboxState(dc: DomainCtx, name: string, state: string, err?: unknown): void {
  const at = dc.now();
  const fields = err
    ? { state, lastError: err instanceof Error ? err.message : String(err), lastErrorAt: at, updatedAt: at }
    : { state, updatedAt: at };
  dc.db.insert(mailboxes).values({ name, day: dayOf(at), ...fields }).onConflictDoUpdate({ target: mailboxes.name, set: fields }).run();
}

export function mailboxCheckpoint(dc: DomainCtx, name: string): MailboxRow | undefined {
  return dc.db.select().from(mailboxes).where(eq(mailboxes.name, name)).get();
}

/** A new or rebuilt mailbox (UIDVALIDITY changed): UIDs mean something else now, start over. */
export function resetCheckpoint(dc: DomainCtx, name: string, uidvalidity: number): void {
  dc.db.update(mailboxes).set({ uidvalidity, lastUid: 0 }).where(eq(mailboxes.name, name)).run();
}

/** The message with `uid` is committed: the checkpoint moves past it and today's count goes up. */
export function advanceCheckpoint(dc: DomainCtx, name: string, uid: number): void {
  const at = dc.now();
  const day = dayOf(at);
  const row = mailboxCheckpoint(dc, name);
  const today = row?.day === day ? row.messagesToday + 1 : 1;
  dc.db.update(mailboxes).set({ lastUid: uid, messagesToday: today, day, updatedAt: at }).where(eq(mailboxes.name, name)).run();
}

/** Moves the checkpoint to `uid` if it is behind (a UID expunged between SEARCH and FETCH). */
export function skipCheckpointTo(dc: DomainCtx, name: string, uid: number): void {
  if ((mailboxCheckpoint(dc, name)?.lastUid ?? 0) < uid) dc.db.update(mailboxes).set({ lastUid: uid }).where(eq(mailboxes.name, name)).run();
}

/** Of `uids`, those whose outcome is committed (so their \Seen, move or delete may be redone). */
export function committedUids(dc: DomainCtx, source: string, uidvalidity: number, uids: number[]): number[] {
  if (uids.length === 0) return [];
  return dc.db
    .select({ uid: inboundMessages.uid, status: inboundMessages.status })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.source, source), eq(inboundMessages.uidvalidity, uidvalidity), inArray(inboundMessages.uid, uids)))
    .all()
    .filter((r) => r.status !== 'pending' && r.uid !== null)
    .map((r) => r.uid as number);
}
