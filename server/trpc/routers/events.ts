import { tracked } from '@trpc/server';
import { eventsInput } from '../../../shared/schemas';
import { AppError } from '../../../shared/errors';
import type { ProjectEventEnvelope } from '../../../shared/events';
import { CAN } from '../../../shared/roles';
import type { DomainCtx } from '../../domain/core/context';
import { lazyKnownAddresses } from '../../domain/tickets/ticket-addresses';
import { ACCESS_CHANGED, latestSeq } from '../../events/store';
import { viewerAccessBoard, type ViewerAccess, type ViewerAccessBoard } from '../../events/viewer-access';
import { envelopeFor } from '../../events/visibility';
import { projectProcedure, router, toTRPCError } from '../init';
import { shareForEncoding } from '../ws-encoder';

const REPLAY_BATCH = 500;
export const ACCESS_RECHECK_MS = 500;

export function viewerAccess(dc: DomainCtx, ...args: Parameters<ViewerAccessBoard>): ViewerAccess {
  return viewerAccessBoard(dc)(...args);
}

// Subscribers at one access level share one envelope object (see envelopeFor): wrap it once too.
type TrackedEnvelope = ReturnType<typeof tracked<ProjectEventEnvelope>>;
const trackedEnvelopes = new WeakMap<ProjectEventEnvelope, TrackedEnvelope>();
function trackedOnce(env: ProjectEventEnvelope): TrackedEnvelope {
  let t = trackedEnvelopes.get(env);
  if (!t) trackedEnvelopes.set(env, (t = tracked(String(env.seq), shareForEncoding(env))));
  return t;
}

export const eventsRouter = router({
  /**
   * Replays stored events after `lastEventId`, then streams live ones, each as
   * `tracked(String(seq), envelope)`. What the caller sees is checked before every batch; a
   * change of access (removed, another role, deactivated, signed out; on any node, by any process)
   * is an `access.changed` event in the same order, never sent: reaching one that names the
   * viewer, the stream reads their access again before going on, so nothing committed after the
   * change is delivered on the old access, and a quiet stream (woken by that event's commit) ends
   * at once (FORBIDDEN, UNAUTHORIZED, or ACCESS_CHANGED for another level: the page reloads and
   * resubscribes). The check is also re-read at most a second apart.
   */
  project: projectProcedure()
    .input(eventsInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const { project } = ctx.pa;
      let woken = true;
      let wake: (() => void) | null = null;
      // Listen before the first read so nothing committed in between is missed.
      const stop = ctx.dc.bus.subscribe(project.id, () => {
        woken = true;
        wake?.();
      });
      const onAbort = () => wake?.();
      signal?.addEventListener('abort', onAbort);
      const viewer = viewerAccess(ctx.dc, project, ctx.sessionToken, ctx.user.id);
      // Access changed (on any node): re-check now, not at the next second.
      let stale = false;
      viewer.onStale(() => {
        stale = true;
        wake?.();
      });
      // What the caller loaded was read at this level; at another one (a role changed, a project's
      // visibility, admin rights) the stream ends, so the page reloads what it may see now rather
      // than keep showing what it no longer may, or miss what it now may.
      const loadedAt = ctx.pa.access;
      const accessNow = async (): Promise<number> => {
        let access: number;
        try {
          access = await viewer.current();
        } catch (err) {
          throw err instanceof AppError ? toTRPCError(err) : err;
        }
        if (access !== loadedAt) throw toTRPCError(new AppError('ACCESS_CHANGED'));
        return access;
      };
      try {
        let last = input.lastEventId == null ? await latestSeq(ctx.dc.db, project.id) : Number(input.lastEventId);
        while (!signal?.aborted) {
          if (!woken) {
            // Woken by a commit, by a change of the viewer's access (on any node: the stream
            // ends at once), or after half a second to re-check anyway (a session that expired).
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
              await accessNow();
            }
            continue;
          }
          woken = false;
          // The table is the order: read everything after the last sent seq, in batches.
          for (;;) {
            const batch = await ctx.feed.after(project.id, last, REPLAY_BATCH);
            if (batch.length === 0) break;
            let access = await accessNow();
            // Below reporter, what counts is whether the ticket is confidential now, not when the
            // event was stored: a replay must not show a ticket that has since been hidden.
            const hiddenNow = access < CAN.seeConfidential ? await ctx.feed.confidentialNow(batch) : null;
            // Read only when an envelope is masked for the first time: once per event and level.
            const addressesOf = lazyKnownAddresses(ctx.dc.db, batch.flatMap((e) => (e.ticketId === null ? [] : [e.ticketId])));
            for (const e of batch) {
              last = e.seq;
              // Someone's access changed here: if it is this viewer's, nothing after it goes out
              // before their access is read again (a read that started after this event was committed).
              if (e.event.type === ACCESS_CHANGED) {
                if (viewer.changedBy(e)) access = await accessNow();
                continue;
              }
              const env = await envelopeFor(e, access, addressesOf);
              if (!env) continue;
              if (hiddenNow && e.ticketId !== null && hiddenNow.has(e.ticketId) && env.event.type !== 'ticket.hidden') continue;
              yield trackedOnce(env);
            }
          }
        }
      } finally {
        stop();
        viewer.release();
        signal?.removeEventListener('abort', onAbort);
      }
    }),
});
