import {
  acceptInvitationInput,
  forgotPasswordInput,
  loginInput,
  resetPasswordInput,
  setupInput,
  tokenInput,
} from '../../../shared/schemas';
import { AppError } from '../../../shared/errors';
import { acceptInvitation, invitationState } from '../../domain/accounts/invitations';
import { checkCredentials } from '../../domain/accounts/login';
import { passwordResetState, requestPasswordReset, resetPassword } from '../../domain/accounts/password-reset';
import { confirmEmailChange } from '../../domain/accounts/profile';
import { createSession, deleteSession, resolveSession, SESSION_COOKIE } from '../../domain/accounts/sessions';
import { currentSignInOptions, mayUsePassword, readSignInSettings } from '../../domain/accounts/sso';
import { createFirstAdmin, toPublicUser } from '../../domain/accounts/users';
import { setCookie } from '../../http/cookies';
import type { Context } from '../context';
import { authedProcedure, publicProcedure, router } from '../init';

function sessionMeta(ctx: Context) {
  return { userAgent: ctx.userAgent, clientAddress: ctx.clientAddress };
}

function giveCookie(ctx: Context, token: string): void {
  if (ctx.res) {
    setCookie(ctx.res, SESSION_COOKIE, token, {
      maxAgeSeconds: Math.floor(ctx.config.sessionTtlMs / 1000),
      secure: ctx.config.secureCookies,
    });
  }
}

async function startSession(ctx: Context, userId: number): Promise<void> {
  const { token } = await createSession(ctx.dc, userId, ctx.config.sessionTtlMs, sessionMeta(ctx));
  giveCookie(ctx, token);
}

export const authRouter = router({
  /**
   * What the sign-in page offers (setup still needed, single sign-on, passwords turned off) and
   * whether this browser has a session: a signed-out page learns that here, with a 200, instead
   * of from `auth.me`'s 401, which every browser logs in its console as an error. Every page is
   * preloaded with it, so the options are kept briefly per node (no database work per visitor).
   */
  status: publicProcedure.query(async ({ ctx }) => {
    // A WebSocket's context is made once per connection: look the session up again, as authedProcedure does.
    const user = ctx.res === null ? await resolveSession(ctx.dc, ctx.sessionToken) : ctx.user;
    const options = await currentSignInOptions(ctx.dc, ctx.config.oidc);
    return { ...options, signedIn: user !== null };
  }),

  setup: publicProcedure.input(setupInput).mutation(async ({ ctx, input }) => {
    const user = await createFirstAdmin(ctx.dc, input);
    await startSession(ctx, user.id);
    return user;
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const sso = await readSignInSettings(ctx.dc, ctx.config.oidc);
    const user = await checkCredentials(ctx.dc, { ...input, clientAddress: ctx.clientAddress }, (u) => mayUsePassword(sso, u));
    await startSession(ctx, user.id);
    return toPublicUser(user);
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await deleteSession(ctx.dc, ctx.sessionToken);
    if (ctx.res) setCookie(ctx.res, SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: ctx.config.secureCookies });
    return { ok: true };
  }),

  me: authedProcedure.query(({ ctx }) => toPublicUser(ctx.user)),

  /**
   * "Forgot password?": emails a reset link if the address has an account. The answer is the same
   * either way; only too many requests (per address, per client) are refused.
   */
  requestPasswordReset: publicProcedure.input(forgotPasswordInput).mutation(async ({ ctx, input }) => {
    const sso = await readSignInSettings(ctx.dc, ctx.config.oidc);
    await requestPasswordReset(ctx.dc, input.email, ctx.clientAddress, async (u) => mayUsePassword(sso, u));
    return { ok: true };
  }),

  /** Whether a reset link still works (the page shows "expired" or "already used" before asking for a password). */
  passwordResetState: publicProcedure.input(tokenInput).query(({ ctx, input }) => passwordResetState(ctx.dc, input.token)),

  /** Sets the new password, ends every other session of the account and signs this browser in. */
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const { user, sessionToken } = await resetPassword(ctx.dc, input, { ttlMs: ctx.config.sessionTtlMs, meta: sessionMeta(ctx) });
    giveCookie(ctx, sessionToken);
    return toPublicUser(user);
  }),

  /** What an invitation link is for, and whether it still works. */
  invitation: publicProcedure.input(tokenInput).query(({ ctx, input }) => invitationState(ctx.dc, input.token)),

  /** Creates the invited account, adds the membership and signs in (or, if the address has an account by now, only adds the membership). */
  acceptInvitation: publicProcedure.input(acceptInvitationInput).mutation(async ({ ctx, input }) => {
    const sso = await readSignInSettings(ctx.dc, ctx.config.oidc);
    if (!mayUsePassword(sso, { isAdmin: false })) throw new AppError('SSO_ONLY');
    const accepted = await acceptInvitation(ctx.dc, input, { ttlMs: ctx.config.sessionTtlMs, meta: sessionMeta(ctx) });
    if (accepted.sessionToken) giveCookie(ctx, accepted.sessionToken);
    return { signedIn: accepted.sessionToken !== null, projectPath: accepted.projectPath, user: accepted.sessionToken ? toPublicUser(accepted.user) : null };
  }),

  /** Opening the link sent to a new address: the account now uses it. */
  confirmEmail: publicProcedure.input(tokenInput).mutation(({ ctx, input }) => confirmEmailChange(ctx.dc, input.token)),
});
