import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { projects } from './projects';
import { notes, tickets } from './tickets';

/** Raw messages, content-addressed by sha256, stored before anything else happens. */
export const rawMessages = sqliteTable('raw_messages', {
  sha256: text('sha256').primaryKey(),
  /** empty when `storedApart` */
  bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  size: integer('size').notNull(),
  createdAt: integer('created_at').notNull(),
  /** the bytes are in the attachment store under their sha256 (mail over 1 MB) */
  storedApart: integer('stored_apart', { mode: 'boolean' }).notNull().default(false),
});

/**
 * One row per message received from a source. (source, uidvalidity, uid) is unique for IMAP,
 * so a redelivered UID is a no-op. `status` is the outcome; `pending` rows are finished by
 * recovery on start.
 */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source').notNull(),
    uidvalidity: integer('uidvalidity'),
    uid: integer('uid'),
    /** a source's own id for the message (Microsoft Graph: the immutable message id); with `source`, the exactly-once key */
    externalId: text('external_id'),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    messageId: text('message_id'),
    fromAddress: text('from_address'),
    subject: text('subject'),
    /** SMTP RCPT TO addresses (JSON array): needed again when the message is reprocessed */
    envelopeTo: text('envelope_to', { mode: 'json' }).$type<string[]>(),
    status: text('status', {
      enum: ['pending', 'ticket', 'note', 'ignored', 'rejected', 'unsubscribed', 'quarantined', 'duplicate', 'discarded'],
    }).notNull(),
    /** why it was ignored or rejected (a code), or the quarantine error */
    reason: text('reason'),
    error: text('error'),
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'set null' }),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    noteId: integer('note_id').references(() => notes.id, { onDelete: 'set null' }),
    attempts: integer('attempts').notNull().default(0),
    /**
     * The node processing the message (the one that received it, or the one recovering it): a
     * pending row is taken over only once that node's `node:<name>` lease has run out.
     */
    claimedBy: text('claimed_by'),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
  },
  (t) => [
    uniqueIndex('inbound_source_uid_unique').on(t.source, t.uidvalidity, t.uid),
    uniqueIndex('inbound_source_external_unique').on(t.source, t.externalId),
    index('inbound_status_idx').on(t.status, t.id),
    index('inbound_from_project_idx').on(t.projectId, t.fromAddress, t.receivedAt),
  ],
);

/**
 * Every Message-ID seen or sent per project, for exactly-once ingest, threading and loop
 * detection. `ticketId` becomes null when a ticket is deleted: the row is the tombstone.
 */
export const messageIds = sqliteTable(
  'message_ids',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    /** came with a ticket merged into this one: it still threads here, but is not this ticket's thread root */
    merged: integer('merged', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.messageId] }),
    // Ids are stored with the case they had; matching ignores case (lower() on both sides).
    index('message_ids_id_idx').on(sql`lower(${t.messageId})`),
    index('message_ids_project_lower_idx').on(t.projectId, sql`lower(${t.messageId})`),
    index('message_ids_ticket_idx').on(t.ticketId, t.direction, t.createdAt),
  ],
);

/**
 * A fresh key per outbound email per recipient; replies to `incoming+<key>@` land on the ticket.
 * The email's unsubscribe links carry a separate random token, so a leaked link cannot post
 * into the ticket. Keys issued before tokens existed (null token) still unsubscribe by the key.
 */
export const replyKeys = sqliteTable(
  'reply_keys',
  {
    key: text('key').primaryKey(),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    unsubscribeToken: text('unsubscribe_token'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('reply_keys_ticket_idx').on(t.ticketId), uniqueIndex('reply_keys_unsubscribe_token_unique').on(t.unsubscribeToken)],
);

/** Files stored under DATA_DIR/attachments by sha256, linked to a ticket (and a note). */
export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    noteId: integer('note_id').references(() => notes.id, { onDelete: 'cascade' }),
    /** public, unguessable id used in URLs */
    token: text('token').notNull(),
    sha256: text('sha256').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('attachments_token_unique').on(t.token), index('attachments_ticket_idx').on(t.ticketId)],
);

/** Durable outbox: queued in the transaction of the change that causes the email. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['thank_you', 'new_note', 'new_participant', 'rejection', 'resolved', 'invitation', 'password_reset', 'email_change'] }).notNull(),
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'set null' }),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    subject: text('subject').notNull(),
    /** fixed at queue time so a resend after a crash is the same message */
    messageId: text('message_id').notNull(),
    /** what to compose (JSON, see server/mail/outbound/spec.ts) */
    spec: text('spec', { mode: 'json' }).notNull(),
    /** the composed bytes, kept from the first attempt so every retry sends the same message */
    raw: blob('raw', { mode: 'buffer' }),
    status: text('status', { enum: ['queued', 'sent', 'failed'] }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    /** the node sending it now, and until when its claim holds (a dead node's claim expires) */
    claimedBy: text('claimed_by'),
    claimExpiresAt: integer('claim_expires_at'),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    uniqueIndex('outbox_message_id_unique').on(t.messageId),
    // Rejection caps count the last hour's rejections (per recipient and in total) on every one.
    index('outbox_kind_created_idx').on(t.kind, t.createdAt),
  ],
);

/** IMAP checkpoints and health, one row per configured mailbox. */
export const mailboxes = sqliteTable('mailboxes', {
  name: text('name').primaryKey(),
  uidvalidity: integer('uidvalidity'),
  lastUid: integer('last_uid').notNull().default(0),
  state: text('state').notNull().default('starting'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  messagesToday: integer('messages_today').notNull().default(0),
  day: text('day'),
  /** when the watcher last finished a round without error (IMAP: caught up; Graph: a delta round) */
  lastSuccessAt: integer('last_success_at'),
  /**
   * IMAP: the UIDs up to this one were in the folder when it was first opened (or rebuilt, a new
   * UIDVALIDITY): of those the mailbox's `existing_mail` ones are fetched (unread, all or none),
   * and, for a rebuilt one, those received since `backfillSince`; null once they are all done
   */
  backfillTo: integer('backfill_to'),
  /** IMAP: the backfill has visited every UID up to this one (a message visited is never fetched again) */
  backfillFrom: integer('backfill_from'),
  /** IMAP, a rebuilt folder: mail received since then (ms) is taken read or not; it may be new to us */
  backfillSince: integer('backfill_since'),
  /**
   * Microsoft Graph: when this mailbox (this Exchange mailbox) was first read; of the messages
   * received before it, only the mailbox's `existing_mail` ones are fetched (unread, all or none),
   * in the first round and in any resync
   */
  existingBefore: integer('existing_before'),
  /**
   * Microsoft Graph: the mailbox's `existing_mail` choice when `existing_before` was set, which
   * every later round and resync keeps to: an edited choice applies when the mailbox is pointed
   * at another Exchange mailbox, not to mail it had already left alone
   */
  existingMail: text('existing_mail', { enum: ['unread', 'all', 'none'] }),
  /** Microsoft Graph: where the next delta round starts (a nextLink mid-round, else the deltaLink) */
  deltaLink: text('delta_link'),
  /**
   * what the checkpoint was issued for: Graph `<graph url> <mailbox>` (a delta link for another
   * mailbox is never followed); IMAP `<host>:<port> <user> <folder>` (another folder starts afresh)
   */
  deltaScope: text('delta_scope'),
  /** Microsoft Graph: the change-notification subscription waking this mailbox, and when it runs out */
  subscriptionId: text('subscription_id'),
  subscriptionExpiresAt: integer('subscription_expires_at'),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Work that exactly one node may do at a time (an IMAP mailbox, the outbox sweep): the holder
 * renews before `expiresAt`; when a node dies its lease runs out and another node takes over.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
});

/**
 * Attachment bytes by sha256, used when files live in the database (PostgreSQL: every node reads
 * them) instead of under DATA_DIR/attachments.
 */
export const fileBlobs = sqliteTable('file_blobs', {
  sha256: text('sha256').primaryKey(),
  bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  size: integer('size').notNull(),
  createdAt: integer('created_at').notNull(),
});
