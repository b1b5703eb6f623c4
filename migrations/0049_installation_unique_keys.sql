-- Issue 55: every unique key and primary key but the metric facts' (an event's id, unique across installations)
-- names the installation first, so two installations may have the same channel, partner, person or message key.
-- The first accepts' trigger writes into a table rebuilt here: dropped first (a trigger naming a table that is
-- dropped would fail the rename), and made again at the end with the installation in its conflict target.
DROP TRIGGER `handoff_events_first_accepts`;--> statement-breakpoint
DROP INDEX `outbox_dedupe_key_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_idx` ON `outbox` (`installation_id`,`dedupe_key`);--> statement-breakpoint
DROP INDEX `surfaces_key_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `surfaces_key_idx` ON `surfaces` (`installation_id`,`key`);--> statement-breakpoint
DROP INDEX `decisions_handoff_id_assignment_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_handoff_id_assignment_idx` ON `decisions` (`installation_id`,`handoff_id`,`assignment`);--> statement-breakpoint
DROP INDEX `drafts_source_view_id_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `drafts_source_view_id_unique` ON `drafts` (`installation_id`,`source_view_id`);--> statement-breakpoint
DROP INDEX `handoffs_source_view_id_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_source_view_id_idx` ON `handoffs` (`installation_id`,`source_view_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_channel_access_notices` (
	`message_key` text NOT NULL,
	`channel_id` text NOT NULL,
	`reader_user_id` text NOT NULL,
	`handoff_id` integer,
	`told_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `message_key`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
INSERT INTO `__new_channel_access_notices`("message_key", "channel_id", "reader_user_id", "handoff_id", "told_at", "installation_id") SELECT "message_key", "channel_id", "reader_user_id", "handoff_id", "told_at", "installation_id" FROM `channel_access_notices`;--> statement-breakpoint
DROP TABLE `channel_access_notices`;--> statement-breakpoint
ALTER TABLE `__new_channel_access_notices` RENAME TO `channel_access_notices`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `channel_access_notices_channel_handoff_idx` ON `channel_access_notices` (`installation_id`,`channel_id`,`handoff_id`);--> statement-breakpoint
DROP INDEX `help_requests_source_view_id_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `help_requests_source_view_id_idx` ON `help_requests` (`installation_id`,`source_view_id`);--> statement-breakpoint
DROP INDEX `outcomes_handoff_id_outcome_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `outcomes_handoff_id_outcome_idx` ON `outcomes` (`installation_id`,`handoff_id`,`outcome`);--> statement-breakpoint
DROP INDEX `questions_handoff_id_assignment_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `questions_handoff_id_assignment_idx` ON `questions` (`installation_id`,`handoff_id`,`assignment`);--> statement-breakpoint
DROP INDEX `partners_key_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `partners_key_idx` ON `partners` (`installation_id`,`key`);--> statement-breakpoint
DROP INDEX `registered_resellers_account_key_reseller_key_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `registered_resellers_account_key_reseller_key_idx` ON `registered_resellers` (`installation_id`,`account_key`,`reseller_key`);--> statement-breakpoint
CREATE TABLE `__new_handoff_followers` (
	`handoff_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`notify` text NOT NULL,
	`created_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `handoff_id`, `user_id`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
INSERT INTO `__new_handoff_followers`("handoff_id", "user_id", "notify", "created_at", "installation_id") SELECT "handoff_id", "user_id", "notify", "created_at", "installation_id" FROM `handoff_followers`;--> statement-breakpoint
DROP TABLE `handoff_followers`;--> statement-breakpoint
ALTER TABLE `__new_handoff_followers` RENAME TO `handoff_followers`;--> statement-breakpoint
CREATE TABLE `__new_first_accepts` (
	`ae_user_id` text NOT NULL,
	`scope` text NOT NULL,
	`scope_key` text NOT NULL,
	`first_event_id` integer NOT NULL,
	`first_handoff_id` integer NOT NULL,
	`second_event_id` integer,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `ae_user_id`, `scope`, `scope_key`)
);
--> statement-breakpoint
INSERT INTO `__new_first_accepts`("ae_user_id", "scope", "scope_key", "first_event_id", "first_handoff_id", "second_event_id", "installation_id") SELECT "ae_user_id", "scope", "scope_key", "first_event_id", "first_handoff_id", "second_event_id", "installation_id" FROM `first_accepts`;--> statement-breakpoint
DROP TABLE `first_accepts`;--> statement-breakpoint
ALTER TABLE `__new_first_accepts` RENAME TO `first_accepts`;--> statement-breakpoint
CREATE TABLE `__new_job_claims` (
	`job` text NOT NULL,
	`slot` integer NOT NULL,
	`holder` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`lease_until` integer NOT NULL,
	`done_at` integer,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `job`, `slot`)
);
--> statement-breakpoint
INSERT INTO `__new_job_claims`("job", "slot", "holder", "claimed_at", "lease_until", "done_at", "installation_id") SELECT "job", "slot", "holder", "claimed_at", "lease_until", "done_at", "installation_id" FROM `job_claims`;--> statement-breakpoint
DROP TABLE `job_claims`;--> statement-breakpoint
ALTER TABLE `__new_job_claims` RENAME TO `job_claims`;--> statement-breakpoint
CREATE TABLE `__new_chart_files` (
	`content_hash` text NOT NULL,
	`file_id` text NOT NULL,
	`uploaded_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `content_hash`)
);
--> statement-breakpoint
INSERT INTO `__new_chart_files`("content_hash", "file_id", "uploaded_at", "installation_id") SELECT "content_hash", "file_id", "uploaded_at", "installation_id" FROM `chart_files`;--> statement-breakpoint
DROP TABLE `chart_files`;--> statement-breakpoint
ALTER TABLE `__new_chart_files` RENAME TO `chart_files`;--> statement-breakpoint
CREATE TABLE `__new_home_views` (
	`user_id` text NOT NULL,
	`hash` text,
	`period` text,
	`metrics` integer DEFAULT false NOT NULL,
	`wanted` integer DEFAULT 0 NOT NULL,
	`shown` integer DEFAULT 0 NOT NULL,
	`opened_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `user_id`)
);
--> statement-breakpoint
INSERT INTO `__new_home_views`("user_id", "hash", "period", "metrics", "wanted", "shown", "opened_at", "installation_id") SELECT "user_id", "hash", "period", "metrics", "wanted", "shown", "opened_at", "installation_id" FROM `home_views`;--> statement-breakpoint
DROP TABLE `home_views`;--> statement-breakpoint
ALTER TABLE `__new_home_views` RENAME TO `home_views`;--> statement-breakpoint
CREATE TABLE `__new_outbox_leases` (
	`channel_key` text NOT NULL,
	`holder` text NOT NULL,
	`lease_until` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `channel_key`)
);
--> statement-breakpoint
INSERT INTO `__new_outbox_leases`("channel_key", "holder", "lease_until", "installation_id") SELECT "channel_key", "holder", "lease_until", "installation_id" FROM `outbox_leases`;--> statement-breakpoint
DROP TABLE `outbox_leases`;--> statement-breakpoint
ALTER TABLE `__new_outbox_leases` RENAME TO `outbox_leases`;--> statement-breakpoint
CREATE TABLE `__new_posted_messages` (
	`message_key` text NOT NULL,
	`channel_id` text NOT NULL,
	`ts` text NOT NULL,
	`handoff_id` integer,
	`posted_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `message_key`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
INSERT INTO `__new_posted_messages`("message_key", "channel_id", "ts", "handoff_id", "posted_at", "installation_id") SELECT "message_key", "channel_id", "ts", "handoff_id", "posted_at", "installation_id" FROM `posted_messages`;--> statement-breakpoint
DROP TABLE `posted_messages`;--> statement-breakpoint
ALTER TABLE `__new_posted_messages` RENAME TO `posted_messages`;--> statement-breakpoint
CREATE TABLE `__new_handoff_scorecards` (
	`handoff_id` integer NOT NULL,
	`components` text NOT NULL,
	`scored_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `handoff_id`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
INSERT INTO `__new_handoff_scorecards`("handoff_id", "components", "scored_at", "installation_id") SELECT "handoff_id", "components", "scored_at", "installation_id" FROM `handoff_scorecards`;--> statement-breakpoint
DROP TABLE `handoff_scorecards`;--> statement-breakpoint
ALTER TABLE `__new_handoff_scorecards` RENAME TO `handoff_scorecards`;--> statement-breakpoint
CREATE TABLE `__new_crm_currencies` (
	`system` text NOT NULL,
	`corporate` text,
	`rates` text NOT NULL,
	`read_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `system`)
);
--> statement-breakpoint
INSERT INTO `__new_crm_currencies`("system", "corporate", "rates", "read_at", "installation_id") SELECT "system", "corporate", "rates", "read_at", "installation_id" FROM `crm_currencies`;--> statement-breakpoint
DROP TABLE `crm_currencies`;--> statement-breakpoint
ALTER TABLE `__new_crm_currencies` RENAME TO `crm_currencies`;--> statement-breakpoint
CREATE TABLE `__new_crm_money` (
	`handoff_id` integer NOT NULL,
	`system` text NOT NULL,
	`record_id` text NOT NULL,
	`amount` real,
	`currency` text,
	`amount_corporate` real,
	`stage` text,
	`closed` integer NOT NULL,
	`won` integer NOT NULL,
	`close_date` text,
	`owner` text,
	`read_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `handoff_id`),
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
INSERT INTO `__new_crm_money`("handoff_id", "system", "record_id", "amount", "currency", "amount_corporate", "stage", "closed", "won", "close_date", "owner", "read_at", "changed_at", "installation_id") SELECT "handoff_id", "system", "record_id", "amount", "currency", "amount_corporate", "stage", "closed", "won", "close_date", "owner", "read_at", "changed_at", "installation_id" FROM `crm_money`;--> statement-breakpoint
DROP TABLE `crm_money`;--> statement-breakpoint
ALTER TABLE `__new_crm_money` RENAME TO `crm_money`;--> statement-breakpoint
CREATE TABLE `__new_partner_aliases` (
	`alias_key` text NOT NULL,
	`alias` text NOT NULL,
	`partner_id` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `alias_key`),
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_partner_aliases`("alias_key", "alias", "partner_id", "installation_id") SELECT "alias_key", "alias", "partner_id", "installation_id" FROM `partner_aliases`;--> statement-breakpoint
DROP TABLE `partner_aliases`;--> statement-breakpoint
ALTER TABLE `__new_partner_aliases` RENAME TO `partner_aliases`;--> statement-breakpoint
CREATE INDEX `partner_aliases_partner_id_idx` ON `partner_aliases` (`partner_id`);--> statement-breakpoint
CREATE TABLE `__new_partner_channels` (
	`channel_id` text NOT NULL,
	`channel_name` text,
	`partner_id` integer,
	`status` text NOT NULL,
	`held_reason` text,
	`stranger_team_ids` text DEFAULT '[]' NOT NULL,
	`strangers_heard_at` text DEFAULT '{}' NOT NULL,
	`bound_by_user_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `channel_id`),
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_partner_channels`("channel_id", "channel_name", "partner_id", "status", "held_reason", "stranger_team_ids", "strangers_heard_at", "bound_by_user_id", "updated_at", "installation_id") SELECT "channel_id", "channel_name", "partner_id", "status", "held_reason", "stranger_team_ids", "strangers_heard_at", "bound_by_user_id", "updated_at", "installation_id" FROM `partner_channels`;--> statement-breakpoint
DROP TABLE `partner_channels`;--> statement-breakpoint
ALTER TABLE `__new_partner_channels` RENAME TO `partner_channels`;--> statement-breakpoint
CREATE INDEX `partner_channels_partner_id_idx` ON `partner_channels` (`partner_id`);--> statement-breakpoint
CREATE TABLE `__new_partner_workspaces` (
	`team_id` text NOT NULL,
	`team_name` text,
	`partner_id` integer NOT NULL,
	`bound_by_user_id` text NOT NULL,
	`bound_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `team_id`),
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_partner_workspaces`("team_id", "team_name", "partner_id", "bound_by_user_id", "bound_at", "installation_id") SELECT "team_id", "team_name", "partner_id", "bound_by_user_id", "bound_at", "installation_id" FROM `partner_workspaces`;--> statement-breakpoint
DROP TABLE `partner_workspaces`;--> statement-breakpoint
ALTER TABLE `__new_partner_workspaces` RENAME TO `partner_workspaces`;--> statement-breakpoint
CREATE INDEX `partner_workspaces_partner_id_idx` ON `partner_workspaces` (`partner_id`);--> statement-breakpoint
CREATE TABLE `__new_removed_channels` (
	`channel_id` text NOT NULL,
	`how` text NOT NULL,
	`since` integer NOT NULL,
	`admins_told_at` integer,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `channel_id`)
);
--> statement-breakpoint
INSERT INTO `__new_removed_channels`("channel_id", "how", "since", "admins_told_at", "installation_id") SELECT "channel_id", "how", "since", "admins_told_at", "installation_id" FROM `removed_channels`;--> statement-breakpoint
DROP TABLE `removed_channels`;--> statement-breakpoint
ALTER TABLE `__new_removed_channels` RENAME TO `removed_channels`;--> statement-breakpoint
CREATE TABLE `__new_covers` (
	`ae_user_id` text NOT NULL,
	`cover_user_id` text NOT NULL,
	`until` text NOT NULL,
	`set_at` integer NOT NULL,
	`away_from` text,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `ae_user_id`)
);
--> statement-breakpoint
INSERT INTO `__new_covers`("ae_user_id", "cover_user_id", "until", "set_at", "away_from", "installation_id") SELECT "ae_user_id", "cover_user_id", "until", "set_at", "away_from", "installation_id" FROM `covers`;--> statement-breakpoint
DROP TABLE `covers`;--> statement-breakpoint
ALTER TABLE `__new_covers` RENAME TO `covers`;--> statement-breakpoint
CREATE TABLE `__new_internal_channel_sharing` (
	`channel_id` text NOT NULL,
	`shared` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `channel_id`)
);
--> statement-breakpoint
INSERT INTO `__new_internal_channel_sharing`("channel_id", "shared", "checked_at", "installation_id") SELECT "channel_id", "shared", "checked_at", "installation_id" FROM `internal_channel_sharing`;--> statement-breakpoint
DROP TABLE `internal_channel_sharing`;--> statement-breakpoint
ALTER TABLE `__new_internal_channel_sharing` RENAME TO `internal_channel_sharing`;--> statement-breakpoint
CREATE TABLE `__new_slack_revocations` (
	`token_hash` text NOT NULL,
	`event` text NOT NULL,
	`revoked_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `token_hash`)
);
--> statement-breakpoint
INSERT INTO `__new_slack_revocations`("token_hash", "event", "revoked_at", "installation_id") SELECT "token_hash", "event", "revoked_at", "installation_id" FROM `slack_revocations`;--> statement-breakpoint
DROP TABLE `slack_revocations`;--> statement-breakpoint
ALTER TABLE `__new_slack_revocations` RENAME TO `slack_revocations`;
--> statement-breakpoint
CREATE TRIGGER `handoff_events_first_accepts` AFTER INSERT ON `handoff_events` WHEN NEW.type = 'accepted' BEGIN
  INSERT INTO `first_accepts` (`ae_user_id`, `scope`, `scope_key`, `first_event_id`, `first_handoff_id`, `installation_id`)
  SELECT NEW.ae_user_id, s.scope, s.scope_key, NEW.id, NEW.handoff_id, NEW.installation_id
  FROM (
    SELECT '' AS scope, '' AS scope_key
    UNION ALL SELECT 'partner', `partner_key` FROM `handoffs` WHERE `id` = NEW.handoff_id
    UNION ALL SELECT 'author', `author_user_id` FROM `handoffs` WHERE `id` = NEW.handoff_id
  ) s
  WHERE true
  ON CONFLICT (`installation_id`, `ae_user_id`, `scope`, `scope_key`) DO UPDATE SET `second_event_id` = excluded.first_event_id
    WHERE `first_accepts`.`second_event_id` IS NULL AND `first_accepts`.`first_handoff_id` <> excluded.first_handoff_id;
END;
