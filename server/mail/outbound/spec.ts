/** What an outbound email is, before it is composed into bytes. Stored as JSON in the outbox. */
export interface OutboundSpec {
  from: { name: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** extra headers: Auto-Submitted, List-Id, List-Unsubscribe, … */
  headers: Record<string, string>;
  date: string;
}
