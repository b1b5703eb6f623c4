CREATE TABLE `partner_aliases` (
	`alias_key` text PRIMARY KEY NOT NULL,
	`alias` text NOT NULL,
	`partner_id` integer NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `partner_aliases_partner_id_idx` ON `partner_aliases` (`partner_id`);--> statement-breakpoint
CREATE TABLE `partner_channels` (
	`channel_id` text PRIMARY KEY NOT NULL,
	`channel_name` text,
	`partner_id` integer,
	`status` text NOT NULL,
	`held_reason` text,
	`bound_by_user_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `partner_channels_partner_id_idx` ON `partner_channels` (`partner_id`);--> statement-breakpoint
CREATE TABLE `partner_workspaces` (
	`team_id` text PRIMARY KEY NOT NULL,
	`team_name` text,
	`partner_id` integer NOT NULL,
	`bound_by_user_id` text NOT NULL,
	`bound_at` integer NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `partner_workspaces_partner_id_idx` ON `partner_workspaces` (`partner_id`);--> statement-breakpoint
CREATE TABLE `partners` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`key` text NOT NULL,
	`domain` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partners_key_idx` ON `partners` (`key`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `partner_id` integer;--> statement-breakpoint
CREATE INDEX `handoffs_partner_id_idx` ON `handoffs` (`partner_id`);--> statement-breakpoint
CREATE INDEX `handoffs_partner_channel_id_status_idx` ON `handoffs` (`partner_channel_id`,`status`);
--> statement-breakpoint
-- Backfill (hand-written): one partner per partner key already in use, named as its latest handoff spells it.
INSERT INTO `partners` (`name`, `key`, `domain`, `created_at`, `updated_at`)
SELECT (SELECT h2.`partner_org` FROM `handoffs` h2 WHERE h2.`partner_key` = h.`partner_key` ORDER BY h2.`id` DESC LIMIT 1),
  h.`partner_key`, NULL, MIN(h.`created_at`), MAX(h.`updated_at`)
FROM `handoffs` h WHERE h.`partner_key` <> '' GROUP BY h.`partner_key`;
--> statement-breakpoint
INSERT INTO `partner_aliases` (`alias_key`, `alias`, `partner_id`) SELECT `key`, `name`, `id` FROM `partners`;
--> statement-breakpoint
UPDATE `handoffs` SET `partner_id` = (SELECT p.`id` FROM `partners` p WHERE p.`key` = `handoffs`.`partner_key`);
--> statement-breakpoint
-- A channel one partner used is that partner's; a channel several partners used waits for an admin to say whose.
INSERT INTO `partner_channels` (`channel_id`, `channel_name`, `partner_id`, `status`, `held_reason`, `bound_by_user_id`, `updated_at`)
SELECT h.`partner_channel_id`, NULL,
  CASE WHEN COUNT(DISTINCT h.`partner_id`) = 1 THEN MIN(h.`partner_id`) END,
  CASE WHEN COUNT(DISTINCT h.`partner_id`) = 1 THEN 'active' ELSE 'held' END,
  CASE WHEN COUNT(DISTINCT h.`partner_id`) = 1 THEN NULL ELSE 'handoffs of several partners were sent to it' END,
  'migration', MAX(h.`updated_at`)
FROM `handoffs` h WHERE h.`partner_channel_id` <> '' AND h.`partner_id` IS NOT NULL GROUP BY h.`partner_channel_id`;
--> statement-breakpoint
-- Metrics name a partner by its directory record (renames and merges included), not by one packet's spelling.
DROP TRIGGER `handoff_events_metric_facts`;
--> statement-breakpoint
CREATE TRIGGER `handoff_events_metric_facts` AFTER INSERT ON `handoff_events`
WHEN NEW.type IN ('sent', 'reassigned', 'accepted', 'declined', 'expired', 'meeting_held', 'opportunity_created', 'won', 'lost') BEGIN
  INSERT INTO `metric_facts` (`at`, `event_id`, `type`, `handoff_id`, `ae_user_id`, `business_hours`, `partner_key`,
    `partner_org`, `author_user_id`, `score`)
  SELECT NEW.at, NEW.id, NEW.type, NEW.handoff_id, NEW.ae_user_id, NEW.business_hours, h.partner_key,
    COALESCE(p.name, h.partner_org), h.author_user_id, h.score
  FROM `handoffs` h LEFT JOIN `partners` p ON p.id = h.partner_id WHERE h.id = NEW.handoff_id;
END;
--> statement-breakpoint
UPDATE `metric_facts` SET `partner_org` = (SELECT p.`name` FROM `partners` p WHERE p.`key` = `metric_facts`.`partner_key`)
WHERE `partner_key` IN (SELECT `key` FROM `partners`);
