ALTER TABLE `outbox` ADD `posted_channel_id` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `posted_ts` text;