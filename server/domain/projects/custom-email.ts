/**
 * A project's own support address (GitLab's Service Desk "custom email"): a maintainer enters
 * `support@company.com` (and, optionally, SMTP credentials to send as it); a verification email
 * goes out from it to itself; only when that email comes back through the customer's forwarding
 * to the project's Service Desk address is the address verified and used — for incoming mail
 * (To/Cc/Delivered-To/Envelope-To name the project) and as the From of customer email.
 */
import { passwordAgain, sameMailServer } from '../mail-setup/stored-secret';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { customEmails } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { CustomEmailError, CustomEmailView } from '../../../shared/custom-email';
import type { ProjectAccess } from '../accounts/access';
import { admitConfirmationMail } from '../accounts/login-throttle';
import { isUniqueViolation } from '../accounts/users';
import type { DomainCtx } from '../core/context';
import { writeMailSettings } from '../mail-setup/signal';
import type { Security } from '../mail-setup/instance-settings';
import { projectSmtpRefusal, readProjectSmtpPolicy } from '../mail-setup/project-smtp';

export type CustomEmailRow = typeof customEmails.$inferSelect;

/** The verification email must come back within this time (as GitLab). */
export const VERIFICATION_TIMEOUT_MS = 30 * 60 * 1000;

export async function customEmailOf(q: Q, projectId: number): Promise<CustomEmailRow | undefined> {
  return q.select().from(customEmails).where(eq(customEmails.projectId, projectId)).get();
}

export async function customEmailByToken(q: Q, token: string): Promise<CustomEmailRow | undefined> {
  return q.select().from(customEmails).where(eq(customEmails.token, token)).get();
}

export async function customEmailByAddress(q: Q, address: string): Promise<CustomEmailRow | undefined> {
  return q.select().from(customEmails).where(eq(customEmails.address, address.trim().toLowerCase())).get();
}

/** A waiting verification past its time counts as failed, whether or not anyone wrote that down yet. */
export function effectiveState(row: CustomEmailRow, now: number): { state: CustomEmailRow['state']; error: CustomEmailError | null } {
  if (row.state === 'waiting' && now - row.requestedAt > VERIFICATION_TIMEOUT_MS) return { state: 'failed', error: 'mail_not_received_within_timeframe' };
  return { state: row.state, error: (row.error as CustomEmailError | null) ?? null };
}

export function customEmailView(row: CustomEmailRow | undefined, forwardTo: string, now: number): CustomEmailView | null {
  if (!row) return null;
  const { state, error } = effectiveState(row, now);
  return {
    address: row.address,
    state,
    error,
    errorDetail: state === 'failed' ? row.errorDetail : null,
    forwardTo,
    smtp: row.smtpHost && row.smtpPort && row.smtpSecurity ? { host: row.smtpHost, port: row.smtpPort, security: row.smtpSecurity, user: row.smtpUser ?? '', passwordSet: !!row.smtpPassword } : null,
    requestedAt: new Date(row.requestedAt).toISOString(),
    verifiedAt: row.verifiedAt === null ? null : new Date(row.verifiedAt).toISOString(),
  };
}

export interface CustomEmailInput {
  address: string;
  smtp: { host: string; port: number; security: Security; user: string; password?: string | undefined } | null;
}

/**
 * Starts (or restarts) verification: the address is stored as waiting with a fresh token. The
 * address is used for nothing until the verification email comes back. `byUserId`: who asks
 * (the verification emails are counted per maintainer and per address).
 */
export async function requestCustomEmail(dc: DomainCtx, pa: ProjectAccess, input: CustomEmailInput, byUserId: number): Promise<CustomEmailRow> {
  const address = input.address.trim().toLowerCase();
  const book = dc.mail.book;
  const hit = book.match(address);
  if (hit?.mailbox === 'custom') {
    if (hit.projectId !== pa.project.id) throw new AppError('CUSTOM_EMAIL_TAKEN');
  } else if (book.isOurs(address)) throw new AppError('CUSTOM_EMAIL_OURS');
  const sealed = input.smtp?.password ? dc.secrets.seal(input.smtp.password) : undefined;
  try {
    return await writeMailSettings(dc, async (tx, at) => {
      const before = await customEmailOf(tx, pa.project.id);
      const taken = await customEmailByAddress(tx, address);
      if (taken && taken.projectId !== pa.project.id) throw new AppError('CUSTOM_EMAIL_TAKEN');
      const smtp = input.smtp;
      // The administrator's rule on project SMTP servers, before anything connects anywhere.
      const refused = smtp ? projectSmtpRefusal(await readProjectSmtpPolicy(tx), smtp.host, smtp.port) : null;
      if (refused) throw refused;
      // Each request mails the address typed, through our own mail server unless the project gave
      // its own (whose owner answers for what it sends): counted per maintainer and per address.
      if (!smtp) await admitConfirmationMail(tx, byUserId, address, at);
      // Unchanged user name and no new password: keep the stored one (the form shows only "set"),
      // for the server it was entered for only.
      let password: string | null = null;
      if (smtp && sealed) password = sealed;
      else if (smtp && smtp.password === undefined && before?.smtpPassword && before.smtpUser === smtp.user) {
        const stored = { host: before.smtpHost ?? '', port: before.smtpPort ?? 0, security: before.smtpSecurity ?? '', user: before.smtpUser };
        if (!sameMailServer(stored, smtp)) throw passwordAgain();
        password = before.smtpPassword;
      }
      const values = {
        address,
        state: 'waiting' as const,
        token: randomBytes(16).toString('hex'),
        error: null,
        errorDetail: null,
        smtpHost: smtp?.host ?? null,
        smtpPort: smtp?.port ?? null,
        smtpSecurity: smtp?.security ?? null,
        smtpUser: smtp?.user ?? null,
        smtpPassword: password,
        requestedAt: at,
        verifiedAt: null,
        updatedAt: at,
      };
      return tx
        .insert(customEmails)
        .values({ projectId: pa.project.id, ...values })
        .onConflictDoUpdate({ target: customEmails.projectId, set: values })
        .returning()
        .get();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CUSTOM_EMAIL_TAKEN');
    throw err;
  }
}

/** The verification email could not be sent: which check failed and the server's words. */
export async function failCustomEmail(dc: DomainCtx, projectId: number, token: string, error: CustomEmailError, detail: string | null): Promise<void> {
  await writeMailSettings(dc, async (tx, at) => {
    const row = await customEmailOf(tx, projectId);
    if (row?.token !== token || row.state !== 'waiting') return;
    await tx.update(customEmails).set({ state: 'failed', error, errorDetail: detail, updatedAt: at }).where(eq(customEmails.projectId, projectId)).run();
  });
}

export async function removeCustomEmail(dc: DomainCtx, projectId: number): Promise<void> {
  await writeMailSettings(dc, async (tx) => {
    const gone = await tx.delete(customEmails).where(eq(customEmails.projectId, projectId)).returning({ id: customEmails.projectId }).all();
    if (gone.length === 0) throw new AppError('CUSTOM_EMAIL_NOT_SET');
  });
}

/**
 * Records the outcome of a verification email that came back (inside the ingest transaction).
 * The caller tells every node about it after the commit (the address becomes ours on success).
 */
export async function settleVerification(tx: Tx, row: CustomEmailRow, outcome: { error: CustomEmailError; detail: string | null } | null, at: number): Promise<void> {
  await tx
    .update(customEmails)
    .set(outcome ? { state: 'failed', error: outcome.error, errorDetail: outcome.detail, updatedAt: at } : { state: 'verified', error: null, errorDetail: null, verifiedAt: at, updatedAt: at })
    .where(eq(customEmails.projectId, row.projectId))
    .run();
}
