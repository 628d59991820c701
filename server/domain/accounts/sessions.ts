import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { sessions, users } from '../../../db/schema';
import type { DomainCtx } from '../core/context';
import type { UserRow } from './users';

export const SESSION_COOKIE = 'tl_session';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A session's stored id, for state that must follow a session without keeping its secret token. */
export function sessionIdFor(token: string): string {
  return hashToken(token);
}

/** Returns the token for the cookie; only its hash is stored. */
export async function createSession(dc: DomainCtx, userId: number, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const at = dc.now();
  const expiresAt = at + ttlMs;
  await dc.db.write(async (tx) => {
    await tx.insert(sessions).values({ id: hashToken(token), userId, createdAt: at, expiresAt, lastSeenAt: at }).run();
  });
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or null when missing, unknown or expired. */
export async function resolveSession(dc: DomainCtx, token: string | undefined): Promise<UserRow | null> {
  if (!token || token.length > 200) return null;
  const row = await dc.db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, hashToken(token)), gt(sessions.expiresAt, dc.now())))
    .get();
  if (!row || row.user.kind !== 'human') return null;
  return row.user;
}

export async function deleteSession(dc: DomainCtx, token: string | undefined): Promise<void> {
  if (!token) return;
  const id = hashToken(token);
  await dc.db.write(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, id)).run();
  });
}

export async function purgeExpiredSessions(dc: DomainCtx): Promise<void> {
  const now = dc.now();
  await dc.db.write(async (tx) => {
    await tx.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  });
}
