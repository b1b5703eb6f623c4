-- An expiry while the AE was known to be away (their Slack status, a cover they named: the sweep records it in the
-- expiry's detail) is not their silence: metric_facts keeps it as 'expired_away', outside the windows that count.
DROP TRIGGER `handoff_events_metric_facts`;
--> statement-breakpoint
CREATE TRIGGER `handoff_events_metric_facts` AFTER INSERT ON `handoff_events`
WHEN NEW.type IN ('sent', 'reassigned', 'accepted', 'declined', 'expired', 'meeting_held', 'opportunity_created', 'won', 'lost') BEGIN
  INSERT INTO `metric_facts` (`at`, `event_id`, `type`, `handoff_id`, `ae_user_id`, `business_hours`, `partner_key`,
    `partner_org`, `author_user_id`, `score`)
  SELECT NEW.at, NEW.id,
    CASE WHEN NEW.type = 'expired' AND json_extract(NEW.detail, '$.away') IS NOT NULL THEN 'expired_away' ELSE NEW.type END,
    NEW.handoff_id, NEW.ae_user_id, NEW.business_hours, h.partner_key,
    COALESCE(p.name, h.partner_org), h.author_user_id, h.score
  FROM `handoffs` h LEFT JOIN `partners` p ON p.id = h.partner_id WHERE h.id = NEW.handoff_id;
END;
