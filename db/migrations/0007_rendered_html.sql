ALTER TABLE `notes` ADD `body_html` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `description_html` text;