ALTER TABLE `handoffs` ADD `stall_nudged_at` integer;--> statement-breakpoint
CREATE INDEX `handoffs_stalled_idx` ON `handoffs` (`last_activity_at`) WHERE "handoffs"."stall_nudged_at" is not null;--> statement-breakpoint
UPDATE `handoffs` SET `stall_nudged_at` = (
  SELECT max(e.`at`) FROM `handoff_events` e WHERE e.`handoff_id` = `handoffs`.`id` AND e.`type` = 'stall_nudged'
)
WHERE `status` = 'accepted' AND EXISTS (
  SELECT 1 FROM `handoff_events` e WHERE e.`handoff_id` = `handoffs`.`id` AND e.`type` = 'stall_nudged'
    AND e.`at` > coalesce(`handoffs`.`last_activity_at`, 0)
);
