/**
 * My profile: name, signature for public replies, notification mode, password (the current one
 * is needed; other sessions end) and email (changed only when a link sent to the new address is
 * opened).
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { accountTokens, users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { NotifyMode, ProfileView } from '../../../shared/views';
import { recordAudit } from '../audit/audit-log';
import type { DomainCtx } from '../core/context';
import { queueAccountMail } from './account-mail';
import { hashPassword, verifyPassword } from './passwords';
import { deleteSessionsTx } from './sessions';
import { admitConfirmationMail } from './login-throttle';
import { consumeToken, issueToken, retireTokens, usableToken } from './tokens';
import { findUserByEmail, getUser, isUniqueViolation, type UserRow } from './users';
import { writeAccessChange } from './access-signal';

export async function getProfile(dc: DomainCtx, user: UserRow): Promise<ProfileView> {
  const fresh = (await getUser(dc.db, user.id)) ?? user;
  const pendingEmail = await dc.db
    .select({ email: accountTokens.email })
    .from(accountTokens)
    .where(and(eq(accountTokens.kind, 'email_change'), eq(accountTokens.userId, user.id), isNull(accountTokens.usedAt), isNull(accountTokens.revokedAt), gt(accountTokens.expiresAt, dc.now())))
    .orderBy(desc(accountTokens.id))
    .get();
  return {
    id: fresh.id,
    email: fresh.email,
    name: fresh.name,
    signature: fresh.signature,
    notifyMode: fresh.notifyMode,
    hasPassword: fresh.passwordHash !== null,
    pendingEmail: pendingEmail?.email ?? null,
  };
}

export async function updateProfile(
  dc: DomainCtx,
  user: UserRow,
  input: { name?: string | undefined; signature?: string | undefined; notifyMode?: NotifyMode | undefined },
): Promise<ProfileView> {
  const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  await dc.db.write(async (tx) => {
    await tx.update(users).set(set).where(eq(users.id, user.id)).run();
    if (input.name !== undefined && input.name !== user.name) {
      await recordAudit(tx, { id: user.id, name: input.name }, { action: 'user.renamed', target: user.email, detail: { from: user.name, to: input.name } }, dc.now());
    }
  });
  return getProfile(dc, user);
}

/** Needs the current password (when the account has one); every other session of the account ends. */
export async function changePassword(dc: DomainCtx, user: UserRow, input: { currentPassword: string; newPassword: string }, currentSession: string | undefined): Promise<void> {
  if (user.passwordHash !== null && !(await verifyPassword(input.currentPassword, user.passwordHash))) throw new AppError('WRONG_PASSWORD');
  const passwordHash = await hashPassword(input.newPassword);
  await writeAccessChange(dc, async (tx, changed) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    await deleteSessionsTx(tx, user.id, currentSession ?? '');
    changed(user.id);
    await recordAudit(tx, { id: user.id, name: user.name }, { action: 'user.password_changed', target: user.email }, dc.now());
  });
}

/**
 * Sends a confirmation link to the new address; the account keeps its old address until the link
 * is opened. An address another account uses is refused when the link is opened, not here, so
 * this does not tell whether an address has an account.
 */
export async function requestEmailChange(dc: DomainCtx, user: UserRow, input: { email: string; currentPassword?: string | undefined }): Promise<ProfileView> {
  if (user.passwordHash !== null && !(await verifyPassword(input.currentPassword ?? '', user.passwordHash))) throw new AppError('WRONG_PASSWORD');
  const email = input.email.toLowerCase();
  if (email !== user.email) {
    await dc.db.write(async (tx) => {
      const at = dc.now();
      await admitConfirmationMail(tx, user.id, email, at);
      await retireTokens(tx, 'email_change', user.id, at);
      const { token } = await issueToken(tx, { kind: 'email_change', email, userId: user.id }, at);
      await queueAccountMail(tx, dc.mail, { kind: 'email_change', to: email, token }, at);
    });
  }
  return getProfile(dc, user);
}

/** Opening the link: the account's address becomes the new one. */
export async function confirmEmailChange(dc: DomainCtx, token: string): Promise<{ email: string }> {
  const row = await usableToken(dc.db, 'email_change', token, dc.now());
  if (await findUserByEmail(dc.db, row.email)) throw new AppError('EMAIL_TAKEN');
  try {
    return await dc.db.write(async (tx) => {
      const at = dc.now();
      if (!(await consumeToken(tx, row, at))) throw new AppError('LINK_USED');
      const user = row.userId === null ? undefined : await tx.select().from(users).where(eq(users.id, row.userId)).get();
      if (!user || user.deactivatedAt !== null) throw new AppError('LINK_INVALID');
      await tx.update(users).set({ email: row.email }).where(eq(users.id, user.id)).run();
      await recordAudit(tx, { id: user.id, name: user.name }, { action: 'user.email_changed', target: row.email, detail: { from: user.email } }, at);
      return { email: row.email };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN');
    throw err;
  }
}
