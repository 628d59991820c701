/**
 * Mail we never answer and never turn into tickets (SPEC §2 step 2): auto-replies, bulk and
 * list mail, bounces (with or without DSN headers), and our own mail coming back. Each rule
 * returns a reason code.
 */
import type { ParsedEmail } from './parse';
import { lastWord } from './parse-address';

export const IGNORE_REASONS = [
  'empty',
  'auto-submitted',
  'x-autoreply',
  'precedence',
  'delivery-status',
  /** a read receipt (multipart/report of a message/disposition-notification) */
  'read-receipt',
  /** another report a mail system sends (abuse and DMARC reports, SMTP TLS reports) */
  'report',
  /** an out-of-office reply its mail system did not mark Auto-Submitted (old Exchange, iCloud) */
  'out-of-office',
  'mailer-daemon',
  'null-return-path',
  'x-loop',
  'own-message-id',
  'own-address',
  'bounce',
  'rate-limited',
  /** a custom support address's verification email came back (not a customer's mail) */
  'custom-email-verification',
  /** a reply to an account email (password reset, invitation, email change): nobody reads those */
  'account-email-reply',
] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

const first = (m: ParsedEmail, name: string) => m.headers.get(name)?.[0]?.trim();

/** Senders that are mail systems, not people (with or without a domain, as some MTAs write them). */
const DAEMON = /^(mailer[-_]?daemon|mail[-_]?daemon|postmaster)(@|$)/i;
/**
 * What a sender wrote that is no address (`<MAILER-DAEMON@>`, `<help desk@acme.test>`), as the
 * ignore rules read it: the address part, and the last word, which mailparser would have taken.
 */
function unusableWritten(m: ParsedEmail): string[] {
  return m.unusableSenders.flatMap((a) => {
    const bare = a.trim().replace(/^[<"]+|[>"]+$/g, '');
    const last = lastWord(bare);
    return last === bare ? [bare] : [bare, last];
  });
}

/**
 * Any From address, usable or not (a bounce's `<MAILER-DAEMON@>` is no address, but still a
 * bounce), or a bare `MAILER-DAEMON (Mail Delivery System)` that parses as no address.
 */
function isDaemon(m: ParsedEmail): boolean {
  if (m.from && DAEMON.test(m.from.address)) return true;
  if (m.otherFrom.some((a) => DAEMON.test(a.address))) return true;
  if (unusableWritten(m).some((a) => DAEMON.test(a))) return true;
  return !m.from && /^[\s"<]*(mailer[-_]?daemon|mail[-_]?daemon|postmaster)\b/i.test(first(m, 'from') ?? '');
}

/** Exchange writes its non-delivery reports from `MicrosoftExchange<32 hex>@<domain>`. */
const EXCHANGE_NDR = /^microsoftexchange[0-9a-f]{32}@/i;
/**
 * Subjects mail servers give the bounces they send without DSN headers (Postfix, Gmail, Exim,
 * Exchange, Sendmail, qmail). Anchored and specific: a customer's "Fwd: Undeliverable: …" or
 * "my parcel delivery failed" is still a ticket.
 */
const BOUNCE_SUBJECTS = [
  /^Undelivered Mail Returned to Sender$/i,
  /^Delivery Status Notification \((Failure|Delay)\)$/i,
  /^Mail delivery failed(: returning message to sender)?$/i,
  /^Undeliverable: /i,
  /^Returned mail: /i,
  /^failure notice$/i,
  /^Mail System Error - Returned Mail$/i,
];

function isBounce(m: ParsedEmail): boolean {
  if (m.headers.has('x-failed-recipients')) return true;
  if (EXCHANGE_NDR.test(m.from?.address ?? '')) return true;
  const subject = m.subject.trim();
  return BOUNCE_SUBJECTS.some((re) => re.test(subject));
}

/**
 * Our own email coming back (relayed with its headers stripped, or forwarded by a list that
 * rewrites From and keeps our Reply-To): its author would be one of our own addresses.
 */
function fromOurselves(m: ParsedEmail, isOurs: (address: string) => boolean): boolean {
  const authors = [m.from?.address, ...m.otherFrom.map((a) => a.address), ...m.replyTo.map((a) => a.address), ...unusableWritten(m)];
  if (!m.from && m.replyTo.length === 0) authors.push(m.sender?.address);
  return authors.some((a) => !!a && isOurs(a));
}

/**
 * Out-of-office replies without Auto-Submitted: iCloud's vacation reply says so in its own header;
 * an Exchange 2010 one carries X-Auto-Response-Suppress (as web forms and ticket systems do too,
 * so never alone) and the subject prefix Exchange gives it, in the languages it writes most.
 */
const EXCHANGE_AUTO_REPLY = /^(?:Automatic reply|Auto reply|Out of Office(?: AutoReply)?|Automatische Antwort|Réponse automatique|Respuesta automática|Risposta automatica|Automatisch antwoord|Resposta automática)\s*:/i;

function isOutOfOffice(m: ParsedEmail): boolean {
  if (first(m, 'x-apple-action')?.toUpperCase() === 'VACATION') return true;
  return m.headers.has('x-auto-response-suppress') && EXCHANGE_AUTO_REPLY.test(m.subject.trim());
}

/**
 * A report a mail system sends, not a person (RFC 6522 multipart/report): besides bounces and read
 * receipts, abuse and DMARC failure reports (ARF, report-type=feedback-report), SMTP TLS reports
 * (tlsrpt) and report types nobody registered. Exchange re-wraps a report as multipart/mixed; its
 * message/feedback-report (or receipt) part is still there, and no person's mail client writes one.
 * DMARC aggregate reports are plain mail with a zipped XML file, under the subject RFC 7489
 * §7.2.1.1 fixes ("Report Domain: … Submitter: …"): a customer forwarding one writes "Fwd: ".
 */
const DMARC_AGGREGATE_SUBJECT = /^Report Domain:[ \t]*\S+[ \t]+Submitter:[ \t]*\S/i;
const REPORT_FILE = /^(?:application\/(?:zip|gzip|x-gzip|xml|x-zip-compressed|octet-stream)|text\/xml)\b/i;

function reportReason(m: ParsedEmail): 'read-receipt' | 'report' | null {
  const parts = m.attachments.map((a) => a.contentType.toLowerCase());
  const receipt = parts.some((t) => t.startsWith('message/disposition-notification'));
  if (/^multipart\/report\b/i.test(m.contentType)) return receipt || /report-type\s*=\s*"?disposition-notification/i.test(m.contentType) ? 'read-receipt' : 'report';
  if (receipt) return 'read-receipt';
  if (parts.some((t) => /^message\/(?:feedback-report|delivery-status|global-delivery-status)\b/.test(t))) return 'report';
  if (DMARC_AGGREGATE_SUBJECT.test(m.subject.trim()) && parts.some((t) => REPORT_FILE.test(t))) return 'report';
  return null;
}

/** `isOwnMessageId` may ask the database (it is asked only when the cheaper header rules pass). */
export async function ignoreReason(
  m: ParsedEmail,
  isOurs: (address: string) => boolean,
  isOwnMessageId: (id: string) => boolean | Promise<boolean>,
): Promise<IgnoreReason | null> {
  const autoSubmitted = first(m, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.toLowerCase() !== 'no') return 'auto-submitted';
  if (first(m, 'x-autoreply')?.toLowerCase() === 'yes') return 'x-autoreply';
  if (/^(bulk|junk|list)$/i.test(first(m, 'precedence') ?? '')) return 'precedence';
  if (/multipart\/report/.test(m.contentType) && /report-type\s*=\s*"?delivery-status/.test(m.contentType)) return 'delivery-status';
  if (isDaemon(m)) return 'mailer-daemon';
  if ((m.headers.get('return-path') ?? []).some((v) => /^<\s*>$/.test(v.trim()))) return 'null-return-path';
  const loops = m.headers.get('x-loop') ?? [];
  if (loops.some((v) => v.split(/[\s,]+/).some((a) => a && isOurs(a.replace(/^<|>$/g, ''))))) return 'x-loop';
  if (!m.derivedMessageId && (await isOwnMessageId(m.messageId))) return 'own-message-id';
  if (fromOurselves(m, isOurs)) return 'own-address';
  if (isBounce(m)) return 'bounce';
  const report = reportReason(m);
  if (report) return report;
  if (isOutOfOffice(m)) return 'out-of-office';
  return null;
}
