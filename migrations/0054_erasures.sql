CREATE TABLE `erasures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`requested_by` text NOT NULL,
	`named_by` text NOT NULL,
	`pseudonym` text NOT NULL,
	`rows_changed` integer NOT NULL,
	`messages_updated` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
-- The touch log stays append-only (0004, 0052, 0053), with one more exception (issue 57): an erasure on request turns
-- a person's Slack id into a pseudonym (`ERASED…`), and only into one. Every other column stays refused.
DROP TRIGGER `handoff_events_no_update`;--> statement-breakpoint
CREATE TRIGGER `handoff_events_no_update` BEFORE UPDATE OF `id`, `handoff_id`, `type`, `from_status`, `to_status`, `actor_team_id`, `assignment`, `cycle`, `at`, `business_hours`, `installation_id` ON `handoff_events` BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `handoff_events_people_only_erased` BEFORE UPDATE OF `actor_user_id`, `ae_user_id` ON `handoff_events` WHEN (NEW.`actor_user_id` IS NOT OLD.`actor_user_id` AND coalesce(NEW.`actor_user_id`, '') NOT LIKE 'ERASED%') OR (NEW.`ae_user_id` IS NOT OLD.`ae_user_id` AND NEW.`ae_user_id` NOT LIKE 'ERASED%') BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END;
