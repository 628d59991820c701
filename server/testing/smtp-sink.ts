/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that captures every message, for outbound tests.
 *
 *   const sink = await startSmtpSink();
 *   // point the app's SMTP settings at sink.url (smtp://127.0.0.1:PORT, no TLS, any AUTH accepted)
 *   const [msg] = await sink.waitFor(1);
 *   msg.from, msg.to, msg.raw (Buffer, as received after dot-unstuffing)
 *
 * `failWith` decides per recipient whether RCPT TO (default) or DATA answers with an error, e.g.
 * `(rcpt) => rcpt.startsWith('gone@') ? { code: 550, message: 'No such user' } : null`. It can be
 * replaced at any time through `sink.failWith`, e.g. to answer 451 first and accept later.
 *
 * smtp-server waits ~100 ms on each new connection (early-talker check): use `pool: true` in
 * nodemailer when sending many messages.
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import net from 'node:net';

export interface Captured {
  /** Envelope sender (MAIL FROM), '' for the null sender. */
  from: string;
  /** Envelope recipients (accepted RCPT TO), in order. */
  to: string[];
  /** The DATA exactly as received (dot-unstuffed, CRLF line ends as sent). */
  raw: Buffer;
  receivedAt: number;
  /** Username of a successful AUTH on that connection, if the client authenticated. */
  user?: string;
}

export interface SmtpFailure {
  /** SMTP reply code, e.g. 550 (permanent) or 451 (temporary). */
  code: number;
  message: string;
  /** When to fail: at RCPT TO (default) or after DATA. */
  stage?: 'rcpt' | 'data';
}

export type FailWith = (rcpt: string) => SmtpFailure | null;

/** A RCPT or DATA the sink refused because of failWith (or bad credentials). */
export interface Rejection {
  stage: 'rcpt' | 'data' | 'auth';
  from: string;
  /** The recipient the failure was for ('' for auth). */
  rcpt: string;
  code: number;
  at: number;
}

export interface StartSmtpSinkOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  failWith?: FailWith;
  /** If given, AUTH with other credentials fails with 535 (AUTH itself stays optional). */
  auth?: { user: string; pass: string };
}

export interface SmtpSink {
  host: string;
  port: number;
  /** smtp://127.0.0.1:PORT */
  url: string;
  /** Captured messages, oldest first; survives stop/start. */
  messages: Captured[];
  /** Refused RCPTs / DATAs / AUTHs, oldest first. */
  rejections: Rejection[];
  /** The current failure policy; assign to change it mid-test. */
  failWith: FailWith | null;
  readonly running: boolean;
  /** Resolves with the captured messages as soon as at least `count` have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Captured[]>;
  /** Forget captured messages and rejections. */
  clear(): void;
  /** Close the listener and drop open connections at once (421), like a server going down. */
  stop(): Promise<void>;
  /** Listen again on the same port. No-op when running. */
  start(): Promise<void>;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}

function summary(messages: Captured[]): string {
  if (messages.length === 0) return 'none';
  return messages.map((m, i) => `#${i + 1} from <${m.from}> to ${m.to.map((t) => `<${t}>`).join(',')}`).join('; ');
}

export async function startSmtpSink(opts: StartSmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = '127.0.0.1';
  const messages: Captured[] = [];
  const rejections: Rejection[] = [];
  const waiters = new Set<() => void>();
  let server: SMTPServer | null = null;
  let port = opts.port ?? 0;

  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const envelopeFrom = (session: SMTPServerSession) => (session.envelope.mailFrom ? session.envelope.mailFrom.address : '');

  function createServer(): SMTPServer {
    return new SMTPServer({
      name: 'smtp-sink.test',
      banner: 'Threadline test SMTP sink',
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      // stop() means "server down now": drop open (e.g. pooled) connections with a 421 right away.
      closeTimeout: 1,
      onAuth(auth, session, callback) {
        const expected = opts.auth;
        if (expected && (auth.username !== expected.user || auth.password !== expected.pass)) {
          rejections.push({ stage: 'auth', from: '', rcpt: '', code: 535, at: Date.now() });
          callback(smtpError(535, 'Authentication credentials invalid'));
          return;
        }
        callback(null, { user: auth.username ?? '' });
      },
      onRcptTo(address: SMTPServerAddress, session, callback) {
        const failure = sink.failWith?.(address.address) ?? null;
        if (failure && (failure.stage ?? 'rcpt') === 'rcpt') {
          rejections.push({ stage: 'rcpt', from: envelopeFrom(session), rcpt: address.address, code: failure.code, at: Date.now() });
          callback(smtpError(failure.code, failure.message));
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.once('error', (err) => callback(err));
        stream.once('end', () => {
          const from = envelopeFrom(session);
          const to = session.envelope.rcptTo.map((a) => a.address);
          for (const rcpt of to) {
            const failure = sink.failWith?.(rcpt) ?? null;
            if (failure && failure.stage === 'data') {
              rejections.push({ stage: 'data', from, rcpt, code: failure.code, at: Date.now() });
              callback(smtpError(failure.code, failure.message));
              return;
            }
          }
          const captured: Captured = { from, to, raw: Buffer.concat(chunks), receivedAt: Date.now() };
          const user = session.user;
          if (typeof user === 'string' && user) captured.user = user;
          messages.push(captured);
          callback(null, 'Message captured');
          notify();
        });
      },
    });
  }

  function listen(srv: SMTPServer, wanted: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        srv.server.off('listening', onListening);
        reject(err);
      };
      const onListening = () => {
        srv.server.off('error', onError);
        const addr = srv.server.address() as net.AddressInfo | null;
        resolve(addr ? addr.port : wanted);
      };
      srv.server.once('error', onError);
      srv.server.once('listening', onListening);
      srv.listen(wanted, host);
    });
  }

  async function start(): Promise<void> {
    if (server) return;
    const srv = createServer();
    srv.on('error', () => {
      /* client-side socket errors; nothing to do for a sink */
    });
    try {
      port = await listen(srv, port);
    } catch (err) {
      throw new Error(`SMTP sink could not listen on ${host}:${port}: ${(err as Error).message}`);
    }
    server = srv;
  }

  function stop(): Promise<void> {
    const srv = server;
    if (!srv) return Promise.resolve();
    server = null;
    return new Promise((resolve) => srv.close(() => resolve()));
  }

  const sink: SmtpSink = {
    host,
    port: 0,
    url: '',
    messages,
    rejections,
    failWith: opts.failWith ?? null,
    get running() {
      return server !== null;
    },
    waitFor(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            cleanup();
            resolve(messages.slice());
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `SMTP sink ${host}:${port}: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length} (${summary(messages)})` +
                (rejections.length ? `; rejected: ${rejections.map((r) => `${r.stage} ${r.code} <${r.rcpt}>`).join(', ')}` : ''),
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    clear() {
      messages.length = 0;
      rejections.length = 0;
    },
    stop,
    start,
  };

  await start();
  sink.port = port;
  sink.url = `smtp://${host}:${port}`;
  return sink;
}
