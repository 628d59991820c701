/** Instance-admin view of outbound email: status, attempts, last error, retry now. */
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { limit } from '../../../shared/schemas';
import { listOutbox, retryOutbox } from '../../domain/customer-email/outbox';
import { adminProcedure, router } from '../init';

export const outboxRouter = router({
  list: adminProcedure
    .input(z.object({ status: z.array(z.enum(['queued', 'sent', 'failed'])).optional(), beforeId: z.number().int().positive().optional(), limit: limit.optional() }).optional())
    .query(({ ctx, input }) => listOutbox(ctx.dc.db, { status: input?.status, beforeId: input?.beforeId, limit: input?.limit ?? 50 })),
  retry: adminProcedure.input(z.object({ id: z.number().int().positive() })).mutation(async ({ ctx, input }) => {
    const row = await retryOutbox(ctx.dc.db, input.id, ctx.dc.now());
    if (!row) throw new AppError('OUTBOX_NOT_FOUND');
    ctx.mail.outbox.kick();
    return row;
  }),
});
