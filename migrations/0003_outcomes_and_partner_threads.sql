CREATE TABLE `outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`outcome` text NOT NULL,
	`crm_opportunity` text,
	`reason_code` text,
	`note` text,
	`recorded_by_user_id` text NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outcomes_handoff_id_outcome_idx` ON `outcomes` (`handoff_id`,`outcome`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `last_activity_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `next_stall_nudge_at` integer;--> statement-breakpoint
CREATE INDEX `handoffs_status_next_stall_nudge_at_idx` ON `handoffs` (`status`,`next_stall_nudge_at`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `thread_of` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `audience` text DEFAULT 'internal' NOT NULL;--> statement-breakpoint
-- Deals accepted before outcomes existed: nudge them at the next sweep (which then reschedules by the calendar).
UPDATE `handoffs` SET `last_activity_at` = `decided_at`, `next_stall_nudge_at` = `decided_at` WHERE `status` = 'accepted' AND `outcome` IS NULL;--> statement-breakpoint
-- Partner updates still queued from before the audience column: they must wait for access, not be parked.
UPDATE `outbox` SET `audience` = 'partner' WHERE `status` = 'pending' AND `dedupe_key` LIKE '%:partner';
