ALTER TABLE `handoffs` ADD `edit_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `edited_fields` text;