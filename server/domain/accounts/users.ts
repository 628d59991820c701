import { and, count, eq, isNull } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { Me, UserRef } from '../../../shared/views';
import type { DomainCtx } from '../core/context';
import { recordAudit, type Actor } from '../audit/audit-log';
import { hashPassword } from './passwords';
import { forgetSignInOptions } from './sign-in-cache';

export const SUPPORT_BOT_EMAIL = 'support-bot@threadline.invalid';
export const SUPPORT_BOT_NAME = 'Support Bot';

export type UserRow = typeof users.$inferSelect;

export type PublicUser = Me;

export function toPublicUser(u: UserRow): PublicUser {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, notifyMode: u.notifyMode };
}

export function toUserRef(u: Pick<UserRow, 'id' | 'name' | 'kind'>): UserRef {
  return u.kind === 'bot' ? { id: u.id, name: u.name, bot: true } : { id: u.id, name: u.name };
}

export async function humanUserCount(q: Q): Promise<number> {
  return (await q.select({ n: count() }).from(users).where(eq(users.kind, 'human')).get())?.n ?? 0;
}

/** Nodes that have seen a human account: setup is never needed again (accounts are deactivated, not deleted). */
const setUp = new WeakSet<DomainCtx>();

/** Whether the first administrator is still to be created; once not, asked of the database no more. */
export async function setupNeeded(dc: DomainCtx): Promise<boolean> {
  if (setUp.has(dc)) return false;
  const anyone = await dc.db.select({ id: users.id }).from(users).where(eq(users.kind, 'human')).limit(1).get();
  if (anyone) setUp.add(dc);
  return !anyone;
}

/** Administrators who can still sign in: never fewer than one. */
export async function activeAdminCount(q: Q): Promise<number> {
  return (await q.select({ n: count() }).from(users).where(and(eq(users.kind, 'human'), eq(users.isAdmin, true), isNull(users.deactivatedAt))).get())?.n ?? 0;
}

export async function findUserByEmail(q: Q, email: string): Promise<UserRow | undefined> {
  return q.select().from(users).where(eq(users.email, email.toLowerCase())).get();
}

export async function getUser(q: Q, id: number): Promise<UserRow | undefined> {
  return q.select().from(users).where(eq(users.id, id)).get();
}

function defaultName(email: string): string {
  return email.split('@')[0] ?? email;
}

export async function createUser(
  dc: DomainCtx,
  input: { email: string; password: string; name?: string | undefined; isAdmin?: boolean | undefined },
  actor?: Actor,
): Promise<PublicUser> {
  const email = input.email.toLowerCase();
  if (await findUserByEmail(dc.db, email)) throw new AppError('EMAIL_TAKEN');
  const passwordHash = await hashPassword(input.password);
  // Checked again inside the insert by the unique index; the error maps to EMAIL_TAKEN.
  try {
    const row = await dc.db.write(async (tx) => {
      const at = dc.now();
      const created = await tx
        .insert(users)
        .values({
          email,
          name: input.name ?? defaultName(email),
          passwordHash,
          isAdmin: input.isAdmin ?? false,
          kind: 'human',
          createdAt: at,
        })
        .returning()
        .get();
      if (actor) await recordAudit(tx, actor, { action: 'user.created', target: email, detail: { isAdmin: created.isAdmin } }, at);
      return created;
    });
    forgetSignInOptions(dc);
    return toPublicUser(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN');
    throw err;
  }
}

/**
 * The first administrator. Allowed only while no human user exists; the check and the insert
 * share one transaction so two racing setup requests cannot both win.
 */
export async function createFirstAdmin(
  dc: DomainCtx,
  input: { email: string; password: string; name?: string | undefined },
): Promise<PublicUser> {
  if ((await humanUserCount(dc.db)) > 0) throw new AppError('SETUP_DONE');
  const passwordHash = await hashPassword(input.password);
  const email = input.email.toLowerCase();
  const admin = await dc.db.write(async (tx) => {
    if ((await humanUserCount(tx)) > 0) throw new AppError('SETUP_DONE');
    const row = await tx
      .insert(users)
      .values({ email, name: input.name ?? defaultName(email), passwordHash, isAdmin: true, kind: 'human', createdAt: dc.now() })
      .returning()
      .get();
    return toPublicUser(row);
  });
  forgetSignInOptions(dc);
  return admin;
}

/** The system user that authors everything arriving by email. Created once, never signs in. */
export async function ensureSupportBot(dc: DomainCtx): Promise<UserRow> {
  const existing = await findUserByEmail(dc.db, SUPPORT_BOT_EMAIL);
  if (existing) return existing;
  return dc.db.write(async (tx) => {
    const created = await tx
      .insert(users)
      .values({ email: SUPPORT_BOT_EMAIL, name: SUPPORT_BOT_NAME, passwordHash: null, kind: 'bot', createdAt: dc.now() })
      .onConflictDoNothing()
      .returning()
      .get();
    return created ?? ((await findUserByEmail(tx, SUPPORT_BOT_EMAIL)) as UserRow);
  });
}

/**
 * A unique or primary-key constraint refused the write, on either engine (SQLite's
 * `SQLITE_CONSTRAINT_*`, PostgreSQL's SQLSTATE 23505). drizzle wraps driver errors in a
 * DrizzleQueryError, so the driver's error may be the `cause`.
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return true;
  }
  return false;
}
