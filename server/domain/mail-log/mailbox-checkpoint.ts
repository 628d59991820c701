/**
 * An IMAP mailbox's state as the domain keeps it: health (state, last error), and the checkpoint
 * (UIDVALIDITY + last committed UID) that makes a restart fetch exactly what was not yet
 * processed. The IMAP source calls these; it never touches the tables itself.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { inboundMessages, mailboxes } from '../../../db/schema';
import type { DomainCtx } from '../core/context';
import type { ExistingMail } from '../../../shared/mail-settings';

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
 * A new mailbox (no checkpoint yet, or one edited to read another folder: `scope`), or a rebuilt
 * one (UIDVALIDITY changed): UIDs mean something else now. The checkpoint starts after the
 * messages the folder holds (`lastExisting`, the highest UID now); which of those are still to be
 * fetched (the backfill, up to `backfillTo`) is the mailbox's choice: by default only unread ones,
 * so mail someone had already read before Threadline watched the folder is left alone, as GitLab's
 * mail_room does, instead of becoming hundreds of tickets and thank-you emails at once; or all of
 * them; or none. A rebuilt folder also takes what was received since `since` (the last time it was
 * read, less a margin), read or not: that may be new to us.
 */
export async function resetCheckpoint(
  dc: DomainCtx,
  name: string,
  c: { uidvalidity: number; scope: string; lastExisting: number; since: number | null; choice: ExistingMail },
): Promise<void> {
  const at = dc.now();
  const fields = {
    uidvalidity: c.uidvalidity,
    existingMail: c.choice,
    deltaScope: c.scope,
    lastUid: c.lastExisting,
    backfillTo: c.lastExisting > 0 ? c.lastExisting : null,
    backfillFrom: 0,
    backfillSince: c.since,
    updatedAt: at,
  };
  await dc.db.write(async (tx) => {
    await tx.insert(mailboxes).values({ name, ...fields }).onConflictDoUpdate({ target: mailboxes.name, set: fields }).run();
  });
}

/** A checkpoint kept from before scopes were recorded: it is this folder's (nothing else changes). */
export async function recordScope(dc: DomainCtx, name: string, scope: string): Promise<void> {
  await dc.db.write(async (tx) => {
    await tx.update(mailboxes).set({ deltaScope: scope }).where(and(eq(mailboxes.name, name), isNull(mailboxes.deltaScope))).run();
  });
}

/** The backfill has visited `uid` (taken it, or found it gone): it is never fetched again. Only forward, only for this UIDVALIDITY. */
export async function advanceBackfill(dc: DomainCtx, name: string, uidvalidity: number, uid: number): Promise<void> {
  await dc.db.write(async (tx) => {
    const row = await readCheckpoint(tx, name);
    if (!row || row.uidvalidity !== uidvalidity || row.backfillTo === null || (row.backfillFrom ?? 0) >= uid) return;
    await tx.update(mailboxes).set({ backfillFrom: uid }).where(eq(mailboxes.name, name)).run();
  });
}

/** The backfill of this UIDVALIDITY is done (a watcher that lost its lease cannot end another's). */
export async function finishBackfill(dc: DomainCtx, name: string, uidvalidity: number): Promise<void> {
  await dc.db.write(async (tx) => {
    await tx
      .update(mailboxes)
      .set({ backfillTo: null, backfillFrom: null, backfillSince: null })
      .where(and(eq(mailboxes.name, name), eq(mailboxes.uidvalidity, uidvalidity)))
      .run();
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
