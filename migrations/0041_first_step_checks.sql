ALTER TABLE `handoffs` ADD `step_check` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `next_step_check_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `first_step_done_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `step_new_dates` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `handoffs_status_next_step_check_at_idx` ON `handoffs` (`status`,`next_step_check_at`) WHERE "handoffs"."next_step_check_at" is not null;