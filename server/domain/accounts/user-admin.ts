/**
 * User administration (the Admin page and the command line): search and page users, deactivate
 * and reactivate, grant and remove the administrator flag — never leaving the instance without an
 * active administrator — and unlock sign-in. Deactivation deletes every session in the same
 * transaction; live streams re-check their session about every half second (events/viewer-access),
 * so they end within a second on every node. A deactivated user's notes, tickets and memberships
 * stay as they were.
 */
import { and, asc, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { AdminUserView } from '../../../shared/views';
import { recordAudit, type Actor } from '../audit/audit-log';
import type { DomainCtx } from '../core/context';
import { lockedEmails, unlockSignIn } from './login-throttle';
import { deleteSessionsTx } from './sessions';
import { activeAdminCount, findUserByEmail, getUser, type UserRow } from './users';
import { writeAccessChange } from './access-signal';

function adminView(u: UserRow, locked: boolean): AdminUserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    locked,
    deactivated: u.deactivatedAt !== null,
    sso: u.oidcSubject !== null,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

/** `%` and `_` typed into the search box are matched literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listUsers(
  dc: DomainCtx,
  opts: { search?: string | undefined; status?: 'active' | 'deactivated' | 'all' | undefined; afterId?: number | undefined; limit: number },
): Promise<AdminUserView[]> {
  const search = opts.search?.trim();
  const pattern = search ? likePattern(search) : null;
  const status = opts.status ?? 'all';
  const rows = await dc.db
    .select()
    .from(users)
    .where(
      and(
        eq(users.kind, 'human'),
        gt(users.id, opts.afterId ?? 0),
        status === 'active' ? isNull(users.deactivatedAt) : status === 'deactivated' ? isNotNull(users.deactivatedAt) : undefined,
        pattern ? or(sql`lower(${users.email}) like ${pattern} escape '\\'`, sql`lower(${users.name}) like ${pattern} escape '\\'`) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(opts.limit)
    .all();
  const locked = await lockedEmails(dc, rows.map((u) => u.email));
  return rows.map((u) => adminView(u, locked.has(u.email)));
}

async function humanUser(dc: DomainCtx, ref: { userId: number } | { email: string }): Promise<UserRow> {
  const user = 'userId' in ref ? await getUser(dc.db, ref.userId) : await findUserByEmail(dc.db, ref.email);
  if (!user || user.kind !== 'human') throw new AppError('USER_NOT_FOUND');
  return user;
}

/** Clears a user's failed sign-ins so they can sign in again at once. */
export async function unlockUser(dc: DomainCtx, ref: { userId: number } | { email: string }): Promise<AdminUserView> {
  const user = await humanUser(dc, ref);
  await unlockSignIn(dc, user.email);
  return adminView(user, false);
}

/**
 * Deactivates an account: no sign-in, every session deleted (so every page and live stream of
 * theirs ends within a second, on every node). The last active administrator cannot be
 * deactivated, and nobody deactivates themselves.
 */
export async function deactivateUser(dc: DomainCtx, actor: Actor, ref: { userId: number } | { email: string }): Promise<AdminUserView> {
  const user = await humanUser(dc, ref);
  if (actor.id === user.id) throw new AppError('NOT_YOURSELF');
  const row = await writeAccessChange(dc, async (tx, changed) => {
    const at = dc.now();
    const current = (await tx.select().from(users).where(eq(users.id, user.id)).get()) as UserRow;
    if (current.deactivatedAt !== null) return current;
    if (current.isAdmin && (await activeAdminCount(tx)) <= 1) throw new AppError('LAST_ADMIN');
    const updated = await tx.update(users).set({ deactivatedAt: at }).where(eq(users.id, user.id)).returning().get();
    await deleteSessionsTx(tx, user.id);
    changed(user.id);
    await recordAudit(tx, actor, { action: 'user.deactivated', target: user.email }, at);
    return updated;
  });
  return adminView(row, false);
}

export async function reactivateUser(dc: DomainCtx, actor: Actor, ref: { userId: number } | { email: string }): Promise<AdminUserView> {
  const user = await humanUser(dc, ref);
  const row = await dc.db.write(async (tx) => {
    const at = dc.now();
    const updated = await tx.update(users).set({ deactivatedAt: null }).where(and(eq(users.id, user.id), isNotNull(users.deactivatedAt))).returning().get();
    if (!updated) return (await tx.select().from(users).where(eq(users.id, user.id)).get()) as UserRow;
    await recordAudit(tx, actor, { action: 'user.reactivated', target: user.email }, at);
    return updated;
  });
  return adminView(row, (await lockedEmails(dc, [row.email])).has(row.email));
}

/**
 * Forgets which identity at the single sign-on provider the account is linked to: the next
 * sign-in with a verified email of the account links the identity it comes with. For a person
 * whose identity at the provider changed (a new tenant, a directory rebuilt), whom SSO_ACCOUNT_LINKED
 * refuses; an administrator first makes sure the address still belongs to them. Their sessions
 * end too, as when any way into an account changes.
 */
export async function unlinkSso(dc: DomainCtx, actor: Actor, ref: { userId: number }): Promise<AdminUserView> {
  const user = await humanUser(dc, ref);
  // as every change that ends sessions: the account's open streams are told, within the commit
  const row = await writeAccessChange(dc, async (tx, changed) => {
    const at = dc.now();
    const updated = await tx.update(users).set({ oidcSubject: null }).where(and(eq(users.id, user.id), isNotNull(users.oidcSubject))).returning().get();
    if (!updated) return (await tx.select().from(users).where(eq(users.id, user.id)).get()) as UserRow;
    await deleteSessionsTx(tx, user.id);
    changed(user.id);
    await recordAudit(tx, actor, { action: 'user.sso_unlinked', target: user.email }, at);
    return updated;
  });
  return adminView(row, (await lockedEmails(dc, [row.email])).has(row.email));
}

/** Grants or removes the administrator flag; the last active administrator keeps it. */
export async function setAdmin(dc: DomainCtx, actor: Actor, userId: number, isAdmin: boolean): Promise<AdminUserView> {
  const user = await humanUser(dc, { userId });
  const row = await writeAccessChange(dc, async (tx, changed) => {
    const at = dc.now();
    const current = (await tx.select().from(users).where(eq(users.id, userId)).get()) as UserRow;
    if (current.isAdmin === isAdmin) return current;
    if (!isAdmin && current.deactivatedAt === null && (await activeAdminCount(tx)) <= 1) throw new AppError('LAST_ADMIN');
    const updated = await tx.update(users).set({ isAdmin }).where(eq(users.id, userId)).returning().get();
    // (an admin may have streams in any project, a member only in theirs)
    changed(userId, 'every-project');
    await recordAudit(tx, actor, { action: isAdmin ? 'user.admin_granted' : 'user.admin_removed', target: user.email }, at);
    return updated;
  });
  return adminView(row, (await lockedEmails(dc, [row.email])).has(row.email));
}
