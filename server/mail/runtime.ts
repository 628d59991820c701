/**
 * Wires the mail side: the ingest pipeline, its sources (SMTP listener, IMAP mailboxes) and the
 * outbox worker. Pending messages left by a crash are finished before sources start.
 */
import type { Config } from '../config';
import type { DomainCtx } from '../domain/context';
import { ensureSupportBot } from '../domain/users';
import { createAttachmentStore } from '../files/attachment-store';
import { log } from '../log';
import type { AddressBook } from './addresses';
import { createSmtpTransport } from './outbound/smtp-transport';
import { createIngest, type Ingest } from './inbound/receive';
import { createFolderTransport, type Transport } from './outbound/transport';
import { createOutboxWorker, type OutboxWorker } from './outbound/worker';
import { startImapWorker, type ImapWorker } from './sources/imap';
import { startSmtpListener, type SmtpListener } from './sources/smtp-listener';

export interface MailRuntime {
  book: AddressBook;
  ingest: Ingest;
  outbox: OutboxWorker;
  smtp: SmtpListener | null;
  imap: ImapWorker[];
  stop(): Promise<void>;
}

export function createMailCore(dc: DomainCtx, config: Config, transport?: Transport) {
  const book = dc.mail.book;
  const files = createAttachmentStore(config.dataDir);
  const chosen = transport ?? (config.mail.smtpUrl ? createSmtpTransport(config.mail.smtpUrl) : createFolderTransport(config.dataDir));
  const outbox = createOutboxWorker(dc, chosen, { store: files });
  const ingest = createIngest({
    dc,
    book,
    files,
    maxEmailSize: config.mail.maxEmailSize,
    rateLimitPerMinute: config.mail.rateLimitPerMinute,
    supportBotId: ensureSupportBot(dc.db, dc.now()).id,
    onQueued: () => outbox.kick(),
  });
  return { book, ingest, outbox };
}

export async function startMail(dc: DomainCtx, config: Config, opts: { transport?: Transport } = {}): Promise<MailRuntime> {
  const { book, ingest, outbox } = createMailCore(dc, config, opts.transport);
  const recovered = await ingest.recoverPending();
  if (recovered) log.info('finished messages left pending by a restart', { count: recovered });
  outbox.start();
  const smtp = config.mail.smtpListen
    ? await startSmtpListener({ ...config.mail.smtpListen, book, ingest, maxEmailSize: config.mail.maxEmailSize })
    : null;
  const imap = config.mail.imapMailboxes.map((m) => startImapWorker(m, ingest, dc, { maxEmailSize: config.mail.maxEmailSize }));
  return {
    book,
    ingest,
    outbox,
    smtp,
    imap,
    async stop() {
      await Promise.all(imap.map((w) => w.stop()));
      await smtp?.close();
      await outbox.stop();
    },
  };
}
