/**
 * "Test connection" and "Send test email" of the mail settings: one real IMAP login (the folder's
 * message count, or the server's exact words) and one real SMTP transaction (the server's last
 * answer and the transcript, with credentials left out).
 */
import { format } from 'node:util';
import type { ImapMailboxConfig } from '../../config';
import { imapErrorText } from '../sources/imap-error';
import { nodemailerOptions, type SmtpTarget } from '../outbound/smtp-transport';

export type ImapTestResult = { ok: true; folder: string; messages: number } | { ok: false; error: string };

export async function testImapConnection(cfg: Omit<ImapMailboxConfig, 'name' | 'after' | 'moveTo' | 'existingMail'>, timeoutMs = 15_000): Promise<ImapTestResult> {
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    ...(cfg.doSTARTTLS === undefined ? {} : { doSTARTTLS: cfg.doSTARTTLS }),
    auth: { user: cfg.user, pass: cfg.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const status = await client.status(cfg.mailbox, { messages: true });
    if (!status) return { ok: false, error: `The server gave no status for the folder ${cfg.mailbox}.` };
    return { ok: true, folder: cfg.mailbox, messages: status.messages ?? 0 };
  } catch (err) {
    return { ok: false, error: imapErrorText(err) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export interface SmtpTestResult {
  ok: boolean;
  /** the server's last answer, e.g. `250 2.0.0 Ok: queued as 4B9F1` or `535 5.7.8 Authentication failed` */
  lastAnswer: string;
  /** the conversation, server lines `S:` and client lines `C:` (AUTH exchanges left out) */
  transcript: string[];
}

/** Sends one short email through `target` and reports how the server answered. */
export async function sendTestEmail(target: SmtpTarget, mail: { from: string; to: string; serverName: string }): Promise<SmtpTestResult> {
  const transcript: string[] = [];
  let authing = false;
  const line = (meta: unknown, message: unknown, ...args: unknown[]) => {
    const tnx = (meta as { tnx?: string } | null)?.tnx;
    if (tnx !== 'server' && tnx !== 'client') return;
    const text = format(String(message), ...args);
    for (const l of text.split(/\r?\n/)) {
      if (!l) continue;
      if (tnx === 'client') {
        // Credentials are never shown, even redacted or base64-encoded.
        if (/^AUTH\b/i.test(l)) {
          authing = true;
          transcript.push(`C: ${l.split(' ').slice(0, 2).join(' ')} …`);
        } else if (!authing) transcript.push(`C: ${l}`);
        continue;
      }
      if (authing && !/^334[ -]/.test(l)) authing = false;
      transcript.push(`S: ${l}`);
    }
  };
  const quiet = () => undefined;
  const { default: nodemailer } = await import('nodemailer');
  const transporter = nodemailer.createTransport({
    ...nodemailerOptions(target),
    transactionLog: true,
    logger: { level: quiet, trace: quiet, debug: line, info: quiet, warn: quiet, error: quiet, fatal: quiet },
  });
  try {
    const info: { response?: string } = await transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: 'Threadline test email',
      text: `This is a test email from Threadline, sent through ${mail.serverName}.\n\nIf you can read it, outgoing mail works.\n`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    return { ok: true, lastAnswer: String(info.response ?? lastServerLine(transcript) ?? 'accepted'), transcript };
  } catch (err) {
    const e = err as { response?: string; message?: string };
    return { ok: false, lastAnswer: e.response ?? lastServerLine(transcript) ?? e.message ?? String(err), transcript };
  } finally {
    transporter.close();
  }
}

function lastServerLine(transcript: string[]): string | undefined {
  for (let i = transcript.length - 1; i >= 0; i--) if (transcript[i]?.startsWith('S: ')) return transcript[i]?.slice(3);
  return undefined;
}
