/**
 * Single-use links sent by email (invitations, password resets, email-change confirmations).
 * A token is 256 random bits; only its SHA-256 is stored, and the stored hash is compared in
 * constant time after the lookup, so neither the database nor timing gives a usable token away.
 * Tokens are never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { accountTokens } from '../../../db/schema';
import { AppError } from '../../../shared/errors';

export type TokenKind = (typeof accountTokens.$inferSelect)['kind'];
export type TokenRow = typeof accountTokens.$inferSelect;

export const TOKEN_TTL_MS: Record<TokenKind, number> = {
  invitation: 7 * 24 * 60 * 60 * 1000,
  password_reset: 60 * 60 * 1000,
  email_change: 24 * 60 * 60 * 1000,
};

/** What a link's state is, for the page that opens it. */
export type TokenState = 'valid' | 'expired' | 'used' | 'invalid';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** Tokens are 43 base64url characters; anything else is not one of ours (and is not looked up). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The row a token belongs to, of this kind, whatever its state; undefined for an unknown token. */
export async function findToken(q: Q, kind: TokenKind, token: string): Promise<TokenRow | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const hash = hashToken(token);
  const row = await q.select().from(accountTokens).where(and(eq(accountTokens.tokenHash, hash), eq(accountTokens.kind, kind))).get();
  if (!row) return undefined;
  const a = Buffer.from(row.tokenHash, 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? row : undefined;
}

export function tokenState(row: TokenRow | undefined, now: number): TokenState {
  if (!row || row.revokedAt !== null) return 'invalid';
  if (row.usedAt !== null) return 'used';
  if (row.expiresAt <= now) return 'expired';
  return 'valid';
}

/** The row of a token that may be used now, or the error that says why not. */
export async function usableToken(q: Q, kind: TokenKind, token: string, now: number): Promise<TokenRow> {
  const row = await findToken(q, kind, token);
  const state = tokenState(row, now);
  if (state === 'expired') throw new AppError('LINK_EXPIRED');
  if (state === 'used') throw new AppError('LINK_USED');
  if (state !== 'valid' || !row) throw new AppError('LINK_INVALID');
  return row;
}

/**
 * Marks the token used inside the caller's transaction; false if another request used it first
 * (the condition is checked by the update itself, so a token works exactly once).
 */
export async function consumeToken(tx: Tx, row: TokenRow, at: number): Promise<boolean> {
  const used = await tx
    .update(accountTokens)
    .set({ usedAt: at })
    .where(and(eq(accountTokens.id, row.id), isNull(accountTokens.usedAt), isNull(accountTokens.revokedAt)))
    .returning({ id: accountTokens.id })
    .get();
  return used !== undefined;
}

/** Stores a new token's hash; returns the token (for the email) and the row. */
export async function issueToken(
  tx: Tx,
  t: { kind: TokenKind; email: string; userId?: number | null; projectId?: number | null; role?: TokenRow['role']; invitedBy?: number | null },
  at: number,
): Promise<{ token: string; row: TokenRow }> {
  const { token, hash } = newToken();
  const row = await tx
    .insert(accountTokens)
    .values({
      kind: t.kind,
      tokenHash: hash,
      email: t.email.toLowerCase(),
      userId: t.userId ?? null,
      projectId: t.projectId ?? null,
      role: t.role ?? null,
      invitedBy: t.invitedBy ?? null,
      createdAt: at,
      expiresAt: at + TOKEN_TTL_MS[t.kind],
    })
    .returning()
    .get();
  return { token, row };
}

/** Older unused links of this kind for this account stop working when a new one is sent. */
export async function retireTokens(tx: Tx, kind: TokenKind, userId: number, at: number): Promise<void> {
  await tx
    .update(accountTokens)
    .set({ revokedAt: at })
    .where(and(eq(accountTokens.kind, kind), eq(accountTokens.userId, userId), isNull(accountTokens.usedAt), isNull(accountTokens.revokedAt)))
    .run();
}
