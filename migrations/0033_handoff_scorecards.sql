CREATE TABLE `handoff_scorecards` (
	`handoff_id` integer PRIMARY KEY NOT NULL,
	`components` text NOT NULL,
	`scored_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
-- The scorecards stored so far move to their table; the handoffs keep their total and band.
INSERT INTO `handoff_scorecards` (`handoff_id`, `components`, `scored_at`)
  SELECT `id`, `scorecard`, coalesce(`edited_at`, `sent_at`) FROM `handoffs` WHERE `scorecard` IS NOT NULL;--> statement-breakpoint
UPDATE `handoffs` SET `scorecard` = NULL WHERE `scorecard` IS NOT NULL;
