/**
 * Mail settings made in the browser (issue 10): instance values, IMAP mailboxes, each project's
 * custom support address, and the links customers open without an account. Passwords are stored
 * encrypted (server/domain/core/secret-box.ts); environment variables still win over these rows.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { projects } from './projects';
import { tickets } from './tickets';

/** Instance mail settings by name (`addresses`, `smtp`), each a JSON value; secrets inside are encrypted. */
export const mailSettings = pgTable('mail_settings', {
  name: text('name').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** IMAP mailboxes added in the Admin page (IMAP_MAILBOXES ones live in the environment only). */
export const imapMailboxes = pgTable(
  'imap_mailboxes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** label for checkpoints, health and the lease `imap:<name>` */
    name: text('name').notNull(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    security: text('security', { enum: ['tls', 'starttls', 'none'] }).notNull(),
    username: text('username').notNull(),
    /** encrypted */
    password: text('password').notNull(),
    folder: text('folder').notNull().default('INBOX'),
    after: text('after', { enum: ['seen', 'move', 'delete'] }).notNull().default('seen'),
    moveTo: text('move_to').notNull().default('Processed'),
    /**
     * mail already in the folder when the mailbox is added or pointed at another one: `unread`
     * (only unread messages become tickets), `all`, or `none` (only mail arriving afterwards)
     */
    existingMail: text('existing_mail', { enum: ['unread', 'all', 'none'] }).notNull().default('unread'),
    paused: boolean('paused').notNull().default(false),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('imap_mailboxes_name_unique').on(sql`lower(${t.name})`)],
);

/**
 * Microsoft Graph (Exchange Online) mailboxes added in the Admin page (the GRAPH_* one lives in the
 * environment only). Names share one namespace with IMAP mailboxes: health rows are keyed by name.
 */
export const graphMailboxes = pgTable(
  'graph_mailboxes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** label for checkpoints, health and the lease `graph:<name>` */
    name: text('name').notNull(),
    tenantId: text('tenant_id').notNull(),
    clientId: text('client_id').notNull(),
    /** encrypted */
    clientSecret: text('client_secret').notNull(),
    /** the mailbox's user id or user principal name */
    mailbox: text('mailbox').notNull(),
    baseUrl: text('base_url').notNull(),
    loginUrl: text('login_url').notNull(),
    pollSeconds: integer('poll_seconds').notNull().default(10),
    after: text('after', { enum: ['seen', 'move'] }).notNull().default('seen'),
    moveTo: text('move_to').notNull().default(''),
    /**
     * mail already in the folder when the mailbox is added or pointed at another one: `unread`
     * (only unread messages become tickets), `all`, or `none` (only mail arriving afterwards)
     */
    existingMail: text('existing_mail', { enum: ['unread', 'all', 'none'] }).notNull().default('unread'),
    paused: boolean('paused').notNull().default(false),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('graph_mailboxes_name_unique').on(sql`lower(${t.name})`)],
);

/**
 * A project's own support address (`support@company.com`), used only once a verification email
 * came back through the customer's forwarding to the project's Service Desk address.
 */
export const customEmails = pgTable(
  'custom_emails',
  {
    projectId: integer('project_id')
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** stored lowercased */
    address: text('address').notNull(),
    state: text('state', { enum: ['waiting', 'verified', 'failed'] }).notNull(),
    /** the secret the verification email carries */
    token: text('token').notNull(),
    /** which check failed (a code), and the server's words when there are any */
    error: text('error'),
    errorDetail: text('error_detail'),
    smtpHost: text('smtp_host'),
    smtpPort: integer('smtp_port'),
    smtpSecurity: text('smtp_security', { enum: ['tls', 'starttls', 'none'] }),
    smtpUser: text('smtp_user'),
    /** encrypted */
    smtpPassword: text('smtp_password'),
    requestedAt: bigint('requested_at', { mode: 'number' }).notNull(),
    verifiedAt: bigint('verified_at', { mode: 'number' }),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('custom_emails_address_unique').on(t.address)],
);

/**
 * One participant's access to the customer-facing links of one ticket: the customer view and
 * attachment downloads. The links themselves are signed (id, expiry, HMAC), so nothing usable is
 * stored; revoking the row ends every link made with it.
 */
export const customerLinks = pgTable(
  'customer_links',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** the participant (lowercased) */
    email: text('email').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [index('customer_links_ticket_email_idx').on(t.ticketId, t.email)],
);
