ALTER TABLE `installations` ADD `data_deleted_at` integer;--> statement-breakpoint
-- The touch log stays append-only (0004, 0052), with one exception (issue 57): the rows of an installation whose data
-- is being deleted after its uninstall (its `data_deleted_at` set, in the same transaction) may be deleted.
DROP TRIGGER `handoff_events_no_delete`;--> statement-breakpoint
CREATE TRIGGER `handoff_events_no_delete` BEFORE DELETE ON `handoff_events` WHEN NOT EXISTS (SELECT 1 FROM `installations` WHERE `id` = OLD.`installation_id` AND `data_deleted_at` IS NOT NULL) BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END;
