ALTER TABLE `handoffs` ADD `attribution` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `classified_link` text;--> statement-breakpoint
-- Handoffs linked before this migration were classified with their link known: the read-back leaves them be.
UPDATE `handoffs` SET `classified_link` = `crm_system` || ':' || `crm_record_id` WHERE `crm_record_id` IS NOT NULL;
