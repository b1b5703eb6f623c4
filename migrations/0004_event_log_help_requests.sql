CREATE TABLE `chart_files` (
	`content_hash` text PRIMARY KEY NOT NULL,
	`file_id` text NOT NULL,
	`uploaded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `handoff_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor_user_id` text,
	`actor_team_id` text,
	`ae_user_id` text NOT NULL,
	`assignment` integer NOT NULL,
	`cycle` integer NOT NULL,
	`at` integer NOT NULL,
	`business_hours` real,
	`detail` text,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `handoff_events_handoff_id_id_idx` ON `handoff_events` (`handoff_id`,`id`);--> statement-breakpoint
CREATE INDEX `handoff_events_type_at_idx` ON `handoff_events` (`type`,`at`);--> statement-breakpoint
CREATE INDEX `handoff_events_at_idx` ON `handoff_events` (`at`);--> statement-breakpoint
CREATE INDEX `handoff_events_ae_user_id_type_idx` ON `handoff_events` (`ae_user_id`,`type`);--> statement-breakpoint
CREATE TABLE `help_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_view_id` text NOT NULL,
	`requested_by_user_id` text NOT NULL,
	`requested_by_team_id` text NOT NULL,
	`account_name` text NOT NULL,
	`account_key` text NOT NULL,
	`partner_org` text,
	`partner_key` text,
	`ask` text NOT NULL,
	`status` text NOT NULL,
	`claimed_by_user_id` text,
	`claimed_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `help_requests_source_view_id_idx` ON `help_requests` (`source_view_id`);--> statement-breakpoint
CREATE INDEX `help_requests_created_at_idx` ON `help_requests` (`created_at`);--> statement-breakpoint
-- The touch log is append-only: nothing rewrites or removes history.
CREATE TRIGGER `handoff_events_no_update` BEFORE UPDATE ON `handoff_events` BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `handoff_events_no_delete` BEFORE DELETE ON `handoff_events` BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END;--> statement-breakpoint
-- History from before the log, rebuilt from the tables that hold it (the AE of a sent event is the current one).
INSERT INTO `handoff_events` (`handoff_id`, `type`, `from_status`, `to_status`, `actor_user_id`, `ae_user_id`, `assignment`, `cycle`, `at`)
  SELECT `id`, 'sent', NULL, 'sent', `author_user_id`, `ae_user_id`, 1, 1, `sent_at` FROM `handoffs`;--> statement-breakpoint
INSERT INTO `handoff_events` (`handoff_id`, `type`, `from_status`, `to_status`, `actor_user_id`, `actor_team_id`, `ae_user_id`, `assignment`, `cycle`, `at`, `detail`)
  SELECT `handoff_id`, `decision`, 'sent', `decision`, `decided_by_user_id`, `decided_by_team_id`, `decided_by_user_id`, `assignment`, `assignment`, `decided_at`,
    CASE WHEN `reason_code` IS NULL THEN NULL ELSE json_object('reasonCode', `reason_code`) END
  FROM `decisions` ORDER BY `decided_at`;--> statement-breakpoint
INSERT INTO `handoff_events` (`handoff_id`, `type`, `from_status`, `to_status`, `actor_user_id`, `ae_user_id`, `assignment`, `cycle`, `at`)
  SELECT `o`.`handoff_id`, `o`.`outcome`, 'accepted', 'accepted', `o`.`recorded_by_user_id`, `h`.`ae_user_id`, `h`.`assignment`, `h`.`cycle`, `o`.`recorded_at`
  FROM `outcomes` `o` JOIN `handoffs` `h` ON `h`.`id` = `o`.`handoff_id` ORDER BY `o`.`recorded_at`;--> statement-breakpoint
INSERT INTO `handoff_events` (`handoff_id`, `type`, `from_status`, `to_status`, `actor_user_id`, `ae_user_id`, `assignment`, `cycle`, `at`, `detail`)
  SELECT `c`.`handoff_id`, 'classification_corrected', `h`.`status`, `h`.`status`, `c`.`corrected_by_user_id`, `h`.`ae_user_id`, `h`.`assignment`, `h`.`cycle`, `c`.`corrected_at`,
    json_object('from', `c`.`from_classification`, 'to', `c`.`to_classification`)
  FROM `classification_corrections` `c` JOIN `handoffs` `h` ON `h`.`id` = `c`.`handoff_id` ORDER BY `c`.`corrected_at`;--> statement-breakpoint
INSERT INTO `handoff_events` (`handoff_id`, `type`, `from_status`, `to_status`, `ae_user_id`, `assignment`, `cycle`, `at`)
  SELECT `id`, 'expired', 'sent', 'expired', `ae_user_id`, `assignment`, `cycle`, `expired_at` FROM `handoffs` WHERE `status` = 'expired' AND `expired_at` IS NOT NULL;--> statement-breakpoint
INSERT INTO `handoff_events` (`handoff_id`, `type`, `from_status`, `to_status`, `actor_user_id`, `ae_user_id`, `assignment`, `cycle`, `at`)
  SELECT `id`, 'withdrawn', 'sent', 'withdrawn', `owner_user_id`, `ae_user_id`, `assignment`, `cycle`, `withdrawn_at` FROM `handoffs` WHERE `status` = 'withdrawn' AND `withdrawn_at` IS NOT NULL;
