CREATE TABLE `home_views` (
	`user_id` text PRIMARY KEY NOT NULL,
	`hash` text,
	`period` text,
	`metrics` integer DEFAULT false NOT NULL,
	`wanted` integer DEFAULT 0 NOT NULL,
	`shown` integer DEFAULT 0 NOT NULL,
	`opened_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `surfaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`handoff_id` integer NOT NULL,
	`kind` text NOT NULL,
	`viewer_user_id` text,
	`channel_key` text NOT NULL,
	`audience` text DEFAULT 'internal' NOT NULL,
	`params` text NOT NULL,
	`posted` integer DEFAULT false NOT NULL,
	`wanted` integer DEFAULT 1 NOT NULL,
	`shown` integer DEFAULT 0 NOT NULL,
	`attempted` integer DEFAULT 0 NOT NULL,
	`rendered_hash` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `surfaces_key_idx` ON `surfaces` (`key`);--> statement-breakpoint
CREATE INDEX `surfaces_handoff_id_idx` ON `surfaces` (`handoff_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `surface_key` text;--> statement-breakpoint
CREATE INDEX `outbox_surface_key_status_idx` ON `outbox` (`surface_key`,`status`);--> statement-breakpoint
-- Hand-added: the messages already posted that show a handoff's state now (the current AE's packet, the partner
-- thread's parent) become surfaces, so they follow the handoff from here on. Older notices stay as they were.
INSERT OR IGNORE INTO `surfaces` (`key`, `handoff_id`, `kind`, `viewer_user_id`, `channel_key`, `audience`, `params`, `posted`, `wanted`, `shown`, `created_at`)
SELECT p.`message_key`, h.`id`, 'ae_packet', h.`ae_user_id`, h.`ae_user_id`, 'internal',
  json_object('assignment', h.`assignment`), 1, 1, 1, p.`posted_at`
FROM `posted_messages` p JOIN `handoffs` h ON p.`handoff_id` = h.`id`
WHERE p.`message_key` = CASE WHEN h.`assignment` = 1 THEN 'handoff:' || h.`id` || ':ae_dm'
  ELSE 'handoff:' || h.`id` || ':a' || h.`assignment` || ':ae_dm' END;
--> statement-breakpoint
INSERT OR IGNORE INTO `surfaces` (`key`, `handoff_id`, `kind`, `viewer_user_id`, `channel_key`, `audience`, `params`, `posted`, `wanted`, `shown`, `created_at`)
SELECT p.`message_key`, h.`id`, 'partner_parent', NULL, h.`partner_channel_id`, 'partner', json_object(), 1, 1, 1, p.`posted_at`
FROM `posted_messages` p JOIN `handoffs` h ON p.`handoff_id` = h.`id`
WHERE p.`message_key` = 'handoff:' || h.`id` || ':partner_parent' AND h.`partner_channel_id` <> '';
--> statement-breakpoint
-- Hand-added: the same two messages still waiting in the outbox at the upgrade (a partner channel on hold, an
-- outage) become surfaces too, rendered from the handoff's state when they are finally sent.
INSERT OR IGNORE INTO `surfaces` (`key`, `handoff_id`, `kind`, `viewer_user_id`, `channel_key`, `audience`, `params`, `posted`, `wanted`, `shown`, `created_at`)
SELECT o.`record_as`, h.`id`, CASE WHEN o.`record_as` LIKE '%:partner_parent' THEN 'partner_parent' ELSE 'ae_packet' END,
  CASE WHEN o.`record_as` LIKE '%:partner_parent' THEN NULL ELSE h.`ae_user_id` END, o.`channel_key`, o.`audience`,
  CASE WHEN o.`record_as` LIKE '%:partner_parent' THEN json_object() ELSE json_object('assignment', h.`assignment`) END,
  0, 1, 0, o.`created_at`
FROM `outbox` o JOIN `handoffs` h ON o.`handoff_id` = h.`id`
WHERE o.`status` IN ('pending', 'dead') AND o.`method` = 'chat.postMessage' AND (
  o.`record_as` = 'handoff:' || h.`id` || ':partner_parent'
  OR o.`record_as` = CASE WHEN h.`assignment` = 1 THEN 'handoff:' || h.`id` || ':ae_dm'
    ELSE 'handoff:' || h.`id` || ':a' || h.`assignment` || ':ae_dm' END);
--> statement-breakpoint
UPDATE `outbox` SET `surface_key` = `record_as`
WHERE `status` IN ('pending', 'dead') AND `method` = 'chat.postMessage'
  AND `record_as` IN (SELECT `key` FROM `surfaces` WHERE `posted` = 0);
