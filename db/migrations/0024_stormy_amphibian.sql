ALTER TABLE `mailboxes` ADD `backfill_from` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `backfill_since` integer;