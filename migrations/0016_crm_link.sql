ALTER TABLE `handoffs` ADD `crm_system` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `crm_record_id` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `crm_record_name` text;--> statement-breakpoint
CREATE INDEX `handoffs_crm_record_idx` ON `handoffs` (`crm_system`,`crm_record_id`) WHERE "handoffs"."crm_record_id" is not null;