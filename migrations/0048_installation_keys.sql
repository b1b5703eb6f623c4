ALTER TABLE `attribution_reviews` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `channel_access_notices` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `chart_files` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `classification_corrections` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `covers` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `crm_currencies` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `crm_money` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `crm_money_history` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `drafts` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `first_accepts` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoff_events` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoff_followers` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoff_scorecards` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `help_requests` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `home_views` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `internal_channel_sharing` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `job_claims` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `metric_facts` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox_leases` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `outcome_reports` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `outcomes` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `partner_aliases` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `partner_channels` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `partner_workspaces` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `partners` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `posted_messages` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `program_log` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `questions` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `registered_resellers` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `removed_channels` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `slack_revocations` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `surfaces` ADD `installation_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- The rows the touch log's triggers write belong to the event's installation (issue 55): the same triggers as 0006
-- and 0019, with installation_id.
DROP TRIGGER `handoff_events_first_accepts`;
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
  ON CONFLICT (`ae_user_id`, `scope`, `scope_key`) DO UPDATE SET `second_event_id` = excluded.first_event_id
    WHERE `first_accepts`.`second_event_id` IS NULL AND `first_accepts`.`first_handoff_id` <> excluded.first_handoff_id;
END;
--> statement-breakpoint
DROP TRIGGER `handoff_events_metric_facts`;
--> statement-breakpoint
CREATE TRIGGER `handoff_events_metric_facts` AFTER INSERT ON `handoff_events`
WHEN NEW.type IN ('sent', 'reassigned', 'accepted', 'declined', 'expired', 'meeting_held', 'opportunity_created', 'won', 'lost') BEGIN
  INSERT INTO `metric_facts` (`at`, `event_id`, `type`, `handoff_id`, `ae_user_id`, `business_hours`, `partner_key`,
    `partner_org`, `author_user_id`, `score`, `installation_id`)
  SELECT NEW.at, NEW.id,
    CASE WHEN NEW.type = 'expired' AND json_extract(NEW.detail, '$.away') IS NOT NULL THEN 'expired_away' ELSE NEW.type END,
    NEW.handoff_id, NEW.ae_user_id, NEW.business_hours, h.partner_key,
    COALESCE(p.name, h.partner_org), h.author_user_id, h.score, NEW.installation_id
  FROM `handoffs` h LEFT JOIN `partners` p ON p.id = h.partner_id WHERE h.id = NEW.handoff_id;
END;
