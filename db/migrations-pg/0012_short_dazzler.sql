ALTER TABLE "mailboxes" ADD COLUMN "backfill_to" bigint;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "existing_before" bigint;