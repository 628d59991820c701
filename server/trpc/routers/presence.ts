/**
 * Presence (SPEC §8): responders see who is viewing and typing, in the queue and on a ticket.
 * Only responders (reporter+) take part, so nobody below reporter learns of confidential tickets.
 */
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { currentAccess } from '../../domain/accounts/access';
import { iid } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { sessionIdFor } from '../../domain/accounts/sessions';
import { ticketMinAccess, findTicket } from '../../domain/tickets/ticket-lookup';
import type { Context } from '../context';
import { projectProcedure, router, toTRPCError } from '../init';
import { ACCESS_RECHECK_MS, viewerAccess } from './events';

const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId must be 8–64 letters, digits, "-" or "_".');

/** The caller's session, which owns the client ids it joins with. */
function sessionOf(ctx: Context): string {
  if (!ctx.sessionToken) throw new AppError('UNAUTHENTICATED');
  return sessionIdFor(ctx.sessionToken);
}

export const presenceRouter = router({
  /**
   * Joins the project's presence for this tab and streams everyone's presence whenever it changes.
   * A client id another session is using is refused (PRESENCE_CLIENT_TAKEN).
   */
  project: projectProcedure(CAN.respond)
    .input(z.object({ clientId, iid: iid.nullable().optional() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const hub = ctx.presence;
      const projectId = ctx.pa.project.id;
      const t = input.iid == null ? null : await findTicket(ctx.dc.db, projectId, input.iid);
      const leave = hub.join(projectId, input.clientId, sessionOf(ctx), ctx.user, t && ctx.pa.access >= ticketMinAccess(t) ? t.iid : null);
      if (!leave) throw toTRPCError(new AppError('PRESENCE_CLIENT_TAKEN'));
      let dirty = true;
      let wake: (() => void) | null = null;
      const stopListening = hub.listen(projectId, () => {
        dirty = true;
        wake?.();
      });
      const onAbort = () => wake?.();
      signal?.addEventListener('abort', onAbort);
      // The same session-aware check as the events stream: signing out or losing the role (on any
      // node) ends this stream within a second.
      const viewer = viewerAccess(ctx.dc, ctx.pa.project, ctx.sessionToken, ctx.user.id);
      let stale = false;
      viewer.onStale(() => {
        stale = true;
        wake?.();
      });
      const stillResponder = async () => {
        let access: number;
        try {
          access = await viewer.current();
        } catch (err) {
          throw err instanceof AppError ? toTRPCError(err) : err;
        }
        if (access < CAN.respond) {
          throw new TRPCError({ code: 'FORBIDDEN', message: 'You no longer take part in this project.', cause: new AppError('FORBIDDEN') });
        }
      };
      try {
        while (!signal?.aborted) {
          if (!dirty) {
            const recheck = stale || (await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(true), ACCESS_RECHECK_MS);
              wake = () => {
                clearTimeout(timer);
                resolve(false);
              };
            }));
            wake = null;
            if (recheck || stale) {
              stale = false;
              await stillResponder();
            }
            continue;
          }
          dirty = false;
          if ((await currentAccess(ctx.dc.db, ctx.pa.project, ctx.user)) < CAN.respond) {
            throw new TRPCError({ code: 'FORBIDDEN', message: 'You no longer take part in this project.', cause: new AppError('FORBIDDEN') });
          }
          yield hub.snapshot(projectId);
        }
      } finally {
        viewer.release();
        leave();
        stopListening();
        signal?.removeEventListener('abort', onAbort);
      }
    }),
  /** Announces what this tab views and whether it types; `ok: false` (no effect) unless the caller's session owns the tab's entry. */
  update: projectProcedure(CAN.respond)
    .input(z.object({ clientId, iid: iid.nullable(), typing: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      // Only a ticket the caller may see can be announced.
      const t = input.iid === null ? null : await findTicket(ctx.dc.db, ctx.pa.project.id, input.iid);
      const viewing = t && ctx.pa.access >= ticketMinAccess(t) ? input.iid : null;
      return { ok: ctx.presence.update(ctx.pa.project.id, input.clientId, sessionOf(ctx), { iid: viewing, typing: viewing !== null && input.typing }) };
    }),
});
