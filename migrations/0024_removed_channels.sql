CREATE TABLE `removed_channels` (
	`channel_id` text PRIMARY KEY NOT NULL,
	`how` text NOT NULL,
	`since` integer NOT NULL,
	`admins_told_at` integer
);
--> statement-breakpoint
-- Carried over from the version that kept removals in memory: a channel a waiting post was held for (its last error
-- says so; the invite clears it) stays removed until the invite or the re-check. The admins of an internal channel
-- were told when that version noted it.
INSERT INTO `removed_channels` (`channel_id`, `how`, `since`, `admins_told_at`)
SELECT `channel_key`, 'held', min(coalesce(`scheduled_at`, `created_at`)),
  CASE WHEN max(`audience` = 'internal') = 1 THEN min(coalesce(`scheduled_at`, `created_at`)) END
FROM `outbox`
WHERE `status` = 'pending' AND `last_error` = 'app_removed_from_channel'
GROUP BY `channel_key`;
