CREATE TABLE `graph_mailboxes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret` text NOT NULL,
	`mailbox` text NOT NULL,
	`base_url` text NOT NULL,
	`login_url` text NOT NULL,
	`poll_seconds` integer DEFAULT 10 NOT NULL,
	`after` text DEFAULT 'seen' NOT NULL,
	`move_to` text DEFAULT '' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `graph_mailboxes_name_unique` ON `graph_mailboxes` (lower("name"));--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_source_external_unique` ON `inbound_messages` (`source`,`external_id`);--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `last_success_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `delta_link` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `delta_scope` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `subscription_id` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `subscription_expires_at` integer;