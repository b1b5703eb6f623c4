ALTER TABLE `handoffs` ADD `first_step` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `first_step_due` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `estimated_value` integer;