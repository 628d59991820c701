/**
 * A project's webhook for code hosts (issue 13): maintainers only, since the secret lets anyone
 * close the project's tickets. The secret is sent only by `reveal` and `regenerate`, each audited.
 */
import { CAN } from '../../../shared/roles';
import { actorOf } from '../../domain/audit/audit-log';
import { listDeliveries } from '../../domain/merged-changes/deliveries';
import { getWebhook, regenerateWebhook, revealWebhook } from '../../domain/merged-changes/webhooks';
import { latestSeq } from '../../events/store';
import { projectProcedure, router } from '../init';

export const webhooksRouter = router({
  /** The webhook's URL (made on first use). */
  get: projectProcedure(CAN.configureServiceDesk).query(({ ctx }) => getWebhook(ctx.dc, ctx.pa.project.id)),
  /** The URL and the secret in clear, to paste into the code host. */
  reveal: projectProcedure(CAN.configureServiceDesk).mutation(({ ctx }) => revealWebhook(ctx.dc, ctx.pa.project.id, actorOf(ctx.user))),
  /** A new URL and secret; the old ones are refused from now on. */
  regenerate: projectProcedure(CAN.configureServiceDesk).mutation(({ ctx }) => regenerateWebhook(ctx.dc, ctx.pa.project.id, actorOf(ctx.user))),
  /** The newest deliveries, and the event position to follow `webhook.delivered` from. */
  deliveries: projectProcedure(CAN.configureServiceDesk).query(async ({ ctx }) => {
    const lastEventId = String(await latestSeq(ctx.dc.db, ctx.pa.project.id));
    return { items: await listDeliveries(ctx.dc.db, ctx.pa.project.id), lastEventId };
  }),
});
