/**
 * Sign-in with throttling. Failures are counted per email and per client address in the
 * database (so restarts do not reset them); the answer never tells whether an email exists.
 */
import { eq } from 'drizzle-orm';
import { loginThrottle } from '../../db/schema';
import { AppError } from '../../shared/errors';
import type { DomainCtx } from './context';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords';
import { findUserByEmail, type UserRow } from './users';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES_PER_EMAIL = 5;
const MAX_FAILURES_PER_ADDRESS = 30;
const LOCK_MS = 5 * 60 * 1000;

function isLocked(dc: DomainCtx, key: string): boolean {
  const row = dc.db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
  return !!row && row.lockedUntil > dc.now();
}

function recordFailure(dc: DomainCtx, key: string, max: number): void {
  const at = dc.now();
  dc.db.transaction((tx) => {
    const row = tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    const fresh = !row || at - row.windowStart > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const lockedUntil = failures >= max ? at + LOCK_MS : 0;
    tx.insert(loginThrottle)
      .values({ key, failures, windowStart: fresh ? at : row.windowStart, lockedUntil })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: { failures, windowStart: fresh ? at : row.windowStart, lockedUntil },
      })
      .run();
  });
}

function clear(dc: DomainCtx, key: string): void {
  dc.db.delete(loginThrottle).where(eq(loginThrottle.key, key)).run();
}

export async function checkCredentials(
  dc: DomainCtx,
  input: { email: string; password: string; clientAddress: string },
): Promise<UserRow> {
  const emailKey = `email:${input.email.toLowerCase()}`;
  const addressKey = `addr:${input.clientAddress}`;
  if (isLocked(dc, emailKey) || isLocked(dc, addressKey)) throw new AppError('TOO_MANY_ATTEMPTS');
  const user = findUserByEmail(dc.db, input.email);
  const hash = user?.kind === 'human' ? user.passwordHash : null;
  // Verify against a dummy hash for unknown emails so both paths take the same time.
  const ok = await verifyPassword(input.password, hash ?? (await DUMMY_HASH_PROMISE));
  if (!user || !hash || !ok) {
    recordFailure(dc, emailKey, MAX_FAILURES_PER_EMAIL);
    recordFailure(dc, addressKey, MAX_FAILURES_PER_ADDRESS);
    throw new AppError('INVALID_CREDENTIALS');
  }
  clear(dc, emailKey);
  return user;
}
