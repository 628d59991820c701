import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import { waitKey } from '../wait-key';
import { projects } from './projects';

/**
 * One record per external sender (SPEC: "the customer"), instance-wide: the address (stored
 * lowercased), the display name their mail gave, the domain that groups them into an
 * organisation, and notes responders keep about them.
 */
export const customers = sqliteTable(
  'customers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** stored lowercased */
    email: text('email').notNull(),
    /** the display name from their latest mail that had one; null until then */
    name: text('name'),
    /** the part after `@`, lowercased: customers of one domain are one organisation */
    domain: text('domain').notNull(),
    notes: text('notes').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('customers_email_unique').on(t.email), index('customers_domain_idx').on(t.domain)],
);

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    iid: integer('iid').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** the description rendered once when written (sanitised HTML); null for rows from before */
    descriptionHtml: text('description_html'),
    /**
     * What customers may see of the description, when it differs: the customer's own text
     * without the issue template appended for responders (Markdown and rendered HTML)
     */
    customerDescription: text('customer_description'),
    customerDescriptionHtml: text('customer_description_html'),
    /** opened, pending (waiting on the customer), snoozed (until `snoozedUntil`) or closed */
    state: text('state', { enum: ['opened', 'pending', 'snoozed', 'closed'] }).notNull().default('opened'),
    confidential: integer('confidential', { mode: 'boolean' }).notNull().default(false),
    /** a user, or the Support Bot user for tickets that came in by email */
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    externalAuthor: text('external_author'),
    /** the customer's display name from the email (`Ada Lovelace`), shown beside the address */
    externalAuthorName: text('external_author_name'),
    /** Cc addresses of the email that were not made participants (the setting was off) */
    ccNotAdded: text('cc_not_added', { mode: 'json' }).$type<string[]>(),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    noteCount: integer('note_count').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    closedAt: integer('closed_at'),
    lastActivityAt: integer('last_activity_at').notNull(),
    /** the inbound message this ticket came from (view original email) */
    emailId: integer('email_id'),
    /** the customer this ticket is for (its external author), when it has one */
    customerId: integer('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    /** one line of the latest public message (customer or responder), for the queue */
    preview: text('preview').notNull().default(''),
    /** the customer's last message that has no public reply of ours after it; null when nobody waits on us */
    waitingSince: integer('waiting_since'),
    /** a snoozed ticket returns to open at this time (the snooze waker, any node) */
    snoozedUntil: integer('snoozed_until'),
    /** merged into that ticket (closed, its notes and mail threading moved there) */
    mergedIntoId: integer('merged_into_id').references((): AnySQLiteColumn => tickets.id, { onDelete: 'set null' }),
    /** our first public reply (first-response time) */
    firstResponseAt: integer('first_response_at'),
  },
  (t) => [
    uniqueIndex('tickets_project_iid_unique').on(t.projectId, t.iid),
    index('tickets_project_state_activity_idx').on(t.projectId, t.state, t.lastActivityAt),
    index('tickets_project_created_idx').on(t.projectId, t.createdAt),
    // The queue's default order across states (and the search results' order): a search walks
    // this index and stops at the first page instead of sorting every match.
    index('tickets_project_activity_idx').on(t.projectId, t.lastActivityAt, t.id),
    // Rows from before rendering was stored: the backfill finds them without scanning the table.
    index('tickets_unrendered_idx').on(t.id).where(sql`${t.descriptionHtml} is null`),
    // A customer's tickets, newest activity first (the customer page, the side panel).
    index('tickets_customer_idx').on(t.customerId, t.lastActivityAt, t.id),
    // "Waiting longest": the queue's first page walks this index (see WAIT_KEY in queue order).
    // The snooze waker finds due tickets without scanning the open ones.
    index('tickets_snooze_due_idx').on(t.snoozedUntil).where(sql`${t.state} = 'snoozed'`),
    index('tickets_project_state_waiting_idx').on(t.projectId, t.state, waitKey(t.waitingSince), t.id),
  ],
);

export const notes = sqliteTable(
  'notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    externalAuthor: text('external_author'),
    externalAuthorName: text('external_author_name'),
    ccNotAdded: text('cc_not_added', { mode: 'json' }).$type<string[]>(),
    body: text('body').notNull(),
    /** the body rendered once when written (sanitised HTML); null for rows from before */
    bodyHtml: text('body_html'),
    internal: integer('internal', { mode: 'boolean' }).notNull().default(false),
    system: integer('system', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    /** the inbound message this note came from (view original email) */
    emailId: integer('email_id'),
    /**
     * Arrived by email threaded only through a customer's own Message-ID, from an address that
     * was not a participant: nobody was added or emailed until a responder adds the sender.
     */
    fromNewSender: integer('from_new_sender', { mode: 'boolean' }).notNull().default(false),
    /** moved here when the ticket with this iid was merged into this one (shown with a marker) */
    mergedFromIid: integer('merged_from_iid'),
  },
  (t) => [
    index('notes_ticket_idx').on(t.ticketId, t.id),
    index('notes_unrendered_idx').on(t.id).where(sql`${t.bodyHtml} is null`),
  ],
);

export const labels = sqliteTable(
  'labels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').notNull(),
  },
  (t) => [uniqueIndex('labels_project_name_unique').on(t.projectId, sql`lower(${t.name})`)],
);

export const ticketLabels = sqliteTable(
  'ticket_labels',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    labelId: integer('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.labelId] }), index('ticket_labels_label_idx').on(t.labelId)],
);

export const participants = sqliteTable(
  'participants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** stored lowercased */
    email: text('email').notNull(),
    /** the display name mail gave for the address, when it gave one */
    name: text('name'),
    unsubscribedAt: integer('unsubscribed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('participants_ticket_email_unique').on(t.ticketId, t.email)],
);

/**
 * Addresses once participants of a ticket. Its history still names them ("removed a@b"), so
 * they stay among the addresses masked for guests after the participant row is gone.
 */
export const removedParticipants = sqliteTable(
  'removed_participants',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    removedAt: integer('removed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.email] })],
);

/**
 * Every change, stored in the same transaction as the change. `seq` is global and monotonic;
 * subscribers resume from the last `seq` they saw. `minAccess` is the lowest access level that
 * may see the event (confidential tickets and internal notes need reporter).
 */
export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ticketId: integer('ticket_id'),
    type: text('type').notNull(),
    payload: text('payload', { mode: 'json' }).notNull(),
    minAccess: integer('min_access').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('events_project_seq_idx').on(t.projectId, t.seq)],
);

/** When each user last read each ticket: unread markers in the queue. */
export const ticketReads = sqliteTable(
  'ticket_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    readAt: integer('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.ticketId] })],
);
