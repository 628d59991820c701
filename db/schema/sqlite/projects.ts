import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import type { MacroActions } from '../../../shared/macros';
import type { SavedViewFilters } from '../../../shared/views';

export const projects = sqliteTable(
  'projects',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    path: text('path').notNull(),
    name: text('name').notNull(),
    visibility: text('visibility', { enum: ['private', 'internal', 'public'] })
      .notNull()
      .default('private'),
    /** last ticket iid handed out; incremented in the ticket's own transaction */
    lastIid: integer('last_iid').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('projects_path_unique').on(sql`lower(${t.path})`)],
);

export const memberships = sqliteTable(
  'memberships',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['guest', 'reporter', 'developer', 'maintainer', 'owner'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/** Every per-project Service Desk setting of SPEC §7, with its default. */
export const serviceDeskSettings = sqliteTable(
  'service_desk_settings',
  {
    projectId: integer('project_id')
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** issue template key appended to new tickets, or null */
    issueTemplateKey: text('issue_template_key'),
    /** From display name of customer email; null means "Support Bot" */
    outgoingName: text('outgoing_name'),
    /** suffix for the alias address `<slug>-<suffix>`; [a-z0-9_]+ */
    projectKey: text('project_key'),
    confidentialByDefault: integer('confidential_by_default', { mode: 'boolean' })
      .notNull()
      .default(true),
    reopenOnExternalNote: integer('reopen_on_external_note', { mode: 'boolean' })
      .notNull()
      .default(false),
    addCcParticipants: integer('add_cc_participants', { mode: 'boolean' }).notNull().default(false),
    sendThankYou: integer('send_thank_you', { mode: 'boolean' }).notNull().default(true),
    /** email the customer when a merged change closes their ticket (issue 13); off by default */
    sendResolved: integer('send_resolved', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('sd_settings_project_key_unique').on(t.projectKey)],
);

/** Per-project overrides of the customer email templates (SPEC §4). */
export const emailTemplates = sqliteTable(
  'email_templates',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['thank_you', 'new_participant', 'new_note', 'rejection', 'resolved'] }).notNull(),
    body: text('body').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.kind] })],
);

/** Issue templates a project can append to new Service Desk tickets. */
export const issueTemplates = sqliteTable(
  'issue_templates',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    body: text('body').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.key] })],
);

/**
 * Saved replies per project: text with placeholders (`{customer_name}`, …) a responder inserts and
 * edits before sending. With `actions` it is a macro: labels, assignee and state applied with the
 * note, in its transaction.
 */
export const savedReplies = sqliteTable(
  'saved_replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    body: text('body').notNull(),
    /** the macro's actions (shared/macros.ts), null for a plain saved reply */
    actions: text('actions', { mode: 'json' }).$type<MacroActions>(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('saved_replies_project_name_unique').on(t.projectId, sql`lower(${t.name})`)],
);

/**
 * Saved views of the queue: a name for a set of filters and a sort, personal (`ownerId`) or shared
 * with the project (`ownerId` null). Shown beside the state tabs with live counts.
 */
export const savedViews = sqliteTable(
  'saved_views',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** the user it belongs to; null when it is shared with everyone in the project */
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** the queue's filters and sort (shared/views.ts SavedViewFilters) */
    filters: text('filters', { mode: 'json' }).notNull().$type<SavedViewFilters>(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('saved_views_project_owner_idx').on(t.projectId, t.ownerId)],
);
