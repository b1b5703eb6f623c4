ALTER TABLE `handoffs` ADD `source_url` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `routing_reason` text;