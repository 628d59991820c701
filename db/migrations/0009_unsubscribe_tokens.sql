ALTER TABLE `reply_keys` ADD `unsubscribe_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `reply_keys_unsubscribe_token_unique` ON `reply_keys` (`unsubscribe_token`);