import { z } from 'zod';
import { createUserInput, email, setAdminInput, userRefInput, usersListInput } from '../../../shared/schemas';
import { actorOf } from '../../domain/audit/audit-log';
import { issuePasswordReset } from '../../domain/accounts/password-reset';
import { deactivateUser, listUsers, reactivateUser, setAdmin, unlinkSso, unlockUser } from '../../domain/accounts/user-admin';
import { createUser } from '../../domain/accounts/users';
import { adminProcedure, router } from '../init';

export const usersRouter = router({
  /** Users by id, searched by name or email, `limit` after `afterId` (the last id of the previous page). */
  list: adminProcedure
    .input(usersListInput)
    .query(({ ctx, input }) => listUsers(ctx.dc, { search: input?.search, status: input?.status, afterId: input?.afterId, limit: input?.limit ?? 50 })),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser(ctx.dc, input, actorOf(ctx.user))),
  /** Lets a user locked out by failed sign-ins sign in again at once. */
  unlock: adminProcedure
    .input(z.union([z.object({ userId: z.number().int().min(1) }).strict(), z.object({ email }).strict()]))
    .mutation(({ ctx, input }) => unlockUser(ctx.dc, input)),
  /** Ends every session and live stream of the user (within a second, on every node); they cannot sign in until reactivated. */
  deactivate: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => deactivateUser(ctx.dc, actorOf(ctx.user), input)),
  reactivate: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => reactivateUser(ctx.dc, actorOf(ctx.user), input)),
  /** Grants or removes the administrator role; the last active administrator keeps it. */
  setAdmin: adminProcedure.input(setAdminInput).mutation(({ ctx, input }) => setAdmin(ctx.dc, actorOf(ctx.user), input.userId, input.isAdmin)),
  /** Forgets the account's link to an identity at the single sign-on provider (the next verified sign-in links anew); ends its sessions. */
  unlinkSso: adminProcedure.input(userRefInput).mutation(({ ctx, input }) => unlinkSso(ctx.dc, actorOf(ctx.user), input)),
  /** Emails the user a password reset link (valid one hour). */
  sendPasswordReset: adminProcedure.input(userRefInput).mutation(async ({ ctx, input }) => {
    await issuePasswordReset(ctx.dc, actorOf(ctx.user), input, { email: true });
    return { ok: true };
  }),
});
