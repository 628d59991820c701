/**
 * The one ingest pipeline every source feeds (SPEC §2, §3): store raw first, then decide and
 * apply in one transaction (ticket or note, participants, Message-IDs, events, queued email),
 * and only then let the source acknowledge. A message that cannot be processed is quarantined
 * with its error; if even that cannot be written, or there is no room to store the message (a
 * full disk or quota: transient, not the message's fault), `receive` throws and the source must
 * not acknowledge (SMTP answers 4xx, IMAP and Graph leave the message).
 */
import type { DomainCtx, Emit, Tx } from '../../domain/core/context';
import { createGroupCommit } from '../../domain/core/group-commit';
import { claimAbandoned, dropPending, finishInbound, NotPendingError, pendingInbound, rawOf, releaseClaim, reopenInbound, storeInbound, type InboundRow, type SourceRef } from '../../domain/mail-log/inbound-log';
import { sha256, UnparsableEmailError, withoutLeadingBlankLines, type ParsedEmail } from './parse';
import type { AttachmentStore } from '../../files/attachment-store';
import { applyMessage, RenderMiss, type Outcome } from './apply';
import { descriptionMarkdown, replyMarkdown, type MessageBody } from './message-markdown';
import { emailBodyMarkdown, markdownAsText, markdownToHtml, ParseFailedError, parseForIngest, prepareIngest, trimReplyAhead, type IngestPrepared } from '../../render';
import { prepareAttachments, rewriteCids, rewriteTextCids, type PreparedAttachment } from './prepare-attachments';
import { log } from '../../log';
import { noRoomToStore } from '../../storage-health';
import { mailSettingsCommitted } from '../../domain/mail-setup/signal';
import { findKey } from './find-key';
import { REPLY_KEY_RE, type AddressBook } from '../addresses';

export type { Outcome } from './apply';

export interface IngestDeps {
  /** its `mail.book` names our addresses (read per message: the settings can change) */
  dc: DomainCtx;
  files: AttachmentStore;
  maxEmailSize: number;
  rateLimitPerMinute: number;
  supportBotId: number;
  /** the Support Bot's row (its name never changes), so a new ticket's summary need not read it */
  supportBot?: { id: number; name: string; kind: 'human' | 'bot' } | undefined;
  /** called after a commit that may have queued email */
  onQueued?: () => void;
}

/** `envelopeTo`: SMTP RCPT TO addresses, searched for the key like Delivered-To (and stored). */
export type ReceiveSource = SourceRef;

const HEADER_LIMIT = 256 * 1024;
/** Raw mail over this size is kept in the attachment store, beside the attachments. */
export const RAW_APART_BYTES = 1024 * 1024;
/** a message is applied again at most this many times to render texts it did not expect */
const MAX_RENDER_ROUNDS = 3;
const MAX_RECOVERY_ATTEMPTS = 3;

/** Whether a body has any non-blank character, without copying it (`trim()` on 23 MB would). */
function hasText(text: string | null): boolean {
  return text !== null && /\S/.test(text);
}

/** The body as Markdown, converted in the render worker (cid: images pointed at our copies first). */
async function messageBody(parsed: ParsedEmail, prepared: PreparedAttachment[], converted: string | undefined): Promise<MessageBody> {
  if (hasText(parsed.text)) {
    // the text part: Outlook's `[cid:…]` placeholders become the inline images they stand for
    const { markdown, used } = rewriteTextCids(converted ?? (await emailBodyMarkdown(parsed.text, null)), prepared);
    return { markdown, inlineUsed: used };
  }
  if (converted !== undefined) return { markdown: converted, inlineUsed: new Set() };
  let html = parsed.html;
  let inlineUsed = new Set<string>();
  if (html) ({ html, used: inlineUsed } = rewriteCids(html, prepared));
  return { markdown: await emailBodyMarkdown(parsed.text, html), inlineUsed };
}

/**
 * Renders ahead the text the message most likely becomes: a reply's note, or a new description
 * (already rendered by the worker with the parse when the message has no attachments).
 */
async function renderLikely(parsed: ParsedEmail, body: MessageBody, prepared: PreparedAttachment[], ahead: IngestPrepared): Promise<Map<string, string>> {
  const rendered = new Map<string, string>();
  const threaded = parsed.inReplyTo.length > 0 || parsed.references.length > 0;
  const markdown = threaded ? replyMarkdown(body, prepared).note : descriptionMarkdown(body, prepared);
  if (!markdown.trim()) return rendered;
  rendered.set(markdown, ahead.likely?.markdown === markdown ? ahead.likely.html : ahead.plain ? markdownAsText(markdown) : await markdownToHtml(markdown));
  return rendered;
}

/** Threaded, or sent to a reply key (as apply.ts's resolveKey finds it): the message most likely becomes a reply's note. */
function looksLikeReply(parsed: ParsedEmail, book: AddressBook, envelopeTo: string[]): boolean {
  if (parsed.inReplyTo.length > 0 || parsed.references.length > 0) return true;
  const found = findKey(parsed, book, envelopeTo);
  return found?.mailbox === 'incoming' && REPLY_KEY_RE.test(found.key.toLowerCase());
}

function headerPart(input: Buffer): Buffer {
  const raw = withoutLeadingBlankLines(input);
  const text = raw.subarray(0, HEADER_LIMIT).toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  return raw.subarray(0, m ? m.index + m[0].length : Math.min(raw.length, HEADER_LIMIT));
}

/** The row was finished by someone else meanwhile (another node's recovery, or the node that received it). */
class AlreadyFinished extends Error {}

export function createIngest(deps: IngestDeps) {
  const { dc } = deps;
  const groupWrite = createGroupCommit(dc);
  // Raw bytes and the `pending` row: safe beside other writers by their unique keys (sha256;
  // source + UID), and they emit no events, so on PostgreSQL they take no cluster-wide lock.
  // (SQLite has one writer anyway: there they share the batches of the rest.)
  const storeWrite = dc.db.engine === 'pg' ? createGroupCommit(dc, 64, { lock: false }) : groupWrite;
  const writeFor =
    (row: InboundRow) =>
    async <T>(fn: (tx: Tx, emit: Emit, at: number) => Promise<T>): Promise<T> => {
      // Several nodes may try to finish the same pending row (one received it, another recovers
      // it after a restart): whoever commits first wins, the others change nothing (finishInbound
      // updates only a pending row, and its job's savepoint rolls back otherwise; the outcome may
      // be a write nobody waited for, so its failure arrives with the job's end, db/later.ts).
      try {
        return await groupWrite(fn);
      } catch (err) {
        if (err instanceof NotPendingError && err.id === row.id) throw new AlreadyFinished();
        throw err;
      }
    };

  async function quarantine(row: InboundRow, err: unknown, parsed?: ParsedEmail): Promise<Outcome> {
    const message = err instanceof Error ? err.message : String(err);
    const write = writeFor(row);
    try {
      await write(async (tx, _emit, at) =>
      finishInbound(tx, row.id, {
        status: 'quarantined',
        error: message,
        messageId: parsed?.messageId ?? null,
        fromAddress: parsed?.from?.address ?? null,
        subject: parsed?.subject ?? null,
      }, at),
      );
    } catch (e) {
      if (e instanceof AlreadyFinished) return { status: 'duplicate', inboundId: row.id };
      throw e;
    }
    // Malformed mail is expected input: a line in the log with the reason. Anything else is our fault.
    if (err instanceof UnparsableEmailError || err instanceof ParseFailedError) log.info('message quarantined', { inboundId: row.id, reason: message });
    else log.error('message quarantined', { inboundId: row.id, err });
    return { status: 'quarantined', inboundId: row.id, error: message };
  }

  async function processRow(row: InboundRow, raw: Buffer, src: ReceiveSource): Promise<Outcome> {
    try {
      return await processPending(row, raw, src);
    } catch (err) {
      if (err instanceof AlreadyFinished) return { status: 'duplicate', inboundId: row.id };
      throw err;
    }
  }

  async function processPending(row: InboundRow, raw: Buffer, src: ReceiveSource): Promise<Outcome> {
    const write = writeFor(row);
    if (row.size === 0) {
      await write(async (tx, _e, at) => finishInbound(tx, row.id, { status: 'ignored', reason: 'empty' }, at));
      return { status: 'ignored', inboundId: row.id, reason: 'empty' };
    }
    // Only the header part of an oversized message is kept; `row.size` is its real size.
    const tooLarge = row.size > deps.maxEmailSize;
    let ahead: IngestPrepared;
    try {
      ahead = tooLarge ? { parsed: await parseForIngest(headerPart(raw)) } : await prepareIngest(raw);
    } catch (err) {
      return quarantine(row, err);
    }
    const { parsed } = ahead;
    try {
      const prepared = tooLarge ? [] : await prepareAttachments(parsed, raw, deps.files);
      const body: MessageBody = tooLarge ? { markdown: '', inlineUsed: new Set() } : await messageBody(parsed, prepared, ahead.body);
      // A reply's quoted history is folded in the worker (not on the event loop, nor under the
      // write lock): with the parse when it threads, else now when it goes to a reply address.
      if (ahead.trimmed && body.markdown === ahead.body) body.trimmed = ahead.trimmed;
      else if (!tooLarge && looksLikeReply(parsed, dc.mail.book, src.envelopeTo ?? [])) body.trimmed = await trimReplyAhead(body.markdown);
      const rendered = tooLarge ? new Map<string, string>() : await renderLikely(parsed, body, prepared, ahead);
      for (let round = 1; ; round++) {
        try {
          // A RenderMiss thrown by the job rolls back its savepoint only; render, then apply again.
          const outcome = await write((tx, emit, at) =>
            applyMessage({ tx, emit, at, deps, row, parsed, prepared, tooLarge, envelopeTo: src.envelopeTo ?? [], body, rendered }),
          );
          deps.onQueued?.();
          // A verified custom address is ours from now on: this node applies it at once.
          if (outcome.status === 'ignored' && outcome.reason === 'custom-email-verification') mailSettingsCommitted(dc);
          return outcome;
        } catch (err) {
          if (err instanceof AlreadyFinished) throw err;
          if (!(err instanceof RenderMiss) || round >= MAX_RENDER_ROUNDS) throw err;
          rendered.set(err.markdown, ahead.plain ? markdownAsText(err.markdown) : await markdownToHtml(err.markdown));
        }
      }
    } catch (err) {
      if (err instanceof AlreadyFinished) throw err;
      // No room to store it (an attachment, the database): nothing of it was committed, and it is
      // not the message's fault. The source must not acknowledge it: SMTP answers 4xx and the
      // sender retries, IMAP and Graph fetch it again. Malformed mail still goes to quarantine.
      if (noRoomToStore(err)) throw err;
      return quarantine(row, err, parsed);
    }
  }

  return {
    /** Ingests one raw message from a source. Resolves once its outcome is committed. */
    async receive(raw: Buffer, src: ReceiveSource): Promise<Outcome> {
      const sha = sha256(raw);
      const keep = (src.size ?? raw.length) > deps.maxEmailSize ? headerPart(raw) : raw;
      // Large mail goes to the attachment store (SQLite: a file written and synced in the thread
      // pool; PostgreSQL: file_blobs) before its row commits: on SQLite, megabytes written into
      // the database would hold up the event loop.
      const apart = keep === raw && raw.length > RAW_APART_BYTES;
      if (apart) await deps.files.put(raw, sha);
      const { row, existed } = await storeWrite(async (tx, _emit, at) => storeInbound(tx, src, raw, sha, at, keep, dc.node, apart));
      if (existed && row.status !== 'pending') return { status: 'duplicate', inboundId: row.id };
      try {
        return await processRow(row, raw, src);
      } catch (err) {
        // IMAP and Graph find their pending row again by UID or message id when they fetch it
        // again; a message that arrives afresh (SMTP) would leave this one behind its retry.
        if (noRoomToStore(err) && src.uid === undefined && src.externalId === undefined) {
          await groupWrite(async (tx) => dropPending(tx, row.id, dc.node)).catch((e: unknown) => log.warn('could not drop a message left for its retry', { inboundId: row.id, err: e }));
        }
        throw err;
      }
    },

    /**
     * Finishes messages left `pending` by a node that stopped or crashed (its `node:` lease ran
     * out; rows without a recorded node once older than `unclaimedOlderThanMs`). Rows a live node
     * is still processing are left alone. Each try is counted first: a message that keeps
     * killing the process goes to quarantine instead of stopping every restart.
     */
    async recoverPending(unclaimedOlderThanMs = 0): Promise<number> {
      const unclaimedBefore = () => dc.now() - unclaimedOlderThanMs;
      const rows = await pendingInbound(dc.db, dc.node, dc.now(), unclaimedBefore());
      for (const row of rows) {
        // committed before processing starts, so an attempt that kills the process still counts
        const attempts = await groupWrite(async (tx) => claimAbandoned(tx, row.id, dc.node, dc.now(), unclaimedBefore()));
        if (attempts === 0) continue; // finished or taken over meanwhile by another node
        if (attempts > MAX_RECOVERY_ATTEMPTS) {
          await quarantine(row, new Error(`Processing did not finish in ${attempts - 1} attempts: the server stopped during each one.`));
          continue;
        }
        const raw = (await rawOf(dc.db, row.sha256, deps.files)) ?? Buffer.alloc(0);
        try {
          await processRow(row, raw, { source: row.source, envelopeTo: row.envelopeTo ?? [] });
        } catch (err) {
          // no room to store it now: it stays pending, released for a later sweep, and the rest are tried
          if (!noRoomToStore(err)) throw err;
          log.warn('a pending message could not be stored; left for later', { inboundId: row.id, err });
          await groupWrite(async (tx) => releaseClaim(tx, row.id, dc.node)).catch((e: unknown) => log.warn('could not release a message left for later', { inboundId: row.id, err: e }));
        }
      }
      return rows.length;
    },

    /** Processes a stored message again (quarantine retry). */
    async reprocess(id: number): Promise<Outcome | null> {
      // Back to pending first (only from a finished state), so exactly one processing finishes it.
      const row = await groupWrite(async (tx) => reopenInbound(tx, id, dc.node));
      if (!row) return null;
      const raw = (await rawOf(dc.db, row.sha256, deps.files)) ?? Buffer.alloc(0);
      return processRow(row, raw, { source: row.source, envelopeTo: row.envelopeTo ?? [] });
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
