/**
 * Mail we never answer and never turn into tickets (SPEC §2 step 2): auto-replies, bulk and
 * list mail, bounces, and our own mail coming back. Each rule returns a reason code.
 */
import type { ParsedEmail } from './parse';

export const IGNORE_REASONS = [
  'empty',
  'auto-submitted',
  'x-autoreply',
  'precedence',
  'delivery-status',
  'mailer-daemon',
  'null-return-path',
  'x-loop',
  'own-message-id',
  'rate-limited',
] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

const first = (m: ParsedEmail, name: string) => m.headers.get(name)?.[0]?.trim();

export function ignoreReason(
  m: ParsedEmail,
  isOurs: (address: string) => boolean,
  isOwnMessageId: (id: string) => boolean,
): IgnoreReason | null {
  const autoSubmitted = first(m, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.toLowerCase() !== 'no') return 'auto-submitted';
  if (first(m, 'x-autoreply')?.toLowerCase() === 'yes') return 'x-autoreply';
  if (/^(bulk|junk|list)$/i.test(first(m, 'precedence') ?? '')) return 'precedence';
  if (/multipart\/report/.test(m.contentType) && /report-type\s*=\s*"?delivery-status/.test(m.contentType)) return 'delivery-status';
  const from = m.from?.address ?? '';
  if (/^(mailer-daemon|postmaster)@/i.test(from)) return 'mailer-daemon';
  if ((m.headers.get('return-path') ?? []).some((v) => /^<\s*>$/.test(v.trim()))) return 'null-return-path';
  const loops = m.headers.get('x-loop') ?? [];
  if (loops.some((v) => v.split(/[\s,]+/).some((a) => a && isOurs(a.replace(/^<|>$/g, ''))))) return 'x-loop';
  if (!m.derivedMessageId && isOwnMessageId(m.messageId)) return 'own-message-id';
  return null;
}
