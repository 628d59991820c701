/**
 * Leases: work that exactly one node may do at a time (watching an IMAP mailbox). The holder
 * renews well before the lease runs out; a node that dies (kill -9, lost network) stops renewing,
 * and another node takes the lease over once it has expired. A holder that cannot renew in time
 * gives the work up itself, so two nodes never do it at once for longer than a clock skew.
 *
 * On SQLite there is one node and the lease is always ours; the same code runs.
 */
import { eq } from 'drizzle-orm';
import { leases } from '../../../db/schema';
import type { DomainCtx } from './context';
import { log } from '../../log';

/** The lease a node holds while it runs; claims by a node without it are stale. */
export function nodeLeaseName(node: string): string {
  return `node:${node}`;
}

export interface LeaseView {
  name: string;
  holder: string;
  expiresAt: number;
  acquiredAt: number;
}

/** Takes or renews `name` for this node when it is free, expired or already ours. */
export async function tryAcquireLease(dc: DomainCtx, name: string, ttlMs: number): Promise<boolean> {
  return dc.db.write(async (tx) => {
    const at = dc.now();
    const row = await tx.select().from(leases).where(eq(leases.name, name)).get();
    if (row && row.holder !== dc.node && row.expiresAt > at) return false;
    const acquiredAt = row && row.holder === dc.node && row.expiresAt > at ? row.acquiredAt : at;
    await tx
      .insert(leases)
      .values({ name, holder: dc.node, expiresAt: at + ttlMs, acquiredAt })
      .onConflictDoUpdate({ target: leases.name, set: { holder: dc.node, expiresAt: at + ttlMs, acquiredAt } })
      .run();
    return true;
  });
}

/** Gives `name` up if this node holds it (a clean shutdown hands the work over at once). */
export async function releaseLease(dc: DomainCtx, name: string): Promise<void> {
  await dc.db.write(async (tx) => {
    const row = await tx.select().from(leases).where(eq(leases.name, name)).get();
    if (row?.holder === dc.node) await tx.delete(leases).where(eq(leases.name, name)).run();
  });
}

export async function listLeases(dc: DomainCtx): Promise<LeaseView[]> {
  return dc.db.select().from(leases).all();
}

export interface HeldLease {
  /** Is the lease ours right now? */
  held(): boolean;
  /** Stops trying, ends the work (onLose) and releases the lease. */
  stop(): Promise<void>;
}

export interface HoldOptions {
  /** how long a lease lasts without renewal (default 6 s: a dead node's work moves within ~8 s) */
  ttlMs?: number;
  /** how often the holder renews and others try (default ttl / 3) */
  renewMs?: number;
  /** the lease became ours: start the work */
  onAcquire(): void | Promise<void>;
  /** the lease is no longer ours (or we could not renew in time): stop the work now */
  onLose(): void | Promise<void>;
}

/** Keeps trying to hold `name`; runs the work while it is ours. */
export function holdLease(dc: DomainCtx, name: string, opts: HoldOptions): HeldLease {
  const ttl = opts.ttlMs ?? 6000;
  const every = opts.renewMs ?? Math.max(200, Math.floor(ttl / 3));
  let ours = false;
  /** our lease runs out at this time on our clock unless renewed */
  let validUntil = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let busy: Promise<void> = Promise.resolve();

  async function lose(why: string): Promise<void> {
    if (!ours) return;
    ours = false;
    // A node's own "alive" lease and housekeeping leases are routine; mailbox handovers are news.
    (name.startsWith('imap:') || name.startsWith('graph:') ? log.info : log.debug)('lease lost', { lease: name, node: dc.node, why });
    try {
      await opts.onLose();
    } catch (err) {
      log.error('stopping leased work failed', { lease: name, err });
    }
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    const started = dc.now();
    let got = false;
    try {
      got = await tryAcquireLease(dc, name, ttl);
    } catch (err) {
      // The database does not answer: keep the work only while the lease surely still holds.
      if (ours && dc.now() >= validUntil - every) await lose(`cannot renew: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (stopped) return;
    if (got) {
      validUntil = started + ttl;
      if (!ours) {
        ours = true;
        (name.startsWith('imap:') || name.startsWith('graph:') ? log.info : log.debug)('lease acquired', { lease: name, node: dc.node });
        try {
          await opts.onAcquire();
        } catch (err) {
          log.error('starting leased work failed', { lease: name, err });
        }
      }
    } else await lose('another node holds it');
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      busy = tick().finally(schedule);
    }, every);
    timer.unref();
  }

  busy = tick().finally(schedule);

  return {
    held: () => ours && dc.now() < validUntil,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await busy.catch(() => undefined);
      const wasOurs = ours;
      await lose('stopping');
      if (wasOurs) await releaseLease(dc, name).catch(() => undefined);
    },
  };
}
