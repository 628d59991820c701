/**
 * Sends queued email. Bytes are composed once and stored before the first attempt, so a resend
 * after a crash is the very same message (same Message-ID, same bytes). Temporary failures
 * retry with exponential backoff; permanent ones fail visibly with the server's answer.
 */
import { claimDueEmails, hasDueEmails, recordAttempt, storeComposedOnce, type LooseWrite, type OutboxRow } from '../../domain/customer-email/outbox';
import { createGroupCommit } from '../../domain/core/group-commit';
import type { DomainCtx } from '../../domain/core/context';
import { log } from '../../log';
import { compose } from './compose';
import type { OutboundSpec } from './spec';
import type { Transport } from './transport';
import type { AttachmentStore } from '../../files/attachment-store';

/** With backoff capped at an hour, about three days of retries before a message fails. */
const MAX_ATTEMPTS = 80;
/** claimed at a time: all are sent well within the claim time */
const BATCH = 25;
const CONCURRENCY = 5;

export function backoffMs(attempts: number): number {
  return Math.min(60 * 60 * 1000, 1000 * 2 ** Math.max(0, attempts - 1));
}

export interface OutboxWorker {
  start(): void;
  stop(): Promise<void>;
  /** Process due messages now (after a commit that queued some). */
  kick(): void;
  /** Resolves when nothing is due (tests, CLI). */
  drain(): Promise<void>;
}

export function createOutboxWorker(
  dc: DomainCtx,
  transport: Transport,
  opts: { pollMs?: number; store?: AttachmentStore; claimMs?: number } = {},
): OutboxWorker {
  const claimMs = opts.claimMs ?? 5 * 60 * 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  let draining = false;

  // The sends running at once share their commits (compose-once and attempt records are one-row
  // writes that take no cluster lock and emit no events).
  const grouped = createGroupCommit(dc, 64, { lock: false });
  const write: LooseWrite = (fn) => grouped((tx) => fn(tx));
  const update = (id: number, set: Parameters<typeof recordAttempt>[3]) => recordAttempt(dc.db, dc.node, id, set, write);

  async function sendOne(row: OutboxRow): Promise<void> {
    try {
      await attempt(row);
    } catch (err) {
      log.error('email could not be processed', { id: row.id, err });
      try {
        await update(row.id, {
          status: 'failed',
          attempts: row.attempts + 1,
          lastError: `Could not be composed or recorded: ${err instanceof Error ? err.message : String(err)}`,
        });
      } catch {
        // the database itself is failing; the row stays queued and is tried again later
      }
    }
  }

  async function attempt(row: OutboxRow): Promise<void> {
    let raw = row.raw;
    if (!raw) {
      const composed = await compose(row.spec as OutboundSpec, opts.store);
      // Stored once: if another node composed it first (its claim had expired), send those bytes.
      raw = await storeComposedOnce(dc.db, row.id, composed, write);
    }
    let result;
    try {
      const via = (row.spec as OutboundSpec).via;
      result = await transport.send(raw, { from: row.fromAddress, to: [row.toAddress] }, { id: row.id, messageId: row.messageId, via });
    } catch (err) {
      result = { ok: false as const, permanent: false, response: err instanceof Error ? err.message : String(err) };
    }
    const at = dc.now();
    if (result.ok) {
      await update(row.id, { status: 'sent', sentAt: at, attempts: row.attempts + 1, lastError: null });
      return;
    }
    const attempts = row.attempts + 1;
    const failed = result.permanent || attempts >= MAX_ATTEMPTS;
    await update(row.id, {
      status: failed ? 'failed' : 'queued',
      attempts,
      lastError: result.response,
      nextAttemptAt: at + backoffMs(attempts),
    });
    log.warn(failed ? 'email failed' : 'email will be retried', { id: row.id, to: row.toAddress, response: result.response, attempts });
  }

  async function runOnce(): Promise<void> {
    for (;;) {
      // Claim before sending: any node may send, each email is sent by the node that claimed it.
      // A claim whose node died mid-send expires, and another node sends the same stored bytes.
      // Looked for through the reader first: most wake-ups (any commit on any node) find nothing,
      // and claiming takes the write lock.
      if (!(await hasDueEmails(dc.db, dc.now()))) return;
      const due = await claimDueEmails(dc.db, dc.node, dc.now, BATCH, claimMs);
      if (due.length === 0) return;
      // A few at a time over the transport's connection pool.
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, due.length) }, async () => {
          for (let i = next++; i < due.length; i = next++) await sendOne(due[i] as (typeof due)[number]);
        }),
      );
    }
  }

  function kick(): void {
    // Only a started worker (a server) or an explicit drain sends: the CLI's ingest merely queues.
    if (stopped && !draining) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await runOnce();
        } catch (err) {
          log.error('outbox worker failed', { err });
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
  }

  let unsubscribe: (() => void) | null = null;
  return {
    start() {
      stopped = false;
      // Every commit that stored events may have queued email: look at once, not at the next poll.
      unsubscribe = dc.bus.subscribeAll(() => kick());
      const tick = () => {
        if (stopped) return;
        kick();
        timer = setTimeout(tick, opts.pollMs ?? 1000);
      };
      tick();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      await running;
      await transport.close();
    },
    kick,
    async drain() {
      draining = true;
      try {
        kick();
        while (running) await running;
      } finally {
        draining = false;
      }
    },
  };
}
