/** Instance-admin views of mail: every received message, quarantine actions, mailbox health. */
import { inboundListInput, inboundRef } from '../../../shared/schemas';
import { AppError } from '../../../shared/errors';
import { getInbound, inboundSource, listInbound, discardQuarantined, type InboundRow } from '../../domain/mail-log/inbound-log';
import { listMailboxes } from '../../domain/mail-log/mailbox-health';
import { adminProcedure, router } from '../init';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(r: InboundRow) {
  return {
    id: r.id,
    source: r.source,
    uid: r.uid,
    messageId: r.messageId,
    from: r.fromAddress,
    subject: r.subject,
    size: r.size,
    status: r.status,
    reason: r.reason,
    error: r.error,
    ticketId: r.ticketId,
    receivedAt: iso(r.receivedAt),
    processedAt: iso(r.processedAt),
  };
}

export const inboundRouter = router({
  list: adminProcedure.input(inboundListInput).query(async ({ ctx, input }) =>
    (await listInbound(ctx.dc.db, { status: input?.status, beforeId: input?.beforeId, limit: input?.limit ?? 50 })).map(view),
  ),
  /** One received message with its stored source (as text), to see why it failed. */
  get: adminProcedure.input(inboundRef).query(async ({ ctx, input }) => {
    const row = await getInbound(ctx.dc.db, input.id);
    if (!row) throw new AppError('INBOUND_NOT_FOUND');
    return { ...view(row), raw: await inboundSource(ctx.dc.db, row, ctx.mail.files) };
  }),
  retry: adminProcedure.input(inboundRef).mutation(async ({ ctx, input }) => {
    const row = await getInbound(ctx.dc.db, input.id);
    if (!row) throw new AppError('INBOUND_NOT_FOUND');
    if (row.status !== 'quarantined') throw new AppError('NOT_QUARANTINED');
    return ctx.mail.ingest.reprocess(row.id);
  }),
  discard: adminProcedure.input(inboundRef).mutation(async ({ ctx, input }) => {
    const row = await getInbound(ctx.dc.db, input.id);
    if (!row) throw new AppError('INBOUND_NOT_FOUND');
    if (row.status !== 'quarantined') throw new AppError('NOT_QUARANTINED');
    const at = ctx.dc.now();
    if (!(await ctx.dc.db.write((tx) => discardQuarantined(tx, row.id, at)))) throw new AppError('NOT_QUARANTINED');
    return view({ ...row, status: 'discarded' });
  }),
  mailboxes: adminProcedure.query(({ ctx }) => listMailboxes(ctx.dc.db, ctx.dc.now())),
});
