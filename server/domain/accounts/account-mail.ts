/**
 * Email about a person's account (invitation, password reset, email-change confirmation), queued
 * through the durable outbox in the transaction that issues the link, so it survives a crash and
 * is sent by one node. Plain text with a short HTML twin; the link is the only thing that matters.
 */
import { randomBytes } from 'node:crypto';
import type { Tx } from '../../../db/client';
import type { OutboundSpec } from '../../mail/outbound/spec';
import type { MailContext } from '../core/mail-context';
import { queueEmail } from '../customer-email/outbox';

export type AccountMailKind = 'invitation' | 'password_reset' | 'email_change';

/**
 * Account emails carry Message-IDs of their own shape, so a reply to one (In-Reply-To or
 * References naming it) is known as such without a lookup: nobody reads those replies, so they
 * are dropped quietly (recorded in the mail log), never answered with a rejection, never a loop.
 */
const ACCOUNT_MESSAGE_ID = /^<account-[0-9a-f]{24}@([^<>@\s]+)>$/i;

export function accountMessageId(host: string): string {
  return `<account-${randomBytes(12).toString('hex')}@${host}>`;
}

/** Whether `id` is the Message-ID of an account email sent from `host` (ours). */
export function isAccountMessageId(id: string, host: string): boolean {
  return ACCOUNT_MESSAGE_ID.exec(id.trim())?.[1]?.toLowerCase() === host.toLowerCase();
}

/** Said in every account email whose replies reach nobody (all but an invitation from a person). */
export const NO_REPLY_LINE = 'This email was sent automatically: replies to it are not read.';

export function linkFor(mc: MailContext, kind: AccountMailKind, token: string): string {
  const path = kind === 'invitation' ? 'invite' : kind === 'password_reset' ? 'reset-password' : 'confirm-email';
  return `${mc.publicUrl}/${path}/${token}`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

interface Wording {
  subject: string;
  /** paragraphs before the link */
  lead: string[];
  action: string;
  /** paragraphs after the link */
  tail: string[];
}

/** "a developer", "an owner" */
const withArticle = (role: string) => `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role}`;

function wording(kind: AccountMailKind, w: { inviter?: string | undefined; inviterEmail?: string | null | undefined; projectPath?: string | null; role?: string | null }): Wording {
  if (kind === 'invitation') {
    // "Lena Lead invited you to join acme/support on Threadline as a developer."
    const what = w.projectPath ? `${w.projectPath} on Threadline${w.role ? ` as ${withArticle(w.role)}` : ''}` : 'Threadline';
    const who = w.inviter ? `${w.inviter} invited you` : 'You are invited';
    return {
      subject: `${who} to ${w.projectPath ? `${w.projectPath} on Threadline` : 'Threadline'}`,
      lead: [`${who} to join ${what}.`, 'Open this link to choose your name and password:'],
      action: 'Join Threadline',
      tail: [
        'The link works once and expires in 7 days.',
        ...(w.inviter && w.inviterEmail ? [`Questions? Reply to this email to reach ${w.inviter}.`] : ['If you did not expect this invitation, you can ignore this email.', NO_REPLY_LINE]),
      ],
    };
  }
  if (kind === 'password_reset') {
    return {
      subject: 'Reset your Threadline password',
      lead: ['Someone (we hope you) asked to reset the password of your Threadline account.', 'Open this link to choose a new password:'],
      action: 'Choose a new password',
      tail: ['The link works once and expires in 1 hour. Using it signs you out everywhere else.', 'If you did not ask for this, ignore this email: your password stays as it is.', NO_REPLY_LINE],
    };
  }
  return {
    subject: 'Confirm your new Threadline email address',
    lead: ['You asked to use this address for your Threadline account.', 'Open this link to confirm it:'],
    action: 'Confirm this address',
    tail: ['The link works once and expires in 24 hours. Until then your account keeps its old address.', 'If you did not ask for this, ignore this email: your account keeps its address.', NO_REPLY_LINE],
  };
}

/** Queues one account email to `to` inside the caller's transaction. */
export async function queueAccountMail(
  tx: Tx,
  mc: MailContext,
  m: {
    kind: AccountMailKind;
    to: string;
    token: string;
    /** who invited: their name says who the email is from, and replies go to their address */
    inviter?: string | undefined;
    inviterEmail?: string | null | undefined;
    projectPath?: string | null;
    role?: string | null;
  },
  at: number,
): Promise<void> {
  const link = linkFor(mc, m.kind, m.token);
  const w = wording(m.kind, m);
  const text = [...w.lead, '', link, '', ...w.tail].join('\n');
  const html = [
    ...w.lead.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(link)}">${escapeHtml(w.action)}</a></p>`,
    `<p style="color:#555">${escapeHtml(link)}</p>`,
    ...w.tail.map((p) => `<p>${escapeHtml(p)}</p>`),
  ].join('\n');
  // From the instance's address (MAIL_FROM, the Admin page's From), named for the person who
  // invited; a reply reaches them, never the Service Desk. Any other reply that reaches us is
  // recognised by this Message-ID and dropped quietly (isAccountMessageId; the email says so).
  const inviter = m.kind === 'invitation' ? m.inviter : undefined;
  const replyTo = inviter && m.inviterEmail ? m.inviterEmail : undefined;
  const spec: OutboundSpec = {
    from: { name: inviter ? `${inviter} (via Threadline)` : 'Threadline', address: mc.from },
    to: m.to,
    ...(replyTo ? { replyTo } : {}),
    subject: w.subject,
    text,
    html,
    messageId: accountMessageId(mc.book.host()),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    date: new Date(at).toISOString(),
  };
  await queueEmail(tx, { kind: m.kind, projectId: null, ticketId: null, spec }, at);
}
