DROP INDEX `decisions_handoff_id_idx`;--> statement-breakpoint
ALTER TABLE `decisions` ADD `assignment` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_handoff_id_assignment_idx` ON `decisions` (`handoff_id`,`assignment`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `assignment` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `cycle` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `window_started_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `window_days` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `reminder_schedule` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `next_reminder_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `expired_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `withdrawn_at` integer;--> statement-breakpoint
CREATE INDEX `handoffs_status_next_reminder_at_idx` ON `handoffs` (`status`,`next_reminder_at`);--> statement-breakpoint
CREATE INDEX `handoffs_owner_user_id_status_idx` ON `handoffs` (`owner_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `outbox_record_as_idx` ON `outbox` (`record_as`);--> statement-breakpoint
CREATE INDEX `outbox_handoff_id_status_idx` ON `outbox` (`handoff_id`,`status`);