CREATE TABLE `project_webhooks` (
	`token` text PRIMARY KEY NOT NULL,
	`project_id` integer NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `project_webhooks_project_unique` ON `project_webhooks` (`project_id`);--> statement-breakpoint
CREATE TABLE `ticket_closing_changes` (
	`ticket_id` integer NOT NULL,
	`change_url` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `change_url`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`host` text NOT NULL,
	`event` text NOT NULL,
	`delivery_id` text,
	`dedupe_key` text,
	`outcome` text NOT NULL,
	`detail` text NOT NULL,
	`change_url` text,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_project_idx` ON `webhook_deliveries` (`project_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_dedupe_unique` ON `webhook_deliveries` (`project_id`,`dedupe_key`);--> statement-breakpoint
ALTER TABLE `service_desk_settings` ADD `send_resolved` integer DEFAULT false NOT NULL;