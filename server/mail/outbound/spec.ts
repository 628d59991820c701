/** What an outbound email is, before it is composed into bytes. Stored as JSON in the outbox. */
export interface OutboundSpec {
  from: { name: string; address: string };
  to: string;
  /**
   * The recipient's name, when we know it (the name their address came with): the To header
   * reads `"Ada Lovelace" <ada@example.com>`. The envelope is `to` alone. Absent in emails queued
   * before names were sent (they go to the bare address, as then).
   */
  toName?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * A template to render at send time instead of `text`/`html`: Markdown rendering and HTML
   * sanitising are kept out of the transaction that queues the email (ingest's hot path).
   */
  template?: { source: string; vars: Record<string, string> };
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** extra headers: Auto-Submitted, List-Id, List-Unsubscribe, … */
  headers: Record<string, string>;
  date: string;
  /**
   * `custom:<projectId>`: sent through the SMTP server given with that project's custom support
   * address; otherwise (or when it is gone) through the instance's.
   */
  via?: string;
  /** stored files to attach (by sha256, from DATA_DIR/attachments) */
  attachments?: { filename: string; sha256: string; contentType: string }[];
}
