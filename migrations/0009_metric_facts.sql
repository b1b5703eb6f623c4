CREATE TABLE `metric_facts` (
	`at` integer NOT NULL,
	`event_id` integer NOT NULL,
	`type` text NOT NULL,
	`handoff_id` integer NOT NULL,
	`ae_user_id` text NOT NULL,
	`business_hours` real,
	`partner_key` text NOT NULL,
	`partner_org` text NOT NULL,
	`author_user_id` text NOT NULL,
	`score` integer,
	PRIMARY KEY(`at`, `event_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Kept in the same transaction as each metric event of the touch log (see metricFacts in src/db/schema.ts).
CREATE TRIGGER `handoff_events_metric_facts` AFTER INSERT ON `handoff_events`
WHEN NEW.type IN ('sent', 'reassigned', 'accepted', 'declined', 'expired', 'meeting_held', 'opportunity_created', 'won', 'lost') BEGIN
  INSERT INTO `metric_facts` (`at`, `event_id`, `type`, `handoff_id`, `ae_user_id`, `business_hours`, `partner_key`,
    `partner_org`, `author_user_id`, `score`)
  SELECT NEW.at, NEW.id, NEW.type, NEW.handoff_id, NEW.ae_user_id, NEW.business_hours, h.partner_key, h.partner_org,
    h.author_user_id, h.score
  FROM `handoffs` h WHERE h.id = NEW.handoff_id;
END;--> statement-breakpoint
INSERT INTO `metric_facts` (`at`, `event_id`, `type`, `handoff_id`, `ae_user_id`, `business_hours`, `partner_key`,
  `partner_org`, `author_user_id`, `score`)
SELECT e.at, e.id, e.type, e.handoff_id, e.ae_user_id, e.business_hours, h.partner_key, h.partner_org,
  h.author_user_id, h.score
FROM `handoff_events` e
JOIN `handoffs` h ON h.id = e.handoff_id
WHERE e.type IN ('sent', 'reassigned', 'accepted', 'declined', 'expired', 'meeting_held', 'opportunity_created', 'won', 'lost')
ORDER BY e.at, e.id;
