CREATE TABLE `attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	`note_id` integer,
	`token` text NOT NULL,
	`sha256` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attachments_token_unique` ON `attachments` (`token`);--> statement-breakpoint
CREATE INDEX `attachments_ticket_idx` ON `attachments` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`uidvalidity` integer,
	`uid` integer,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`message_id` text,
	`from_address` text,
	`subject` text,
	`status` text NOT NULL,
	`reason` text,
	`error` text,
	`project_id` integer,
	`ticket_id` integer,
	`note_id` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_source_uid_unique` ON `inbound_messages` (`source`,`uidvalidity`,`uid`);--> statement-breakpoint
CREATE INDEX `inbound_status_idx` ON `inbound_messages` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `inbound_from_project_idx` ON `inbound_messages` (`project_id`,`from_address`,`received_at`);--> statement-breakpoint
CREATE TABLE `mailboxes` (
	`name` text PRIMARY KEY NOT NULL,
	`uidvalidity` integer,
	`last_uid` integer DEFAULT 0 NOT NULL,
	`state` text DEFAULT 'starting' NOT NULL,
	`last_error` text,
	`last_error_at` integer,
	`messages_today` integer DEFAULT 0 NOT NULL,
	`day` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `message_ids` (
	`project_id` integer NOT NULL,
	`message_id` text NOT NULL,
	`ticket_id` integer,
	`direction` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `message_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `message_ids_id_idx` ON `message_ids` (`message_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`project_id` integer,
	`ticket_id` integer,
	`to_address` text NOT NULL,
	`from_address` text NOT NULL,
	`subject` text NOT NULL,
	`message_id` text NOT NULL,
	`spec` text NOT NULL,
	`raw` blob,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_message_id_unique` ON `outbox` (`message_id`);--> statement-breakpoint
CREATE TABLE `raw_messages` (
	`sha256` text PRIMARY KEY NOT NULL,
	`bytes` blob NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reply_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`ticket_id` integer,
	`project_id` integer NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reply_keys_ticket_idx` ON `reply_keys` (`ticket_id`);--> statement-breakpoint
ALTER TABLE `notes` ADD `email_id` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `email_id` integer;