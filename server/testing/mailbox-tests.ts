/**
 * What the mailbox tests (IMAP and Microsoft Graph sources) share: a customer's email to the
 * project's address, an app with an admin and the project, the titles of its tickets, waiting
 * for a condition, and a person's own IMAP session on the test Dovecot.
 */
import { ImapFlow } from 'imapflow';
import type { Dovecot } from '../../e2e/fixtures/dovecot';
import nodemailer from 'nodemailer';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from './test-app';

export const DESK_TO = 'incoming+acme-app-1-issue-@desk.test';

/** A plain customer email about `subject`; its Message-ID comes from the subject (the same subject: the same message). */
export function customerMail(subject: string, to = DESK_TO): string {
  return `From: Carol <carol@customer.test>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W+/g, '-')}@customer.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nHello about ${subject}\r\n`;
}

/** A test app (incoming addresses at desk.test) with the admin signed in and the project acme/app. */
export async function startDesk(env: Record<string, string> = {}): Promise<{ app: TestApp; admin: Session }> {
  const app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', ...env });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  return { app, admin: await signIn(app, 'admin@test.io') };
}

/**
 * A test app with the private project acme/app and a reporter signed in (rep@test.io): what the
 * tests of incoming mail through the real SMTP listener start with.
 */
export async function startDeskWithReporter(): Promise<{ app: TestApp; rep: Session }> {
  const app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'private');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  return { app, rep: await signIn(app, 'rep@test.io') };
}

/** Sends a raw message to the project's address over SMTP, as a customer's mail server does; the server's answer. */
export async function sendOverSmtp(app: TestApp, raw: string, envelopeFrom: string, to = DESK_TO): Promise<string> {
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
  try {
    return (await smtp.sendMail({ envelope: { from: envelopeFrom, to: [to] }, raw })).response;
  } finally {
    smtp.close();
  }
}

/** The titles of acme/app's tickets, sorted. */
export async function ticketTitles(s: Session): Promise<string[]> {
  return (await s.trpc.tickets.list.query({ projectPath: 'acme/app', limit: 100 })).items.map((t) => t.title).sort();
}

/** Polls `fn` every 100 ms until it is true; fails naming `what` after `ms`. */
export async function until(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A short IMAP session as `user` on a test Dovecot (the mail client a person would use). */
export async function imapAs<T>(dovecot: Dovecot, user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false, disableAutoIdle: true });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => c.close());
  }
}

/** APPENDs a message with its flags, as a mail client (or a migration tool) would. */
export async function putMail(dovecot: Dovecot, user: string, raw: string, flags: string[] = [], received?: Date): Promise<void> {
  await imapAs(dovecot, user, async (c) => {
    if (!(await c.append('INBOX', Buffer.from(raw), flags, received))) throw new Error('APPEND failed');
  });
}

/** The INBOX of `user` as a mail client shows it: each message's subject and flags, in UID order. */
export async function inboxOf(dovecot: Dovecot, user: string): Promise<{ subject: string; flags: Set<string> }[]> {
  return imapAs(dovecot, user, async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const out: { subject: string; flags: Set<string> }[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, flags: true })) out.push({ subject: m.envelope?.subject ?? '', flags: m.flags ?? new Set() });
      return out;
    } finally {
      lock.release();
    }
  });
}
