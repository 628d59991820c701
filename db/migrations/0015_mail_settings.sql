CREATE TABLE `custom_emails` (
	`project_id` integer PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`state` text NOT NULL,
	`token` text NOT NULL,
	`error` text,
	`error_detail` text,
	`smtp_host` text,
	`smtp_port` integer,
	`smtp_security` text,
	`smtp_user` text,
	`smtp_password` text,
	`requested_at` integer NOT NULL,
	`verified_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_emails_address_unique` ON `custom_emails` (`address`);--> statement-breakpoint
CREATE TABLE `customer_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `customer_links_ticket_email_idx` ON `customer_links` (`ticket_id`,`email`);--> statement-breakpoint
CREATE TABLE `imap_mailboxes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`host` text NOT NULL,
	`port` integer NOT NULL,
	`security` text NOT NULL,
	`username` text NOT NULL,
	`password` text NOT NULL,
	`folder` text DEFAULT 'INBOX' NOT NULL,
	`after` text DEFAULT 'seen' NOT NULL,
	`move_to` text DEFAULT 'Processed' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `imap_mailboxes_name_unique` ON `imap_mailboxes` (lower("name"));--> statement-breakpoint
CREATE TABLE `mail_settings` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `message_ids_id_idx`;--> statement-breakpoint
CREATE INDEX `message_ids_project_lower_idx` ON `message_ids` (`project_id`,lower("message_id"));--> statement-breakpoint
CREATE INDEX `message_ids_id_idx` ON `message_ids` (lower("message_id"));--> statement-breakpoint
ALTER TABLE `notes` ADD `external_author_name` text;--> statement-breakpoint
ALTER TABLE `notes` ADD `cc_not_added` text;--> statement-breakpoint
ALTER TABLE `participants` ADD `name` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `customer_description` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `customer_description_html` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `external_author_name` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `cc_not_added` text;