/**
 * Which SMTP servers a project's custom support address may send through (security review 3, L4).
 * A maintainer who may name any host and port makes the server connect there and shows them the
 * answer ("connection refused", a banner, a timeout): a port scan of the server's network. The
 * administrator decides:
 * - `any` (the default, and what every instance did before): any host. Kept as the default so an
 *   upgrade does not silently stop the verification email or the customer email of projects that
 *   send through their company's relay; the Admin page explains the choice.
 * - `list`: only the listed servers. `host` allows the SMTP ports (25, 465, 587); `host:port`
 *   exactly that port. Names are compared as written (case aside), never resolved.
 * - `off`: no project-level SMTP at all; custom addresses send through the instance's server.
 * Checked when a maintainer saves the address's SMTP settings, in the transaction that stores
 * them; the verification email (whose error the maintainer reads) goes out only after that.
 */
import { eq } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { mailSettings } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { ProjectSmtpPolicy } from '../../../shared/mail-settings';
import type { DomainCtx } from '../core/context';
import { recordAudit, type Actor } from '../audit/audit-log';
import { writeMailSettings } from './signal';

export const ANY_PROJECT_SMTP: ProjectSmtpPolicy = { mode: 'any', hosts: [] };
const SMTP_PORTS = [25, 465, 587];

export async function readProjectSmtpPolicy(q: Q): Promise<ProjectSmtpPolicy> {
  const row = await q.select({ value: mailSettings.value }).from(mailSettings).where(eq(mailSettings.name, 'projectSmtp')).get();
  if (!row) return ANY_PROJECT_SMTP;
  return (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as ProjectSmtpPolicy;
}

export async function saveProjectSmtpPolicy(dc: DomainCtx, actor: Actor, policy: ProjectSmtpPolicy): Promise<void> {
  const value = { mode: policy.mode, hosts: [...new Set(policy.hosts.map((h) => h.trim().toLowerCase()))] };
  await writeMailSettings(dc, async (tx, at) => {
    await tx
      .insert(mailSettings)
      .values({ name: 'projectSmtp', value, updatedAt: at })
      .onConflictDoUpdate({ target: mailSettings.name, set: { value, updatedAt: at } })
      .run();
    await recordAudit(tx, actor, { action: 'settings.project_smtp_changed', detail: value }, at);
  });
}

/** Why a project may not send through `host:port`, or null when it may. */
export function projectSmtpRefusal(policy: ProjectSmtpPolicy, host: string, port: number): AppError | null {
  if (policy.mode === 'any') return null;
  if (policy.mode === 'off') return new AppError('PROJECT_SMTP_NOT_ALLOWED', 'The administrator does not allow projects to use their own SMTP server. Leave the SMTP server empty: email from this address then goes out through the instance\'s server.');
  const h = host.trim().toLowerCase();
  const allowed = policy.hosts.some((entry) => entry === `${h}:${port}` || (entry === h && SMTP_PORTS.includes(port)));
  if (allowed) return null;
  return new AppError(
    'PROJECT_SMTP_NOT_ALLOWED',
    `${h}:${port} is not on the administrator's list of SMTP servers projects may use${policy.hosts.length ? ` (${policy.hosts.join(', ')}; a name alone allows ports 25, 465 and 587)` : ' (the list is empty)'}. Ask an administrator to add it, or leave the SMTP server empty.`,
  );
}
