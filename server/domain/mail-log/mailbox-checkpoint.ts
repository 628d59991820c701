/**
 * An IMAP mailbox's state as the domain keeps it: health (state, last error), and the checkpoint
 * (UIDVALIDITY + last committed UID) that makes a restart fetch exactly what was not yet
 * processed. The IMAP source calls these; it never touches the tables itself.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { inboundMessages, mailboxes } from '../../../db/schema';
import type { DomainCtx } from '../core/context';

export type MailboxRow = typeof mailboxes.$inferSelect;

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export async function reportMailboxState(dc: DomainCtx, name: string, state: string, err?: unknown): Promise<void> {
  const at = dc.now();
  // `idle`: the watcher caught up without error, which is the mailbox's last success.
  const fields = err
    ? { state, lastError: err instanceof Error ? err.message : String(err), lastErrorAt: at, updatedAt: at }
    : state === 'idle'
      ? { state, lastSuccessAt: at, updatedAt: at }
      : { state, updatedAt: at };
  await dc.db.write(async (tx) => {
    await tx.insert(mailboxes).values({ name, day: dayOf(at), ...fields }).onConflictDoUpdate({ target: mailboxes.name, set: fields }).run();
  });
}

async function readCheckpoint(q: Q, name: string): Promise<MailboxRow | undefined> {
  return q.select().from(mailboxes).where(eq(mailboxes.name, name)).get();
}

export async function mailboxCheckpoint(dc: DomainCtx, name: string): Promise<MailboxRow | undefined> {
  return readCheckpoint(dc.db, name);
}

/**
 * A new or rebuilt mailbox (no checkpoint yet, or UIDVALIDITY changed): UIDs mean something else
 * now. The checkpoint starts after the messages the folder holds (`lastExisting`, the highest UID
 * now); of those, only unread ones are still to be fetched (`backfillTo`, see `finishBackfill`):
 * mail someone had already read before Threadline watched the folder is left alone, as GitLab's
 * mail_room does, instead of becoming hundreds of tickets and thank-you emails at once.
 */
export async function resetCheckpoint(dc: DomainCtx, name: string, uidvalidity: number, lastExisting: number): Promise<void> {
  const at = dc.now();
  const fields = { uidvalidity, lastUid: lastExisting, backfillTo: lastExisting > 0 ? lastExisting : null, updatedAt: at };
  await dc.db.write(async (tx) => {
    await tx.insert(mailboxes).values({ name, ...fields }).onConflictDoUpdate({ target: mailboxes.name, set: fields }).run();
  });
}

/** Every unread message that was in the folder when it was (re)opened is committed. */
export async function finishBackfill(dc: DomainCtx, name: string): Promise<void> {
  await dc.db.write(async (tx) => {
    await tx.update(mailboxes).set({ backfillTo: null }).where(eq(mailboxes.name, name)).run();
  });
}

/** The message with `uid` is committed: the checkpoint moves past it and today's count goes up. */
export async function advanceCheckpoint(dc: DomainCtx, name: string, uid: number): Promise<void> {
  const at = dc.now();
  const day = dayOf(at);
  await dc.db.write(async (tx) => {
    const row = await readCheckpoint(tx, name);
    const today = row?.day === day ? row.messagesToday + 1 : 1;
    // Only ever forward: a watcher that lost its lease and finishes late must not move it back.
    const lastUid = Math.max(row?.lastUid ?? 0, uid);
    await tx.update(mailboxes).set({ lastUid, messagesToday: today, day, updatedAt: at }).where(eq(mailboxes.name, name)).run();
  });
}

/** Moves the checkpoint to `uid` if it is behind (a UID expunged between SEARCH and FETCH). */
export async function skipCheckpointTo(dc: DomainCtx, name: string, uid: number): Promise<void> {
  await dc.db.write(async (tx) => {
    if (((await readCheckpoint(tx, name))?.lastUid ?? 0) < uid) await tx.update(mailboxes).set({ lastUid: uid }).where(eq(mailboxes.name, name)).run();
  });
}

/** Of `uids`, those whose outcome is committed (so their \Seen, move or delete may be redone). */
export async function committedUids(dc: DomainCtx, source: string, uidvalidity: number, uids: number[]): Promise<number[]> {
  if (uids.length === 0) return [];
  const rows = await dc.db
    .select({ uid: inboundMessages.uid, status: inboundMessages.status })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.source, source), eq(inboundMessages.uidvalidity, uidvalidity), inArray(inboundMessages.uid, uids)))
    .all();
  return rows.filter((r) => r.status !== 'pending' && r.uid !== null).map((r) => r.uid as number);
}
