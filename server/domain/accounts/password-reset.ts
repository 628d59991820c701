/**
 * "Forgot password?": a single-use link, valid for an hour, emailed through the outbox. Asking
 * answers the same whether or not the address has an account, and is throttled per address and
 * per client (counted in the database, so across nodes). Using the link sets the password and
 * ends every other session of the account. Admins can send a link; operators without mail get
 * one printed by `desk reset-password`.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { recordAudit, type Actor } from '../audit/audit-log';
import type { DomainCtx } from '../core/context';
import { linkFor, queueAccountMail } from './account-mail';
import { admitResetRequest } from './login-throttle';
import { hashPassword } from './passwords';
import { createSessionTx, deleteSessionsTx, type SessionMeta } from './sessions';
import { consumeToken, findToken, issueToken, retireTokens, tokenState, usableToken, type TokenState } from './tokens';
import { findUserByEmail, getUser, type UserRow } from './users';
import { writeAccessChange } from './access-signal';

/** Whether password sign-in (and so a reset) is open to this user; set by single sign-on's "SSO only". */
export type PasswordPolicy = (user: UserRow) => Promise<boolean>;

/**
 * Emails a reset link if the address belongs to an active account that may use a password.
 * Always resolves the same way for any address (errors only for throttling, counted alike).
 */
export async function requestPasswordReset(dc: DomainCtx, email: string, clientAddress: string, mayUsePassword: PasswordPolicy): Promise<void> {
  await admitResetRequest(dc, email, clientAddress);
  const user = await findUserByEmail(dc.db, email);
  if (!user || user.kind !== 'human' || user.deactivatedAt !== null || !(await mayUsePassword(user))) return;
  await dc.db.write(async (tx) => {
    const at = dc.now();
    await retireTokens(tx, 'password_reset', user.id, at);
    const { token } = await issueToken(tx, { kind: 'password_reset', email: user.email, userId: user.id }, at);
    await queueAccountMail(tx, dc.mail, { kind: 'password_reset', to: user.email, token }, at);
  });
}

/**
 * A reset link for an account, issued by an administrator (emailed) or an operator (`email:
 * false`: returned, printed by the command line).
 */
export async function issuePasswordReset(dc: DomainCtx, actor: Actor, ref: { userId: number } | { email: string }, opts: { email: boolean }): Promise<{ url: string }> {
  const user = 'userId' in ref ? await getUser(dc.db, ref.userId) : await findUserByEmail(dc.db, ref.email);
  if (!user || user.kind !== 'human') throw new AppError('USER_NOT_FOUND');
  if (user.deactivatedAt !== null) throw new AppError('ACCOUNT_DEACTIVATED', 'This account is deactivated: reactivate it first.');
  return dc.db.write(async (tx) => {
    const at = dc.now();
    await retireTokens(tx, 'password_reset', user.id, at);
    const { token } = await issueToken(tx, { kind: 'password_reset', email: user.email, userId: user.id }, at);
    if (opts.email) await queueAccountMail(tx, dc.mail, { kind: 'password_reset', to: user.email, token }, at);
    await recordAudit(tx, actor, { action: opts.email ? 'user.reset_link_sent' : 'user.reset_link_issued', target: user.email }, at);
    return { url: linkFor(dc.mail, 'password_reset', token) };
  });
}

/** What the reset page shows before asking for a password. */
export async function passwordResetState(dc: DomainCtx, token: string): Promise<{ state: TokenState; email: string | null }> {
  const row = await findToken(dc.db, 'password_reset', token);
  const state = tokenState(row, dc.now());
  return { state, email: state === 'valid' && row ? row.email : null };
}

/**
 * Sets the new password, ends every session of the account and starts one for this browser — all
 * in one transaction, and only once per link.
 */
export async function resetPassword(
  dc: DomainCtx,
  input: { token: string; password: string },
  session: { ttlMs: number; meta: SessionMeta },
): Promise<{ user: UserRow; sessionToken: string }> {
  const row = await usableToken(dc.db, 'password_reset', input.token, dc.now());
  const passwordHash = await hashPassword(input.password);
  return writeAccessChange(dc, async (tx, changed) => {
    const at = dc.now();
    if (!(await consumeToken(tx, row, at))) throw new AppError('LINK_USED');
    const user = row.userId === null ? undefined : await tx.select().from(users).where(eq(users.id, row.userId)).get();
    if (!user || user.deactivatedAt !== null) throw new AppError('LINK_INVALID');
    const updated = await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).returning().get();
    await deleteSessionsTx(tx, user.id);
    changed(user.id);
    const { token } = await createSessionTx(tx, user.id, session.ttlMs, at, session.meta);
    await recordAudit(tx, { id: user.id, name: user.name }, { action: 'user.password_reset', target: user.email }, at);
    return { user: updated, sessionToken: token };
  });
}
