import { z } from 'zod';
import { createUserInput, email } from '../../../shared/schemas';
import { createUser, listUsers, unlockUser } from '../../domain/accounts/users';
import { adminProcedure, router } from '../init';

export const usersRouter = router({
  list: adminProcedure
    .input(z.object({ afterId: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => listUsers(ctx.dc, { afterId: input?.afterId, limit: input?.limit ?? 100 })),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser(ctx.dc, input)),
  /** Lets a user locked out by failed sign-ins sign in again at once. */
  unlock: adminProcedure
    .input(z.union([z.object({ userId: z.number().int().min(1) }).strict(), z.object({ email }).strict()]))
    .mutation(({ ctx, input }) => unlockUser(ctx.dc, input)),
});
