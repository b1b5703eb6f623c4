CREATE TABLE `classification_corrections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`from_classification` text NOT NULL,
	`to_classification` text NOT NULL,
	`reason` text NOT NULL,
	`corrected_by_user_id` text NOT NULL,
	`corrected_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `classification_corrections_handoff_id_idx` ON `classification_corrections` (`handoff_id`);--> statement-breakpoint
CREATE TABLE `drafts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_view_id` text NOT NULL,
	`author_user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`content` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drafts_source_view_id_unique` ON `drafts` (`source_view_id`);--> statement-breakpoint
CREATE TABLE `registered_resellers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_key` text NOT NULL,
	`account_name` text NOT NULL,
	`reseller_key` text NOT NULL,
	`reseller_name` text NOT NULL,
	`added_by_user_id` text NOT NULL,
	`added_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registered_resellers_account_key_reseller_key_idx` ON `registered_resellers` (`account_key`,`reseller_key`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `account_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `account_domain` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `partner_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `on_priority_list` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `opportunity_created_on` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `partner_touch_on` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `score` integer;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `score_band` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `scorecard` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `classification` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `classification_reason` text;--> statement-breakpoint
ALTER TABLE `handoffs` ADD `override_reason` text;--> statement-breakpoint
CREATE INDEX `handoffs_account_key_idx` ON `handoffs` (`account_key`);--> statement-breakpoint
CREATE INDEX `handoffs_account_domain_idx` ON `handoffs` (`account_domain`);