CREATE TABLE `saved_replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`name` text NOT NULL,
	`body` text NOT NULL,
	`actions` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `saved_replies_project_name_unique` ON `saved_replies` (`project_id`,lower("name"));--> statement-breakpoint
CREATE TABLE `saved_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`owner_id` integer,
	`name` text NOT NULL,
	`filters` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `saved_views_project_owner_idx` ON `saved_views` (`project_id`,`owner_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`domain` text NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_email_unique` ON `customers` (`email`);--> statement-breakpoint
CREATE INDEX `customers_domain_idx` ON `customers` (`domain`);--> statement-breakpoint
ALTER TABLE `notes` ADD `merged_from_iid` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `customer_id` integer REFERENCES customers(id);--> statement-breakpoint
ALTER TABLE `tickets` ADD `preview` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `waiting_since` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `snoozed_until` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `merged_into_id` integer REFERENCES tickets(id);--> statement-breakpoint
ALTER TABLE `tickets` ADD `first_response_at` integer;--> statement-breakpoint
CREATE INDEX `tickets_customer_idx` ON `tickets` (`customer_id`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_snooze_due_idx` ON `tickets` (`snoozed_until`) WHERE "tickets"."state" = 'snoozed';--> statement-breakpoint
CREATE INDEX `tickets_project_state_waiting_idx` ON `tickets` (`project_id`,`state`,(case when "waiting_since" is null then 9007199254740991 else "waiting_since" end),`id`);--> statement-breakpoint
ALTER TABLE `message_ids` ADD `merged` integer DEFAULT false NOT NULL;