CREATE TABLE `questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`assignment` integer NOT NULL,
	`asked_by_user_id` text NOT NULL,
	`asked_at` integer NOT NULL,
	`text` text NOT NULL,
	`paused_at` integer,
	`pause_ended_at` integer,
	`answer` text,
	`answered_by_user_id` text,
	`answered_at` integer,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questions_handoff_id_assignment_idx` ON `questions` (`handoff_id`,`assignment`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `question_assignment` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `question_open` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `pause_ends_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `more_time` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `more_time_days` integer;--> statement-breakpoint
CREATE INDEX `handoffs_status_pause_ends_at_idx` ON `handoffs` (`status`,`pause_ends_at`) WHERE "handoffs"."pause_ends_at" is not null;