/**
 * Rejection emails (SPEC §2): a template like the other customer emails (templates/rejection.md
 * or the project's own), filled with the exact reason for the error, threaded to the original,
 * marked auto-replied.
 */
import type { OutboundSpec } from '../outbound/spec';
import type { ParsedEmail } from './parse';

export { REJECTIONS, type RejectionCode } from '../outbound/templates';
import { customerNameVars, REJECTIONS, type RejectionCode } from '../outbound/templates';

export function rejectionSpec(
  m: Pick<ParsedEmail, 'subject' | 'messageId' | 'derivedMessageId' | 'to'> & { from: string; /** the sender's display name, for %{CUSTOMER_NAME} */ fromName?: string | null | undefined },
  code: RejectionCode,
  opts: {
    fromAddress: string;
    fromName: string;
    messageId: string;
    date: Date;
    reasonOverride?: string;
    /** the template source, and the instance texts around it */
    template: string;
    vars: { SYSTEM_HEADER: string; SYSTEM_FOOTER: string; ADDITIONAL_TEXT: string };
  },
): OutboundSpec {
  const r = REJECTIONS[code];
  const reason = opts.reasonOverride ?? r.reason;
  const original = m.derivedMessageId ? undefined : m.messageId;
  return {
    from: { name: opts.fromName, address: opts.fromAddress },
    to: m.from,
    ...(r.retryable && m.to[0] ? { replyTo: m.to[0].address } : {}),
    subject: `[Rejected] ${m.subject}`.trim(),
    text: '',
    // Rendered when the worker composes it, like the other customer emails.
    template: { source: opts.template, vars: { ...opts.vars, REJECTION_REASON: reason, ...customerNameVars(m.fromName) } },
    messageId: opts.messageId,
    ...(original ? { inReplyTo: original, references: [original] } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    date: opts.date.toISOString(),
  };
}
