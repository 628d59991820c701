import { tracked, TRPCError } from '@trpc/server';
import { eventsInput } from '../../../shared/schemas';
import { AppError } from '../../../shared/errors';
import type { ProjectEventEnvelope } from '../../../shared/events';
import { ACCESS, CAN } from '../../../shared/roles';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { tickets } from '../../../db/schema';
import { currentAccess } from '../../domain/access';
import { resolveSession } from '../../domain/sessions';
import { latestSeq, type StoredEvent } from '../../events/store';
import { viewEventFor } from '../../events/visibility';
import { projectProcedure, router } from '../init';

const REPLAY_BATCH = 500;
const ACCESS_TTL_MS = 1000;

function confidentialNow(db: Db, batch: StoredEvent[]): Set<number> {
  const ids = [...new Set(batch.map((e) => e.ticketId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Set();
  return new Set(
    db.select({ id: tickets.id }).from(tickets).where(and(inArray(tickets.id, ids), eq(tickets.confidential, true))).all().map((t) => t.id),
  );
}

function envelope(e: StoredEvent, access: number): ProjectEventEnvelope | null {
  const event = viewEventFor(e, access);
  return event ? { seq: e.seq, at: new Date(e.createdAt).toISOString(), event } : null;
}

export const eventsRouter = router({
  /**
   * Replays stored events after `lastEventId`, then streams live ones, each as
   * `tracked(String(seq), envelope)`. What the caller sees is re-checked on every batch, so a
   * member who is removed or signs out stops receiving at once.
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
      // Session and membership are re-read at most every second per subscriber: a sign-out or a
      // removal takes effect within a second without 500 subscribers querying on every event.
      let checkedAt = 0;
      let access = 0;
      const accessNow = (): number => {
        const now = Date.now();
        if (now - checkedAt < ACCESS_TTL_MS) return access;
        access = readAccess();
        checkedAt = now;
        return access;
      };
      const readAccess = (): number => {
        const user = resolveSession(ctx.dc, ctx.sessionToken);
        if (!user || user.id !== ctx.user.id) {
          const cause = new AppError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
          throw new TRPCError({ code: 'UNAUTHORIZED', message: cause.message, cause });
        }
        const access = currentAccess(ctx.dc.db, project, user);
        if (access === ACCESS.none) {
          const cause = new AppError('FORBIDDEN', 'You no longer have access to this project.');
          throw new TRPCError({ code: 'FORBIDDEN', message: cause.message, cause });
        }
        return access;
      };
      try {
        let last = input.lastEventId == null ? latestSeq(ctx.dc.db, project.id) : Number(input.lastEventId);
        while (!signal?.aborted) {
          if (!woken) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
            continue;
          }
          woken = false;
          // The table is the order: read everything after the last sent seq, in batches.
          for (;;) {
            const batch = ctx.feed.after(project.id, last, REPLAY_BATCH);
            if (batch.length === 0) break;
            const access = accessNow();
            // Below reporter, what counts is whether the ticket is confidential now, not when the
            // event was stored: a replay must not show a ticket that has since been hidden.
            const hiddenNow = access < CAN.seeConfidential ? confidentialNow(ctx.dc.db, batch) : new Set<number>();
            for (const e of batch) {
              last = e.seq;
              const env = envelope(e, access);
              if (!env) continue;
              if (e.ticketId !== null && hiddenNow.has(e.ticketId) && env.event.type !== 'ticket.hidden') continue;
              yield tracked(String(e.seq), env);
            }
          }
        }
      } finally {
        stop();
        signal?.removeEventListener('abort', onAbort);
      }
    }),
});
