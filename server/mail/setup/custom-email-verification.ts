/**
 * The verification email of a project's custom support address: from the address to itself,
 * through its own SMTP server when one was given (which checks those credentials too), else
 * through the instance's. It proves the address forwards to us only when it comes back
 * (server/mail/inbound/verification.ts).
 */
import type { CustomEmailError } from '../../../shared/custom-email';
import type { SecretBox } from '../../domain/core/secret-box';
import type { CustomEmailRow } from '../../domain/projects/custom-email';
import { compose } from '../outbound/compose';
import { verificationMessageId } from '../inbound/verification';
import { nodemailerOptions, smtpTargetFromSettings } from '../outbound/smtp-transport';
import type { Transport } from '../outbound/transport';

export const VERIFICATION_HEADER = 'X-Threadline-Verification';
export const VERIFICATION_SUBJECT = 'Verify custom email address';


export function verificationText(address: string, forwardTo: string, token: string): string {
  return [
    `This email checks that mail sent to ${address} reaches Threadline.`,
    '',
    `If you can read it in the ${address} mailbox, the forwarding is not set up yet: forward all mail for ${address} to ${forwardTo}, then send a new verification email from the Service Desk settings.`,
    '',
    `Verification code: ${token}`,
    '',
  ].join('\n');
}

export type VerificationSendResult = { ok: true; response: string } | { ok: false; error: CustomEmailError; detail: string };

function classify(err: { code?: string; responseCode?: number; response?: string; message?: string }): VerificationSendResult {
  const detail = err.response ?? err.message ?? 'unknown error';
  const auth = err.code === 'EAUTH' || (err.responseCode !== undefined && [530, 534, 535].includes(err.responseCode));
  return { ok: false, error: auth ? 'invalid_credentials' : 'smtp_host_issue', detail };
}

export async function sendVerificationEmail(
  row: CustomEmailRow,
  opts: { projectName: string; forwardTo: string; host: string; secrets: SecretBox; instance: Transport },
): Promise<VerificationSendResult> {
  const messageId = verificationMessageId(opts.secrets, row, opts.host);
  const raw = await compose({
    from: { name: `${opts.projectName} Support`, address: row.address },
    to: row.address,
    subject: `${VERIFICATION_SUBJECT} ${row.address} for ${opts.projectName}`,
    text: verificationText(row.address, opts.forwardTo, row.token),
    messageId,
    headers: { [VERIFICATION_HEADER]: row.token, 'X-Auto-Response-Suppress': 'All' },
    date: new Date().toISOString(),
  });
  const envelope = { from: row.address, to: [row.address] };
  if (row.smtpHost && row.smtpPort && row.smtpSecurity) {
    let password = '';
    try {
      password = row.smtpPassword ? opts.secrets.open(row.smtpPassword) : '';
    } catch (err) {
      return { ok: false, error: 'invalid_credentials', detail: err instanceof Error ? err.message : String(err) };
    }
    const target = smtpTargetFromSettings({ host: row.smtpHost, port: row.smtpPort, security: row.smtpSecurity, user: row.smtpUser ?? '' }, password);
    const { default: nodemailer } = await import('nodemailer');
    const transporter = nodemailer.createTransport(nodemailerOptions(target));
    try {
      const info: { response?: string } = await transporter.sendMail({ envelope, raw });
      return { ok: true, response: String(info.response ?? 'accepted') };
    } catch (err) {
      return classify(err as Parameters<typeof classify>[0]);
    } finally {
      transporter.close();
    }
  }
  const sent = await opts.instance.send(raw, envelope, { id: 0, messageId });
  if (sent.ok) return sent;
  return { ok: false, error: /^5(30|34|35)\b/.test(sent.response) ? 'invalid_credentials' : 'smtp_host_issue', detail: sent.response };
}
