import { z } from 'zod';
import { createUserInput } from '../../../shared/schemas';
import { createUser, listUsers } from '../../domain/users';
import { adminProcedure, router } from '../init';

export const usersRouter = router({
  list: adminProcedure
    .input(z.object({ afterId: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => listUsers(ctx.dc.db, { afterId: input?.afterId, limit: input?.limit ?? 100 })),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser(ctx.dc, input)),
});
