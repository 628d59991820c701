import { loginInput, setupInput } from '../../../shared/schemas';
import { checkCredentials } from '../../domain/accounts/login';
import { createSession, deleteSession, SESSION_COOKIE } from '../../domain/accounts/sessions';
import { createFirstAdmin, humanUserCount, toPublicUser } from '../../domain/accounts/users';
import { setCookie } from '../../http/cookies';
import type { Context } from '../context';
import { authedProcedure, publicProcedure, router } from '../init';

async function startSession(ctx: Context, userId: number): Promise<void> {
  const { token } = await createSession(ctx.dc, userId, ctx.config.sessionTtlMs);
  if (ctx.res) {
    setCookie(ctx.res, SESSION_COOKIE, token, {
      maxAgeSeconds: Math.floor(ctx.config.sessionTtlMs / 1000),
      secure: ctx.config.secureCookies,
    });
  }
}

export const authRouter = router({
  /** Whether the instance still needs its first administrator (the setup page). */
  status: publicProcedure.query(async ({ ctx }) => ({ needsSetup: (await humanUserCount(ctx.dc.db)) === 0 })),

  setup: publicProcedure.input(setupInput).mutation(async ({ ctx, input }) => {
    const user = await createFirstAdmin(ctx.dc, input);
    await startSession(ctx, user.id);
    return user;
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const user = await checkCredentials(ctx.dc, { ...input, clientAddress: ctx.clientAddress });
    await startSession(ctx, user.id);
    return toPublicUser(user);
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await deleteSession(ctx.dc, ctx.sessionToken);
    if (ctx.res) setCookie(ctx.res, SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: ctx.config.secureCookies });
    return { ok: true };
  }),

  me: authedProcedure.query(({ ctx }) => toPublicUser(ctx.user)),
});
