ALTER TABLE `mailboxes` ADD `backfill_to` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `existing_before` integer;