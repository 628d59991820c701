import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import { AppError } from '../../shared/errors';
import type { UserRef } from '../../shared/views';
import type { DomainCtx } from './context';
import { lockedEmails, unlockSignIn } from './login-throttle';
import { hashPassword } from './passwords';

export const SUPPORT_BOT_EMAIL = 'support-bot@threadline.invalid';
export const SUPPORT_BOT_NAME = 'Support Bot';

export type UserRow = typeof users.$inferSelect;

export interface PublicUser {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
}

/** A user as the admin list shows them: `locked` while too many failed sign-ins keep them out. */
export interface AdminUserView extends PublicUser {
  locked: boolean;
}

export function toPublicUser(u: UserRow): PublicUser {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin };
}

export function toUserRef(u: Pick<UserRow, 'id' | 'name' | 'kind'>): UserRef {
  return u.kind === 'bot' ? { id: u.id, name: u.name, bot: true } : { id: u.id, name: u.name };
}

export function humanUserCount(db: Db): number {
  return db.select({ n: count() }).from(users).where(eq(users.kind, 'human')).get()?.n ?? 0;
}

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
}

export function getUser(db: Db, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

function defaultName(email: string): string {
  return email.split('@')[0] ?? email;
}

export async function createUser(
  dc: DomainCtx,
  input: { email: string; password: string; name?: string | undefined; isAdmin?: boolean | undefined },
): Promise<PublicUser> {
  const email = input.email.toLowerCase();
  if (findUserByEmail(dc.db, email)) throw new AppError('EMAIL_TAKEN');
  const passwordHash = await hashPassword(input.password);
  // Checked again inside the insert by the unique index; the error maps to EMAIL_TAKEN.
  try {
    const row = dc.db
      .insert(users)
      .values({
        email,
        name: input.name ?? defaultName(email),
        passwordHash,
        isAdmin: input.isAdmin ?? false,
        kind: 'human',
        createdAt: dc.now(),
      })
      .returning()
      .get();
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
  if (humanUserCount(dc.db) > 0) throw new AppError('SETUP_DONE');
  const passwordHash = await hashPassword(input.password);
  const email = input.email.toLowerCase();
  return dc.db.transaction(
    (tx) => {
      const n = tx.select({ n: count() }).from(users).where(eq(users.kind, 'human')).get()?.n ?? 0;
      if (n > 0) throw new AppError('SETUP_DONE');
      const row = tx
        .insert(users)
        .values({ email, name: input.name ?? defaultName(email), passwordHash, isAdmin: true, kind: 'human', createdAt: dc.now() })
        .returning()
        .get();
      return toPublicUser(row);
    },
    { behavior: 'immediate' },
  );
}

export function listUsers(dc: DomainCtx, opts: { afterId?: number | undefined; limit: number }): AdminUserView[] {
  const rows = dc.db
    .select()
    .from(users)
    .where(and(eq(users.kind, 'human'), gt(users.id, opts.afterId ?? 0)))
    .orderBy(asc(users.id))
    .limit(opts.limit)
    .all();
  const locked = lockedEmails(dc, rows.map((u) => u.email));
  return rows.map((u) => ({ ...toPublicUser(u), locked: locked.has(u.email) }));
}

/** Clears a user's failed sign-ins so they can sign in again at once. */
export function unlockUser(dc: DomainCtx, ref: { userId: number } | { email: string }): AdminUserView {
  const user = 'userId' in ref ? getUser(dc.db, ref.userId) : findUserByEmail(dc.db, ref.email);
  if (!user || user.kind !== 'human') throw new AppError('USER_NOT_FOUND');
  unlockSignIn(dc, user.email);
  return { ...toPublicUser(user), locked: false };
}

/** The system user that authors everything arriving by email. Created once, never signs in. */
export function ensureSupportBot(db: Db, at: number): UserRow {
  const existing = findUserByEmail(db, SUPPORT_BOT_EMAIL);
  if (existing) return existing;
  return db
    .insert(users)
    .values({ email: SUPPORT_BOT_EMAIL, name: SUPPORT_BOT_NAME, passwordHash: null, kind: 'bot', createdAt: at })
    .onConflictDoNothing()
    .returning()
    .get() ?? (findUserByEmail(db, SUPPORT_BOT_EMAIL) as UserRow);
}

export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
