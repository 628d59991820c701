/**
 * Tickets closed by merged changes (issue 13): each project's webhook (the URL's token and the
 * sealed secret code hosts sign with), every delivery with its outcome, and which change closed
 * which ticket (so a change closes a ticket once, however often its webhook is delivered).
 */
import { bigint, index, integer, primaryKey, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { projects } from './projects';
import { tickets } from './tickets';

export const projectWebhooks = pgTable(
  'project_webhooks',
  {
    /** the last part of the webhook URL: names the project, authenticates nothing */
    token: text('token').primaryKey(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** the shared secret, sealed with the instance key (domain/core/secret-box.ts) */
    secret: text('secret').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('project_webhooks_project_unique').on(t.projectId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    host: text('host', { enum: ['gitlab', 'github', 'gitea', 'forgejo', 'unknown'] }).notNull(),
    /** the host's event header (`Merge Request Hook`, `pull_request`, `ping`, …), cut to 100 characters */
    event: text('event').notNull(),
    /** the host's delivery id header, as sent (cut to 100 characters) */
    deliveryId: text('delivery_id'),
    /** `<host>:<delivery id>` of a signed delivery that was acted on: a redelivery finds it */
    dedupeKey: text('dedupe_key'),
    outcome: text('outcome', { enum: ['closed', 'ignored', 'refused', 'duplicate'] }).notNull(),
    /** what happened, in words ("closed #3, #4", "not a merge: opened", "wrong signature") */
    detail: text('detail').notNull(),
    /** the merged change's web address, when there was one */
    changeUrl: text('change_url'),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('webhook_deliveries_project_idx').on(t.projectId, t.id), uniqueIndex('webhook_deliveries_dedupe_unique').on(t.projectId, t.dedupeKey)],
);

/** A change (by its web address) closed this ticket: the same change never closes it twice. */
export const ticketClosingChanges = pgTable(
  'ticket_closing_changes',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    changeUrl: text('change_url').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.changeUrl] })],
);
