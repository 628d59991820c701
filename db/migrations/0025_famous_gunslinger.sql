ALTER TABLE `graph_mailboxes` ADD `existing_mail` text DEFAULT 'unread' NOT NULL;--> statement-breakpoint
ALTER TABLE `imap_mailboxes` ADD `existing_mail` text DEFAULT 'unread' NOT NULL;