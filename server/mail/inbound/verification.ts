/**
 * A custom support address's verification email coming back (issue 10). It left from the address
 * to itself; arriving here means the customer's forwarding delivers that address's mail to us.
 * Checked before any other rule: it is our own email (it would be ignored as a loop otherwise).
 * It passes only when it carries the current code, comes from the address itself, and reached
 * the Service Desk address of the project that asked.
 *
 * Security review 3, L8: anyone can write `From: <the address>` and "Verification code: <junk>".
 * A wrong code fails a waiting verification (`incorrect_token`) only when the email is
 * demonstrably one of our own verification emails for the same project and address coming back
 * late — its Message-ID carries a signature of the project, the address and the code it holds
 * (setup/custom-email-verification.ts). Any other wrong code is
 * ignored: the verification keeps waiting for the real one, and the project's audit log says a
 * message with a wrong code was ignored, and from whom. (GitLab fails the verification on any
 * token mismatch; a forged email can then spoil it, which is what this avoids.) The checks that
 * need the current code (sender, forwarding target) cannot be forged without it.
 */
import type { CustomEmailError } from '../../../shared/custom-email';
import type { Tx } from '../../../db/client';
import { customEmailByAddress, customEmailByToken, effectiveState, type CustomEmailRow } from '../../domain/projects/custom-email';
import type { ParsedEmail } from './parse';
import type { SecretBox } from '../../domain/core/secret-box';
import { recordAudit } from '../../domain/audit/audit-log';

const TOKEN = /^[0-9a-f]{32}$/;
const IN_TEXT = /Verification code:\s*([0-9a-f]{32})\b/g;

/** The verification code the message carries (header, else the body), if any. */
export function verificationToken(m: ParsedEmail): string | null {
  const header = m.headers.get('x-threadline-verification')?.[0]?.trim().toLowerCase();
  if (header && TOKEN.test(header)) return header;
  // a plain search first: this runs on every message, on the event loop
  const text = m.text ?? '';
  const at = text.indexOf('Verification code:');
  if (at < 0) return null;
  IN_TEXT.lastIndex = at;
  return IN_TEXT.exec(text)?.[1] ?? null;
}

/** What a verification email's Message-ID signs: the project, the address and the code together. */
function signed(v: { projectId: number; address: string; token: string }): string {
  return `custom-email-verification:${v.projectId}:${v.address.toLowerCase()}:${v.token}`;
}

/**
 * The verification email's Message-ID carries a signature (SECRET_KEY) of the project, the address
 * and the code it was sent for: when an email with an old code comes back, that proves it is one
 * we sent for this very project and address, not a stranger's "Verification code: …" written to
 * spoil a verification that waits — nor another project's own old verification email replayed
 * with this address as its From (review round 7, finding 2).
 */
export function verificationMessageId(secrets: Pick<SecretBox, 'sign'>, row: { projectId: number; address: string; token: string }, host: string): string {
  return `<verify-${secrets.sign(signed(row))}@${host}>`;
}

/** Was this Message-ID signed for this waiting row's project and address, and this code? */
export function isOurVerificationMessageId(secrets: Pick<SecretBox, 'verify'>, waiting: { projectId: number; address: string }, token: string, messageId: string | null | undefined): boolean {
  const m = /^<?verify-([A-Za-z0-9_-]{32})@[^>]*>?$/.exec(messageId?.trim() ?? '');
  return !!m?.[1] && secrets.verify(signed({ projectId: waiting.projectId, address: waiting.address, token }), m[1]);
}

export interface VerificationCheck {
  row: CustomEmailRow;
  /** null: verified */
  failure: { error: CustomEmailError; detail: string | null } | null;
  /** false for a copy arriving after the verification was settled: it changes nothing */
  settle: boolean;
}

/**
 * What a message means for a waiting verification, or null when it is no verification email.
 * `reachedProject`: the project id the message was addressed to (by our addresses), or null.
 */
export async function checkVerification(
  tx: Tx,
  m: ParsedEmail,
  at: number,
  reachedProject: () => Promise<{ projectId: number | null; via: string | null }>,
  secrets: Pick<SecretBox, 'verify'>,
): Promise<VerificationCheck | null> {
  const token = verificationToken(m);
  if (!token) return null;
  const from = m.from?.address ?? '';
  const row = await customEmailByToken(tx, token);
  if (!row) {
    // An earlier verification email of an address that now waits for a newer one.
    const waiting = from ? await customEmailByAddress(tx, from) : undefined;
    if (!waiting || effectiveState(waiting, at).state !== 'waiting') return null;
    if (isOurVerificationMessageId(secrets, waiting, token, m.messageId)) return { row: waiting, failure: { error: 'incorrect_token', detail: null }, settle: true };
    // Not ours: nothing changes but the record of it, for the project's maintainers.
    await recordAudit(tx, { id: null, name: 'Support Bot' }, { projectId: waiting.projectId, action: 'custom_email.wrong_code_ignored', target: waiting.address, detail: { from: from || '(none)', messageId: (m.messageId ?? '').slice(0, 200) } }, at);
    return { row: waiting, failure: null, settle: false };
  }
  if (row.state !== 'waiting') return { row, failure: null, settle: false };
  if (effectiveState(row, at).state !== 'waiting') return { row, failure: { error: 'mail_not_received_within_timeframe', detail: null }, settle: true };
  if (from !== row.address) return { row, failure: { error: 'incorrect_from', detail: from || '(none)' }, settle: true };
  const reached = await reachedProject();
  if (reached.projectId !== row.projectId) return { row, failure: { error: 'incorrect_forwarding_target', detail: reached.via }, settle: true };
  return { row, failure: null, settle: true };
}
