CREATE TABLE `channel_access_notices` (
	`message_key` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`reader_user_id` text NOT NULL,
	`handoff_id` integer,
	`told_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_access_notices_channel_handoff_idx` ON `channel_access_notices` (`channel_id`,`handoff_id`);