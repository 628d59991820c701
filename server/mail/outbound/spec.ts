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
  /** stored files to attach (by sha256, from DATA_DIR/attachments) */
  attachments?: { filename: string; sha256: string; contentType: string }[];
}
