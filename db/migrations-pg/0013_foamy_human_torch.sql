ALTER TABLE "mailboxes" ADD COLUMN "backfill_from" bigint;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "backfill_since" bigint;