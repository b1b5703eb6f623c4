ALTER TABLE `handoffs` ADD `escalation_policy` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `escalation_steps` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `next_escalation_at` integer;--> statement-breakpoint
CREATE INDEX `handoffs_status_next_escalation_at_idx` ON `handoffs` (`status`,`next_escalation_at`);