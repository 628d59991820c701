import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, lt, ne } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { sessions, users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { SessionView } from '../../../shared/views';
import type { DomainCtx } from '../core/context';
import type { UserRow } from './users';
import { writeAccessChange } from './access-signal';

export const SESSION_COOKIE = 'tl_session';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A session's stored id, for state that must follow a session without keeping its secret token. */
export function sessionIdFor(token: string): string {
  return hashToken(token);
}

/** Where a session was started from, for the list in My profile. */
export interface SessionMeta {
  userAgent?: string | undefined;
  clientAddress?: string | undefined;
}

/** Returns the token for the cookie; only its hash is stored. */
export async function createSession(dc: DomainCtx, userId: number, ttlMs: number, meta: SessionMeta = {}): Promise<{ token: string; expiresAt: number }> {
  return dc.db.write((tx) => createSessionTx(tx, userId, ttlMs, dc.now(), meta));
}

/** A new session inside the caller's transaction (a password reset ends the others in the same one). */
export async function createSessionTx(tx: Tx, userId: number, ttlMs: number, at: number, meta: SessionMeta = {}): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = at + ttlMs;
  await tx
    .insert(sessions)
    .values({
      id: hashToken(token),
      userId,
      createdAt: at,
      expiresAt,
      lastSeenAt: at,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      clientAddress: meta.clientAddress?.slice(0, 100) ?? null,
    })
    .run();
  return { token, expiresAt };
}

/** Ends every session of a user (deactivation); with `keepToken`, all but that one. */
export async function deleteSessionsTx(tx: Tx, userId: number, keepToken?: string): Promise<void> {
  const keep = keepToken ? ne(sessions.id, hashToken(keepToken)) : undefined;
  await tx.delete(sessions).where(and(eq(sessions.userId, userId), keep)).run();
}

/** The opaque id a session is shown under: never its stored hash in full. */
function publicSessionId(storedId: string): string {
  return storedId.slice(0, 16);
}

export async function listSessions(dc: DomainCtx, userId: number, currentToken: string | undefined): Promise<SessionView[]> {
  const current = currentToken ? hashToken(currentToken) : '';
  const rows = await dc.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, dc.now())))
    .orderBy(desc(sessions.createdAt))
    .limit(100)
    .all();
  return rows.map((r) => ({
    id: publicSessionId(r.id),
    current: r.id === current,
    createdAt: new Date(r.createdAt).toISOString(),
    lastSeenAt: new Date(r.lastSeenAt).toISOString(),
    userAgent: r.userAgent,
    clientAddress: r.clientAddress,
  }));
}

/** "Sign out everywhere else": every session of the user but the caller's. */
export async function signOutOtherSessions(dc: DomainCtx, userId: number, currentToken: string | undefined): Promise<void> {
  await writeAccessChange(dc, async (tx, changed) => {
    await deleteSessionsTx(tx, userId, currentToken ?? '');
    changed(userId);
  });
}

/** Ends one of the user's own sessions by the id the list showed. */
export async function revokeSession(dc: DomainCtx, userId: number, id: string): Promise<void> {
  const rows = await dc.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId)).all();
  const target = rows.find((r) => publicSessionId(r.id) === id);
  if (!target) throw new AppError('SESSION_NOT_FOUND');
  await writeAccessChange(dc, async (tx, changed) => {
    await tx.delete(sessions).where(and(eq(sessions.id, target.id), eq(sessions.userId, userId))).run();
    changed(userId);
  });
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
  // A deactivated user's sessions are deleted too; this also covers a deactivation racing a sign-in.
  if (!row || row.user.kind !== 'human' || row.user.deactivatedAt !== null) return null;
  return row.user;
}

export async function deleteSession(dc: DomainCtx, token: string | undefined): Promise<void> {
  if (!token) return;
  const id = hashToken(token);
  await writeAccessChange(dc, async (tx, changed) => {
    const gone = await tx.delete(sessions).where(eq(sessions.id, id)).returning({ userId: sessions.userId }).all();
    for (const g of gone) changed(g.userId);
  });
}

export async function purgeExpiredSessions(dc: DomainCtx): Promise<void> {
  const now = dc.now();
  await dc.db.write(async (tx) => {
    await tx.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  });
}
