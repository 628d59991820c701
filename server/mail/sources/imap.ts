/**
 * One IMAP mailbox: IDLE for push, a checkpoint of UIDVALIDITY + last UID, everything after the
 * checkpoint fetched on start and on every reconnect, reconnect with backoff forever. A message
 * is flagged \Seen (and moved or deleted, per mailbox) only after its outcome is committed. Mail
 * already in the folder when it is first watched is fetched as the mailbox says: unread messages
 * only (the default), all of them, or none (`backfill`).
 */
import type { ImapFlow } from 'imapflow';
import type { ImapMailboxConfig } from '../../config';
import type { ExistingMail } from '../../../shared/mail-settings';
import type { DomainCtx } from '../../domain/core/context';
import { advanceBackfill, advanceCheckpoint, committedUids, finishBackfill, mailboxCheckpoint, recordScope, reportMailboxState, resetCheckpoint, skipCheckpointTo } from '../../domain/mail-log/mailbox-checkpoint';
import type { Ingest } from '../inbound/receive';
import { log } from '../../log';
import { imapErrorText } from './imap-error';

const FETCH_BATCH = 50;
/** existing mail is taken a few at a time: new mail is looked at between batches */
const BACKFILL_BATCH = 10;
/** existing mail is searched this many messages (sequence numbers) further at a time: a folder may hold years of mail */
const SEARCH_WINDOW = 2000;
/** UIDs looked up in the database at once (SQLite binds at most 32,766 values per statement) */
const LOOKUP_CHUNK = 500;
/** a rebuilt folder: mail received this long before it was last read is taken read or not */
const REBUILT_MARGIN_MS = 24 * 3600_000;
const HEADER_BYTES = 256 * 1024;

export interface ImapWorker {
  name: string;
  /** `handover`: another node watches the mailbox now, so its health row is left to that node */
  stop(opts?: { handover?: boolean }): Promise<void>;
  /** resolves when the mailbox is selected and idling (tests) */
  ready(): Promise<void>;
}

async function ensureFolder(c: ImapFlow, path: string): Promise<void> {
  const list = await c.list();
  if (!list.some((m) => m.path === path)) await c.mailboxCreate(path);
}

function backoff(attempt: number): number {
  return Math.min(60_000, 500 * 2 ** Math.min(attempt, 7)) * (0.8 + Math.random() * 0.4);
}

export function startImapWorker(cfg: ImapMailboxConfig, ingest: Ingest, dc: DomainCtx, opts: { maxEmailSize: number; onError?: (err: unknown) => void }): ImapWorker {
  const source = `imap:${cfg.name}`;
  let stopped = false;
  let client: ImapFlow | null = null;
  let wakeSleep: (() => void) | null = null;
  let readyResolve: (() => void) | null = null;
  let readyPromise = new Promise<void>((r) => (readyResolve = r));
  /** the backfill's SEARCH windows found nothing up to this sequence number (this session) */
  let scannedSeq = 0;

  /** Health is informational: a failure to record it is logged, never fatal to the session. */
  const setState = async (state: string, err?: unknown): Promise<void> => {
    try {
      await reportMailboxState(dc, cfg.name, state, err);
    } catch (e) {
      log.warn('could not record imap mailbox state', { mailbox: cfg.name, state, err: e });
    }
  };
  const checkpoint = async () => mailboxCheckpoint(dc, cfg.name);

  async function afterCommit(c: ImapFlow, uid: number): Promise<void> {
    await c.messageFlagsAdd({ uid: String(uid) }, ['\\Seen'], { uid: true });
    if (cfg.after === 'move') await c.messageMove({ uid: String(uid) }, cfg.moveTo, { uid: true });
    else if (cfg.after === 'delete') await c.messageDelete({ uid: String(uid) }, { uid: true });
  }

  /** Messages committed before a crash but not yet flagged get their \Seen (and move/delete) now. */
  async function finishUnflagged(c: ImapFlow, uidvalidity: number, lastUid: number): Promise<void> {
    if (lastUid === 0) return;
    const unseen = (await c.search({ seen: false, uid: `1:${lastUid}` }, { uid: true })) || [];
    // a few hundred at a time: a folder may hold thousands of unread messages left alone
    for (let i = 0; i < unseen.length; i += LOOKUP_CHUNK) {
      for (const uid of await committedUids(dc, source, uidvalidity, unseen.slice(i, i + LOOKUP_CHUNK))) await afterCommit(c, uid);
    }
  }

  /** Fetches `uid` (only its header when oversized), commits its outcome, then acknowledges it. */
  async function take(c: ImapFlow, uidvalidity: number, uid: number, size: number): Promise<boolean> {
    const oversized = size > opts.maxEmailSize;
    const m = await c.fetchOne(String(uid), { uid: true, source: oversized ? { maxLength: HEADER_BYTES } : true }, { uid: true });
    if (!m || !m.source) return false;
    // receive() commits the outcome (or quarantine) before we touch the server.
    await ingest.receive(m.source, { source, uidvalidity, uid, ...(oversized ? { size } : {}) });
    return true;
  }

  /** Sizes first, then one message at a time: memory stays bounded by one message. */
  async function sizesOf(c: ImapFlow, batch: number[]): Promise<Map<number, number>> {
    const sizes = new Map<number, number>();
    for await (const m of c.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
    return sizes;
  }

  async function fetchNew(c: ImapFlow, uidvalidity: number): Promise<void> {
    for (;;) {
      const last = (await checkpoint())?.lastUid ?? 0;
      const uids = ((await c.search({ uid: `${last + 1}:*` }, { uid: true })) || []).filter((u) => u > last).sort((a, b) => a - b);
      if (uids.length === 0) return;
      const batch = uids.slice(0, FETCH_BATCH);
      // an oversized message is fetched only as far as its header (enough to reject it politely)
      const sizes = await sizesOf(c, batch);
      for (const uid of batch) {
        const size = sizes.get(uid);
        if (size === undefined) continue;
        if (!(await take(c, uidvalidity, uid, size))) continue;
        await advanceCheckpoint(dc, cfg.name, uid);
        await afterCommit(c, uid);
      }
      // a UID that vanished between SEARCH and FETCH (expunged) must not stall the checkpoint
      await skipCheckpointTo(dc, cfg.name, batch[batch.length - 1] as number);
    }
  }

  /**
   * Which of the messages already in the folder the backfill takes (the mailbox's `existingMail`):
   * unread ones, all of them (but those flagged \Deleted, as good as gone in a mail client), or
   * none. A rebuilt folder also takes, read or not, what was received since it was last read:
   * that may be new to us. Null: nothing to take.
   */
  function existingQuery(since: number | null, choice: ExistingMail): Record<string, unknown> | null {
    const recent = since === null ? null : { since: new Date(since) };
    if (choice === 'all') return { deleted: false };
    if (choice === 'none') return recent;
    return recent ? { or: [{ seen: false }, recent] } : { seen: false };
  }

  /**
   * The next UIDs for the backfill after `from`, up to `to`: SEARCHed by sequence numbers
   * (`1:<end>`, with the UID range), so a window spans SEARCH_WINDOW more messages however sparse
   * the UIDs: a folder with years of mail never answers with all of its UIDs at once, and one of
   * a few hundred messages under UIDs in the millions answers in one round trip. Starting each
   * window at 1, none misses a message whose sequence number fell by an expunge meanwhile. How far
   * windows came back empty is this session's `scannedSeq`, kept in memory: nothing is written for
   * an empty window (the cursor moves with the messages taken). Empty: none left; null: new mail
   * came in (or a stop) first.
   */
  async function nextExisting(c: ImapFlow, query: Record<string, unknown>, from: number, to: number, interrupted: () => boolean): Promise<number[] | null> {
    for (;;) {
      const exists = c.mailbox ? c.mailbox.exists : 0;
      // an empty folder has no `*` to search up to (RFC 9051): nothing is left
      if (exists === 0) return [];
      const end = scannedSeq + SEARCH_WINDOW;
      const last = end >= exists;
      const found = (await c.search({ ...query, seq: last ? '1:*' : `1:${end}`, uid: `${from + 1}:${to}` }, { uid: true })) || [];
      const uids = found.filter((u) => u > from && u <= to).sort((a, b) => a - b);
      if (uids.length > 0) return uids;
      if (last) return [];
      scannedSeq = end;
      if (stopped || interrupted()) return null;
    }
  }

  /**
   * One batch of the messages that were already in the folder when it was first opened (or
   * rebuilt): true while more remain. Which ones: `existingQuery`; the others are left alone. A
   * cursor (`backfillFrom`) moves past each UID visited, so nothing is fetched twice even where
   * \Seen cannot be stored (a read-only or shared folder); one committed before a crash is only
   * acknowledged again, and a copy under another UID is a duplicate by its Message-ID. Stops
   * early when new mail arrives (`interrupted`).
   */
  async function backfill(c: ImapFlow, uidvalidity: number, interrupted: () => boolean): Promise<boolean> {
    const cp = await checkpoint();
    const to = cp?.backfillTo;
    if (!cp || !to || cp.uidvalidity !== uidvalidity) return false;
    // the choice recorded when the backfill began (a checkpoint from before: the mailbox's own)
    const query = existingQuery(cp.backfillSince, cp.existingMail ?? cfg.existingMail);
    const uids = query ? await nextExisting(c, query, cp.backfillFrom ?? 0, to, interrupted) : [];
    if (uids === null) return !stopped;
    if (uids.length === 0) {
      await finishBackfill(dc, cfg.name, uidvalidity);
      return false;
    }
    const batch = uids.slice(0, BACKFILL_BATCH);
    const done = new Set(await committedUids(dc, source, uidvalidity, batch));
    const sizes = await sizesOf(c, batch.filter((u) => !done.has(u)));
    for (const uid of batch) {
      if (stopped) return false;
      const size = sizes.get(uid);
      if (done.has(uid) || (size !== undefined && (await take(c, uidvalidity, uid, size)))) await afterCommit(c, uid);
      await advanceBackfill(dc, cfg.name, uidvalidity, uid);
      if (interrupted()) return true;
    }
    return true;
  }

  async function session(): Promise<void> {
    // loaded with the first mailbox: an instance without IMAP never loads it
    const { ImapFlow } = await import('imapflow');
    const c = new ImapFlow({
      host: cfg.host,
      port: cfg.port,
      secure: cfg.secure,
      ...(cfg.doSTARTTLS === undefined ? {} : { doSTARTTLS: cfg.doSTARTTLS }),
      auth: { user: cfg.user, pass: cfg.password },
      logger: false,
      autoIdleDelay: 200,
      maxIdleTime: 5 * 60_000,
    });
    client = c;
    c.on('error', (err: unknown) => log.warn('imap connection error', { mailbox: cfg.name, err }));
    await setState('connecting');
    await c.connect();
    // Keep the mailbox open without holding a lock: imapflow only IDLEs while no lock is held.
    const mailbox = await c.mailboxOpen(cfg.mailbox);
    scannedSeq = 0;
    const uidvalidity = Number(mailbox.uidValidity);
    // Which folder the checkpoint is for: one edited to read another server, user or folder starts
    // afresh even when both report the same UIDVALIDITY.
    const scope = `${cfg.host}:${cfg.port} ${cfg.user} ${cfg.mailbox}`;
    const cp = await checkpoint();
    const fresh = !cp || cp.uidvalidity === null || (cp.deltaScope !== null && cp.deltaScope !== scope);
    if (fresh || cp.uidvalidity !== uidvalidity) {
      // New, or rebuilt: UIDs mean something else now. What the folder holds now is existing mail,
      // of which the backfill fetches what the mailbox's choice says (unread, all or none), and for
      // a rebuilt folder also what came since it was last read (read in webmail meanwhile, or never
      // seen by us); the rest is new.
      const uidNext = Number(mailbox.uidNext);
      const highest = uidNext > 0 ? uidNext - 1 : (((await c.search({ all: true }, { uid: true })) || []) as number[]).reduce((a, b) => Math.max(a, b), 0);
      const lastRead = fresh ? null : (cp.lastSuccessAt ?? cp.updatedAt);
      // The choice applies when the mailbox is added or pointed elsewhere: a rebuilt folder keeps
      // the one recorded then (unread for one added before choices were recorded), not one edited
      // since, which would take years of mail left alone (review 11; Graph records it too).
      const choice = fresh ? cfg.existingMail : (cp.existingMail ?? 'unread');
      await resetCheckpoint(dc, cfg.name, { uidvalidity, scope, lastExisting: highest, since: lastRead === null ? null : lastRead - REBUILT_MARGIN_MS, choice });
    } else if (cp.deltaScope === null) {
      await recordScope(dc, cfg.name, scope);
    }
    const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
      const lock = await c.getMailboxLock(cfg.mailbox);
      try {
        return await fn();
      } finally {
        lock.release();
      }
    };
    if (cfg.after === 'move') await ensureFolder(c, cfg.moveTo);
    await locked(async () => finishUnflagged(c, uidvalidity, (await checkpoint())?.lastUid ?? 0));
    let pending = Promise.resolve();
    let dirty = false;
    const pull = () => {
      dirty = true;
      pending = pending.then(async () => {
        let more = true;
        while ((dirty || more) && !stopped) {
          dirty = false;
          await setState('fetching');
          // new mail first; existing unread mail one batch a round, so new mail never waits long
          await locked(() => fetchNew(c, uidvalidity));
          more = await locked(() => backfill(c, uidvalidity, () => dirty));
          if (!more && !stopped) await setState('idle');
        }
      });
      return pending;
    };
    c.on('exists', () => {
      pull().catch((err: unknown) => {
        log.warn('imap fetch failed; reconnecting', { mailbox: cfg.name, err });
        c.close();
      });
    });
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    await pull();
    readyResolve?.();
    await closed;
    await pending.catch(() => undefined);
  }

  void (async () => {
    let attempt = 0;
    while (!stopped) {
      try {
        await session();
        attempt = 0;
      } catch (err) {
        if (stopped) break;
        await setState('error', new Error(imapErrorText(err)));
        opts.onError?.(err);
        log.warn('imap mailbox disconnected; reconnecting', { mailbox: cfg.name, err, attempt });
      }
      if (stopped) break;
      await setState('reconnecting');
      readyPromise = new Promise<void>((r) => (readyResolve = r));
      await new Promise<void>((resolve) => {
        wakeSleep = resolve;
        setTimeout(resolve, backoff(attempt++));
      });
      wakeSleep = null;
    }
  })();

  return {
    name: cfg.name,
    async stop(opts = {}) {
      stopped = true;
      wakeSleep?.();
      if (client) await client.logout().catch(() => client?.close());
      if (!opts.handover) await setState('stopped');
    },
    ready: () => readyPromise,
  };
}
