CREATE TABLE `internal_channel_sharing` (
	`channel_id` text PRIMARY KEY NOT NULL,
	`shared` integer NOT NULL,
	`checked_at` integer NOT NULL
);
