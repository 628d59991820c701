/**
 * The built-in SMTP listener: accepts mail for our addresses only (550 otherwise: never an open
 * relay), enforces the size limit (552), and answers 250 only after the message's outcome is
 * committed; any failure before that answers 451 so the sender retries.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AddressBook } from '../addresses';
import type { Ingest } from '../inbound/receive';
import { withoutLeadingBlankLines } from '../inbound/parse';
import { log } from '../../log';
import type { StorageHealth } from '../../storage-health';

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** What close() uses of smtp-server's connection objects (its `connections` set is not in its types). */
interface IdleConnection {
  id: string;
  send(code: number, text: string): void;
  close(): void;
}

function smtpError(message: string, code: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * We are the final delivery server, so we add `Return-Path` with the envelope sender (RFC 5321
 * §4.4), as an MTA delivering to a mailbox would: a bounce (`MAIL FROM:<>`) is then known as one.
 */
function returnPath(session: SMTPServerSession): Buffer {
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address.replace(/[\r\n<>]/g, '') : '';
  return Buffer.from(`Return-Path: <${from}>\r\n`);
}

export async function startSmtpListener(opts: {
  host: string;
  port: number;
  /** our addresses as they are now (the mail settings can change while the listener runs) */
  book: () => AddressBook;
  ingest: Ingest;
  maxEmailSize: number;
  hostname?: string;
  /** on close, how long a message being received may take to finish before 421 (default 10 s) */
  drainMs?: number;
  /** whether this node can store mail now (disk full, DATA_DIR read-only) */
  storage?: StorageHealth;
}): Promise<SmtpListener> {
  /** sessions between DATA and our answer to it: the ones a shutdown lets finish */
  const receiving = new Set<string>();
  const server = new SMTPServer({
    name: opts.hostname ?? opts.book().host(),
    banner: 'Threadline',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: opts.maxEmailSize,
    maxClients: 200,
    // SIGTERM: a message being received gets this long to be stored and answered; then 421
    closeTimeout: opts.drainMs ?? 10_000,
    logger: false,
    onMailFrom(_address, _session, callback) {
      // As Postfix does when its queue's disk is low: refused before the sender sends the
      // message (which could not be stored), not after; it retries later or at another MX.
      if (opts.storage?.state().problem) return callback(smtpError('4.3.1 Insufficient system storage; please try again later', 452));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (!opts.book().isOurs(address.address)) {
        return callback(smtpError(`5.7.1 <${address.address}>: relay access denied; this server only accepts mail for its own addresses`, 550));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, answer) {
      receiving.add(session.id);
      const callback: typeof answer = (err, message) => {
        receiving.delete(session.id);
        answer(err, message);
      };
      const chunks: Buffer[] = [];
      let size = 0;
      // Past the limit the rest is read and dropped: an oversized message must not fill memory.
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= opts.maxEmailSize) chunks.push(c);
      });
      stream.on('error', (err) => callback(smtpError(`4.3.0 ${err.message}`, 451)));
      stream.on('end', () => {
        if (stream.sizeExceeded || size > opts.maxEmailSize) {
          return callback(smtpError(`5.3.4 Message too big: the limit is ${opts.maxEmailSize} bytes`, 552));
        }
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        // Blank lines some relays put before the header block are dropped before our Return-Path
        // goes on top: after it, they would end the header block and leave the message without
        // its own headers (ingest drops them too, but only at the very start of the bytes). Only
        // a message that starts with white space is joined first: the usual one is copied once.
        const head = chunks[0]?.[0];
        const message = head === 0x0d || head === 0x0a || head === 0x20 || head === 0x09 ? [withoutLeadingBlankLines(Buffer.concat(chunks))] : chunks;
        opts.ingest
          .receive(Buffer.concat([returnPath(session), ...message]), { source: 'smtp', envelopeTo })
          .then((outcome) => callback(null, `2.0.0 Ok: ${outcome.status} (${outcome.inboundId})`))
          .catch((err: unknown) => {
            log.error('smtp ingest failed; answering 451 so the sender retries', { err });
            opts.storage?.reportFailure(err);
            callback(smtpError('4.3.0 Temporary failure storing the message; please retry', 451));
          });
      });
    },
  });
  server.on('error', (err) => log.warn('smtp listener error', { err }));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A sender between messages (or before DATA) loses nothing by being told to come back:
        // 421 at once, so that an idle kept-open connection does not hold the shutdown for the
        // whole closeTimeout. A message being received finishes: stored and answered 250, or 4xx.
        for (const c of (server as unknown as { connections: Set<IdleConnection> }).connections) {
          if (receiving.has(c.id)) continue;
          c.send(421, '4.3.2 Threadline is shutting down; please try again later');
          c.close();
        }
      }),
  };
}
