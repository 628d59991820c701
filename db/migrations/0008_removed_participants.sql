CREATE TABLE `removed_participants` (
	`ticket_id` integer NOT NULL,
	`email` text NOT NULL,
	`removed_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `email`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
