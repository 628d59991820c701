/**
 * What the mailbox tests (IMAP and Microsoft Graph sources) share: a customer's email to the
 * project's address, an app with an admin and the project, the titles of its tickets, and waiting
 * for a condition.
 */
import { seedAdmin, seedProject, signIn, startTestApp, type Session, type TestApp } from './test-app';

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
