/**
 * Sign-in throttling per email and per client address, kept in the database so it holds across
 * restarts and across server processes and nodes sharing one database. An attempt is counted
 * before its password is checked, in the same write transaction that decides whether it may go
 * ahead, so parallel attempts cannot all pass the check while the first password is still being
 * hashed.
 */
import { and, eq, gt, inArray } from 'drizzle-orm';
import { loginThrottle } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { Tx } from '../../../db/client';
import type { DomainCtx } from '../core/context';

const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 5 * 60 * 1000;
export const MAX_ATTEMPTS_PER_EMAIL = 5;
export const MAX_ATTEMPTS_PER_ADDRESS = 30;

type ThrottleRow = typeof loginThrottle.$inferSelect;

const emailKey = (email: string): string => `email:${email.toLowerCase()}`;
const addressKey = (address: string): string => `addr:${address}`;

/**
 * The row after one more attempt: a new window once the old one is over, locked once the limit
 * is reached. After a lock runs out inside the window the count is still at the limit, so each
 * further attempt locks again: one try per LOCK_MS until the window ends.
 */
function withAttempt(key: string, row: ThrottleRow | undefined, max: number, at: number): ThrottleRow {
  const fresh = !row || at - row.windowStart > WINDOW_MS;
  const failures = fresh ? 1 : row.failures + 1;
  return { key, failures, windowStart: fresh ? at : row.windowStart, lockedUntil: failures >= max ? at + LOCK_MS : 0 };
}

/**
 * Counts one sign-in attempt against the email and the client address, or refuses it
 * (TOO_MANY_ATTEMPTS) when either is locked. A refused attempt costs no password check and
 * is not counted, so a locked address cannot push anyone's email further.
 */
export async function admitAttempt(dc: DomainCtx, email: string, address: string): Promise<void> {
  await admitRequest(
    dc,
    [
      { key: emailKey(email), max: MAX_ATTEMPTS_PER_EMAIL },
      { key: addressKey(address), max: MAX_ATTEMPTS_PER_ADDRESS },
    ],
    'TOO_MANY_ATTEMPTS',
  );
}

/** Reset links asked for, per address asked about and per client, in the same table and windows. */
export const MAX_RESETS_PER_EMAIL = 3;
export const MAX_RESETS_PER_CLIENT = 10;

/**
 * Counts one "forgot password" request, or refuses it (TOO_MANY_REQUESTS). Counted whether or not
 * the address has an account, so the answer tells nothing about which addresses exist.
 */
export async function admitResetRequest(dc: DomainCtx, email: string, address: string): Promise<void> {
  await admitRequest(
    dc,
    [
      { key: `reset:${email.toLowerCase()}`, max: MAX_RESETS_PER_EMAIL },
      { key: `reset-addr:${address}`, max: MAX_RESETS_PER_CLIENT },
    ],
    'TOO_MANY_REQUESTS',
  );
}

/**
 * Confirmation emails to an address someone typed (a project's custom address, a new address for
 * one's account): each goes to an address nobody has confirmed yet, so they are counted per
 * account asking and per address written to, in the same table and windows. Shared by both
 * kinds: switching forms does not reset the count.
 */
export const MAX_CONFIRMATION_MAILS_PER_ACCOUNT = 10;
export const MAX_CONFIRMATION_MAILS_PER_ADDRESS = 5;

/**
 * Counts one confirmation email, or refuses it (CONFIRMATION_MAILS_TO_ADDRESS or
 * CONFIRMATION_MAILS_BY_YOU), inside the write transaction that asks for it once its own checks
 * passed: a request refused for another reason costs nothing.
 */
export async function admitConfirmationMail(tx: Tx, userId: number, to: string, at: number): Promise<void> {
  await countRequest(
    tx,
    [
      { key: `confirm-to:${to.toLowerCase()}`, max: MAX_CONFIRMATION_MAILS_PER_ADDRESS, code: 'CONFIRMATION_MAILS_TO_ADDRESS' },
      { key: `confirm-by:${userId}`, max: MAX_CONFIRMATION_MAILS_PER_ACCOUNT, code: 'CONFIRMATION_MAILS_BY_YOU' },
    ],
    'TOO_MANY_REQUESTS',
    at,
  );
}

/**
 * An invitation sent again: a maintainer may invite a whole team at once, but "Resend" pressed
 * over and over would mail one address without end, so resends count per address (same table and
 * windows as confirmation emails). The first invitation to an address is not counted.
 */
export const MAX_INVITATION_RESENDS_PER_ADDRESS = 5;

export async function admitInvitationResend(tx: Tx, to: string, at: number): Promise<void> {
  await countRequest(tx, [{ key: `invite-to:${to.toLowerCase()}`, max: MAX_INVITATION_RESENDS_PER_ADDRESS, code: 'INVITATIONS_TO_ADDRESS' }], 'TOO_MANY_REQUESTS', at);
}

type ThrottleCode = 'TOO_MANY_ATTEMPTS' | 'TOO_MANY_REQUESTS' | 'CONFIRMATION_MAILS_TO_ADDRESS' | 'CONFIRMATION_MAILS_BY_YOU' | 'INVITATIONS_TO_ADDRESS';

/**
 * Counts one request against every limit, or refuses it with the first locked limit's code (else
 * `code`). One write transaction: the write lock (across processes and nodes) is held from the
 * read to the update, so nobody else can read the same count in between.
 */
async function admitRequest(dc: DomainCtx, limits: Limit[], code: ThrottleCode): Promise<void> {
  const at = dc.now();
  await dc.db.write((tx) => countRequest(tx, limits, code, at));
}

type Limit = { key: string; max: number; code?: ThrottleCode };

async function countRequest(tx: Tx, limits: Limit[], code: ThrottleCode, at: number): Promise<void> {
  const rows: (ThrottleRow | undefined)[] = [];
  for (const { key } of limits) rows.push(await tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get());
  const locked = limits.findIndex((_, i) => (rows[i]?.lockedUntil ?? 0) > at);
  if (locked >= 0) throw new AppError(limits[locked]?.code ?? code);
  for (const [i, { key, max }] of limits.entries()) {
    const next = withAttempt(key, rows[i], max, at);
    await tx.insert(loginThrottle).values(next).onConflictDoUpdate({ target: loginThrottle.key, set: next }).run();
  }
}

/**
 * The password was right: the email starts afresh, and the attempt no longer counts against the
 * address, so an office behind one address is not locked out by its own sign-ins.
 */
export async function attemptSucceeded(dc: DomainCtx, email: string, address: string): Promise<void> {
  await dc.db.write(async (tx) => {
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, emailKey(email))).run();
    const key = addressKey(address);
    const row = await tx.select().from(loginThrottle).where(and(eq(loginThrottle.key, key), gt(loginThrottle.failures, 0))).get();
    if (!row) return;
    const failures = row.failures - 1;
    const lockedUntil = failures < MAX_ATTEMPTS_PER_ADDRESS ? 0 : row.lockedUntil;
    await tx.update(loginThrottle).set({ failures, lockedUntil }).where(eq(loginThrottle.key, key)).run();
  });
}

/** Which of these emails are locked out of signing in right now. */
export async function lockedEmails(dc: DomainCtx, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await dc.db
    .select({ key: loginThrottle.key })
    .from(loginThrottle)
    .where(and(inArray(loginThrottle.key, emails.map(emailKey)), gt(loginThrottle.lockedUntil, dc.now())))
    .all();
  const locked = new Set(rows.map((r) => r.key));
  return new Set(emails.filter((e) => locked.has(emailKey(e))));
}

/** Lets the owner of this email sign in again at once (an admin's decision). */
export async function unlockSignIn(dc: DomainCtx, email: string): Promise<void> {
  await dc.db.write(async (tx) => {
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, emailKey(email))).run();
  });
}
