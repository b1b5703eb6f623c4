CREATE TABLE `handoff_followers` (
	`handoff_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`notify` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`handoff_id`, `user_id`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
