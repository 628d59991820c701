/**
 * Wires the mail side: the ingest pipeline, its sources (SMTP listener, IMAP mailboxes) and the
 * outbox worker. Pending messages left by a crash are finished before sources start.
 */
import type { Config } from '../config';
import type { DomainCtx } from '../domain/core/context';
import { ensureSupportBot } from '../domain/accounts/users';
import { createAttachmentStore } from '../files/attachment-store';
import { log } from '../log';
import type { AddressBook } from './addresses';
import { createSmtpTransport } from './outbound/smtp-transport';
import { createIngest, type Ingest } from './inbound/receive';
import { createFolderTransport, type Transport } from './outbound/transport';
import { createOutboxWorker, type OutboxWorker } from './outbound/worker';
import { startImapWorker, type ImapWorker } from './sources/imap';
import { holdLease, type HeldLease } from '../domain/core/leases';
import type { ImapMailboxConfig } from '../config';
import { startSmtpListener, type SmtpListener } from './sources/smtp-listener';

export interface MailRuntime {
  book: AddressBook;
  ingest: Ingest;
  outbox: OutboxWorker;
  smtp: SmtpListener | null;
  imap: ImapWorker[];
  stop(): Promise<void>;
}

export async function createMailCore(dc: DomainCtx, config: Config, transport?: Transport) {
  const book = dc.mail.book;
  const files = createAttachmentStore(config.dataDir, dc.db);
  const chosen = transport ?? (config.mail.smtpUrl ? createSmtpTransport(config.mail.smtpUrl) : createFolderTransport(config.dataDir));
  const outbox = createOutboxWorker(dc, chosen, { store: files, claimMs: config.mail.outboxClaimMs });
  const supportBot = await ensureSupportBot(dc);
  const ingest = createIngest({
    dc,
    book,
    files,
    maxEmailSize: config.mail.maxEmailSize,
    rateLimitPerMinute: config.mail.rateLimitPerMinute,
    supportBotId: supportBot.id,
    onQueued: () => outbox.kick(),
  });
  return { book, ingest, outbox };
}

export async function startMail(dc: DomainCtx, config: Config, opts: { transport?: Transport } = {}): Promise<MailRuntime> {
  const { book, ingest, outbox } = await createMailCore(dc, config, opts.transport);
  const recovered = await ingest.recoverPending();
  if (recovered) log.info('finished messages left pending by a restart', { count: recovered });
  outbox.start();
  const smtp = config.mail.smtpListen
    ? await startSmtpListener({ ...config.mail.smtpListen, book, ingest, maxEmailSize: config.mail.maxEmailSize })
    : null;
  const imap = config.mail.imapMailboxes.map((m) => leasedImapWorker(dc, m, ingest, config.mail.maxEmailSize));
  // A node that died and never came back leaves pending messages: one node finishes them.
  let sweepTimer: NodeJS.Timeout | null = null;
  const sweep = holdLease(dc, 'inbound-recovery', {
    ttlMs: 60_000,
    renewMs: 20_000,
    onAcquire() {
      const run = () => {
        sweepTimer = setTimeout(async () => {
          try {
            const n = await ingest.recoverPending(STALE_PENDING_MS);
            if (n) log.info('finished messages another node left pending', { count: n });
          } catch (err) {
            log.warn('pending-message sweep failed', { err });
          }
          if (sweepTimer) run();
        }, 30_000);
        sweepTimer.unref();
      };
      run();
    },
    onLose() {
      if (sweepTimer) clearTimeout(sweepTimer);
      sweepTimer = null;
    },
  });
  return {
    book,
    ingest,
    outbox,
    smtp,
    imap,
    async stop() {
      await sweep.stop();
      await Promise.all(imap.map((w) => w.stop()));
      await smtp?.close();
      await outbox.stop();
    },
  };
}

/** A message still pending this long after it arrived was left by a node that died. */
const STALE_PENDING_MS = 2 * 60 * 1000;

/**
 * Watches one IMAP mailbox while this node holds its lease (`imap:<name>`): with several nodes,
 * exactly one watches it; when that node dies, another takes over within about 8 s and goes on
 * from the stored checkpoint.
 */
function leasedImapWorker(dc: DomainCtx, m: ImapMailboxConfig, ingest: Ingest, maxEmailSize: number): ImapWorker {
  let worker: ImapWorker | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const lease: HeldLease = holdLease(dc, `imap:${m.name}`, {
    onAcquire() {
      worker = startImapWorker(m, ingest, dc, { maxEmailSize });
      void worker.ready().then(markReady);
    },
    async onLose() {
      const w = worker;
      worker = null;
      await w?.stop({ handover: true });
    },
  });
  return {
    name: m.name,
    async stop() {
      const w = worker;
      await lease.stop();
      // a clean stop (not a handover) records the mailbox as stopped, as before
      if (w) await w.stop().catch(() => undefined);
    },
    ready: () => ready,
  };
}
