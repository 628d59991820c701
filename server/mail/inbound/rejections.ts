/** Rejection emails (SPEC §2): the exact reasons, threaded to the original, marked auto-replied. */
import type { OutboundSpec } from '../outbound/spec';
import type { ParsedEmail } from './parse';

export const REJECTIONS = {
  UnknownIncomingEmail: {
    retryable: false,
    reason: "We couldn't figure out what the email is for. Please create your issue or comment through the web interface.",
  },
  ReplyKeyNotFound: {
    retryable: false,
    reason: "We couldn't figure out what the email is in reply to. Please create your comment through the web interface.",
  },
  ProjectNotFound: { retryable: false, reason: "We couldn't find the project. Please check if there's any typo." },
  EmptyEmail: {
    retryable: true,
    reason: "It appears that the email is blank. Make sure your reply is at the top of the email, we can't process inline replies.",
  },
  TicketNotFound: { retryable: false, reason: 'The thread you are replying to no longer exists, perhaps it was deleted?' },
  InvalidAttachment: { retryable: false, reason: 'The attachment could not be processed.' },
  EmailTooLarge: { retryable: false, reason: "We couldn't process your email because it is too large." },
} as const;

export type RejectionCode = keyof typeof REJECTIONS;

export function rejectionSpec(
  m: Pick<ParsedEmail, 'subject' | 'messageId' | 'derivedMessageId' | 'to'> & { from: string },
  code: RejectionCode,
  opts: { fromAddress: string; fromName: string; messageId: string; date: Date; reasonOverride?: string },
): OutboundSpec {
  const r = REJECTIONS[code];
  const reason = opts.reasonOverride ?? r.reason;
  const original = m.derivedMessageId ? undefined : m.messageId;
  const text = `Unfortunately, your email message could not be processed.\n\n${reason}\n`;
  return {
    from: { name: opts.fromName, address: opts.fromAddress },
    to: m.from,
    ...(r.retryable && m.to[0] ? { replyTo: m.to[0].address } : {}),
    subject: `[Rejected] ${m.subject}`.trim(),
    text,
    messageId: opts.messageId,
    ...(original ? { inReplyTo: original, references: [original] } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    date: opts.date.toISOString(),
  };
}
