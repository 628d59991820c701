/**
 * Sign-in. Every attempt is counted (login-throttle.ts) before its password is checked; the
 * answer never tells whether an email exists.
 */
import { AppError } from '../../../shared/errors';
import type { DomainCtx } from '../core/context';
import { admitAttempt, attemptSucceeded } from './login-throttle';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords';
import { findUserByEmail, type UserRow } from './users';

export async function checkCredentials(
  dc: DomainCtx,
  input: { email: string; password: string; clientAddress: string },
  mayUsePassword: (user: UserRow) => boolean = () => true,
): Promise<UserRow> {
  await admitAttempt(dc, input.email, input.clientAddress);
  const user = await findUserByEmail(dc.db, input.email);
  const hash = user?.kind === 'human' ? user.passwordHash : null;
  // Verify against a dummy hash for unknown emails so both paths take the same time.
  const ok = await verifyPassword(input.password, hash ?? (await DUMMY_HASH_PROMISE));
  if (!user || !hash || !ok) throw new AppError('INVALID_CREDENTIALS');
  await attemptSucceeded(dc, input.email, input.clientAddress);
  // Said only to whoever knows the password, so it reveals nothing to a guesser.
  if (user.deactivatedAt !== null) throw new AppError('ACCOUNT_DEACTIVATED');
  if (!mayUsePassword(user)) throw new AppError('SSO_ONLY');
  return user;
}
