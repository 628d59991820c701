import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import type { MacroActions } from '../../../shared/macros';
import type { SavedViewFilters } from '../../../shared/views';

export const projects = pgTable(
  'projects',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    path: text('path').notNull(),
    name: text('name').notNull(),
    visibility: text('visibility', { enum: ['private', 'internal', 'public'] })
      .notNull()
      .default('private'),
    /** last ticket iid handed out; incremented in the ticket's own transaction */
    lastIid: integer('last_iid').notNull().default(0),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('projects_path_unique').on(sql`lower(${t.path})`)],
);

export const memberships = pgTable(
  'memberships',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['guest', 'reporter', 'developer', 'maintainer', 'owner'] }).notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/** Every per-project Service Desk setting of SPEC §7, with its default. */
export const serviceDeskSettings = pgTable(
  'service_desk_settings',
  {
    projectId: integer('project_id')
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(true),
    /** issue template key appended to new tickets, or null */
    issueTemplateKey: text('issue_template_key'),
    /** From display name of customer email; null means "Support Bot" */
    outgoingName: text('outgoing_name'),
    /** suffix for the alias address `<slug>-<suffix>`; [a-z0-9_]+ */
    projectKey: text('project_key'),
    confidentialByDefault: boolean('confidential_by_default').notNull().default(true),
    reopenOnExternalNote: boolean('reopen_on_external_note').notNull().default(false),
    addCcParticipants: boolean('add_cc_participants').notNull().default(false),
    sendThankYou: boolean('send_thank_you').notNull().default(true),
    /** email the customer when a merged change closes their ticket (issue 13); off by default */
    sendResolved: boolean('send_resolved').notNull().default(false),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('sd_settings_project_key_unique').on(t.projectKey)],
);

/** Per-project overrides of the customer email templates (SPEC §4). */
export const emailTemplates = pgTable(
  'email_templates',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['thank_you', 'new_participant', 'new_note', 'rejection', 'resolved'] }).notNull(),
    body: text('body').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.kind] })],
);

/** Issue templates a project can append to new Service Desk tickets. */
export const issueTemplates = pgTable(
  'issue_templates',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    body: text('body').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.key] })],
);

/**
 * Saved replies per project: text with placeholders (`{customer_name}`, …) a responder inserts and
 * edits before sending. With `actions` it is a macro: labels, assignee and state applied with the
 * note, in its transaction.
 */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    body: text('body').notNull(),
    /** the macro's actions (shared/macros.ts), null for a plain saved reply */
    actions: jsonb('actions').$type<MacroActions>(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('saved_replies_project_name_unique').on(t.projectId, sql`lower(${t.name})`)],
);

/**
 * Saved views of the queue: a name for a set of filters and a sort, personal (`ownerId`) or shared
 * with the project (`ownerId` null). Shown beside the state tabs with live counts.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** the user it belongs to; null when it is shared with everyone in the project */
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** the queue's filters and sort (shared/views.ts SavedViewFilters) */
    filters: jsonb('filters').notNull().$type<SavedViewFilters>(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('saved_views_project_owner_idx').on(t.projectId, t.ownerId)],
);
