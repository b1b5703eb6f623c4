CREATE TABLE `export_files` (
	`file_id` text NOT NULL,
	`user_id` text NOT NULL,
	`shared_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `file_id`)
);
--> statement-breakpoint
CREATE INDEX `export_files_shared_at_idx` ON `export_files` (`shared_at`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `text_removed_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `detail_removed_at` integer;--> statement-breakpoint
-- The touch log stays append-only (0004), with one exception (issue 57): data retention rewrites an aged-out
-- handoff's detail to its facts (counts, codes, dates), and only that: an UPDATE may change `detail` and nothing else.
DROP TRIGGER `handoff_events_no_update`;--> statement-breakpoint
CREATE TRIGGER `handoff_events_no_update` BEFORE UPDATE OF `id`, `handoff_id`, `type`, `from_status`, `to_status`, `actor_user_id`, `actor_team_id`, `ae_user_id`, `assignment`, `cycle`, `at`, `business_hours`, `installation_id` ON `handoff_events` BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END;
