/**
 * Snoozed tickets come back by themselves (issue 12, waiting states). The due time is a column,
 * so a snooze survives restarts; one node at a time wakes due tickets (the `snooze-waker` lease),
 * and the write re-reads what is due inside the serialised transaction, so even two wakers at
 * once would wake a ticket once. The assignee hears of it from the event (`cause: snooze_ended`).
 */
import { and, asc, eq, lte } from 'drizzle-orm';
import { tickets } from '../../../db/schema';
import { ensureSupportBot } from '../accounts/users';
import { write, type DomainCtx } from '../core/context';
import { holdLease } from '../core/leases';
import { reopenTicket } from '../customer-email/email-tickets';
import { insertNote } from '../notes/notes';
import { log } from '../../log';

const BATCH = 100;

const due = (at: number) => and(eq(tickets.state, 'snoozed'), lte(tickets.snoozedUntil, at));

/** Opens every ticket whose snooze has run out (up to a batch); returns how many. */
export async function wakeDueSnoozes(dc: DomainCtx, botId: number): Promise<number> {
  // A read first: the write lock is taken only when something is due.
  if (!(await dc.db.select({ id: tickets.id }).from(tickets).where(due(dc.now())).limit(1).get())) return 0;
  return write(dc, async (tx, emit, at) => {
    const rows = await tx.select().from(tickets).where(due(at)).orderBy(asc(tickets.snoozedUntil)).limit(BATCH).all();
    for (const row of rows) {
      const opened = await reopenTicket(tx, emit, row, at, 'snooze_ended');
      await insertNote(tx, emit, opened, { authorId: botId, body: 'snooze ended: back to open', internal: false, system: true }, at);
    }
    return rows.length;
  });
}

/** Runs the waker while this node holds its lease; returns the function that stops it. */
export function startSnoozeWaker(dc: DomainCtx, everyMs = 1000): () => Promise<void> {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    const bot = await ensureSupportBot(dc);
    // A batch at a time until nothing is due (a restart after a long outage may find many).
    while (running && (await wakeDueSnoozes(dc, bot.id)) === BATCH);
  };
  const schedule = () => {
    if (!running) return;
    timer = setTimeout(() => {
      busy = tick()
        .catch((err: unknown) => log.warn('waking snoozed tickets failed', { err }))
        .finally(schedule);
    }, everyMs);
    timer.unref();
  };
  const lease = holdLease(dc, 'snooze-waker', {
    ttlMs: 10_000,
    onAcquire() {
      running = true;
      schedule();
    },
    async onLose() {
      running = false;
      if (timer) clearTimeout(timer);
      await busy;
    },
  });
  return () => lease.stop();
}
