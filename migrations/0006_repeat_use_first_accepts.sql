CREATE TABLE `first_accepts` (
	`ae_user_id` text NOT NULL,
	`scope` text NOT NULL,
	`scope_key` text NOT NULL,
	`first_event_id` integer NOT NULL,
	`first_handoff_id` integer NOT NULL,
	`second_event_id` integer,
	PRIMARY KEY(`ae_user_id`, `scope`, `scope_key`)
);
--> statement-breakpoint
CREATE TRIGGER `handoff_events_first_accepts` AFTER INSERT ON `handoff_events` WHEN NEW.type = 'accepted' BEGIN
  INSERT INTO `first_accepts` (`ae_user_id`, `scope`, `scope_key`, `first_event_id`, `first_handoff_id`)
  SELECT NEW.ae_user_id, s.scope, s.scope_key, NEW.id, NEW.handoff_id
  FROM (
    SELECT '' AS scope, '' AS scope_key
    UNION ALL SELECT 'partner', `partner_key` FROM `handoffs` WHERE `id` = NEW.handoff_id
    UNION ALL SELECT 'author', `author_user_id` FROM `handoffs` WHERE `id` = NEW.handoff_id
  ) s
  WHERE true
  ON CONFLICT (`ae_user_id`, `scope`, `scope_key`) DO UPDATE SET `second_event_id` = excluded.first_event_id
    WHERE `first_accepts`.`second_event_id` IS NULL AND `first_accepts`.`first_handoff_id` <> excluded.first_handoff_id;
END;--> statement-breakpoint
INSERT INTO `first_accepts` (`ae_user_id`, `scope`, `scope_key`, `first_event_id`, `first_handoff_id`)
SELECT e.ae_user_id, s.scope, CASE s.scope WHEN 'partner' THEN h.partner_key WHEN 'author' THEN h.author_user_id ELSE '' END,
  e.id, e.handoff_id
FROM `handoff_events` e
JOIN `handoffs` h ON h.id = e.handoff_id
CROSS JOIN (SELECT '' AS scope UNION ALL SELECT 'partner' UNION ALL SELECT 'author') s
WHERE e.type = 'accepted'
ORDER BY e.id
ON CONFLICT (`ae_user_id`, `scope`, `scope_key`) DO UPDATE SET `second_event_id` = excluded.first_event_id
  WHERE `first_accepts`.`second_event_id` IS NULL AND `first_accepts`.`first_handoff_id` <> excluded.first_handoff_id;
