import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { sessions, users } from '../../db/schema';
import type { DomainCtx } from './context';
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
export function createSession(dc: DomainCtx, userId: number, ttlMs: number): { token: string; expiresAt: number } {
  const token = randomBytes(32).toString('base64url');
  const at = dc.now();
  const expiresAt = at + ttlMs;
  dc.db.insert(sessions).values({ id: hashToken(token), userId, createdAt: at, expiresAt, lastSeenAt: at }).run();
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or null when missing, unknown or expired. */
export function resolveSession(dc: DomainCtx, token: string | undefined): UserRow | null {
  if (!token || token.length > 200) return null;
  const row = dc.db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, hashToken(token)), gt(sessions.expiresAt, dc.now())))
    .get();
  if (!row || row.user.kind !== 'human') return null;
  return row.user;
}

export function deleteSession(dc: DomainCtx, token: string | undefined): void {
  if (!token) return;
  dc.db.delete(sessions).where(eq(sessions.id, hashToken(token))).run();
}

export function purgeExpiredSessions(dc: DomainCtx): void {
  dc.db.delete(sessions).where(lt(sessions.expiresAt, dc.now())).run();
}
