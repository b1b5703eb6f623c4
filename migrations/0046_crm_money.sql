CREATE TABLE `attribution_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`evidence` text NOT NULL,
	`status` text NOT NULL,
	`opened_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`note` text,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `attribution_reviews_status` ON `attribution_reviews` (`status`,`handoff_id`);--> statement-breakpoint
CREATE TABLE `crm_currencies` (
	`system` text PRIMARY KEY NOT NULL,
	`corporate` text,
	`rates` text NOT NULL,
	`read_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `crm_money` (
	`handoff_id` integer PRIMARY KEY NOT NULL,
	`system` text NOT NULL,
	`record_id` text NOT NULL,
	`amount` real,
	`currency` text,
	`amount_corporate` real,
	`stage` text,
	`closed` integer NOT NULL,
	`won` integer NOT NULL,
	`close_date` text,
	`owner` text,
	`read_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `crm_money_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`system` text NOT NULL,
	`record_id` text NOT NULL,
	`amount` real,
	`currency` text,
	`amount_corporate` real,
	`stage` text,
	`closed` integer NOT NULL,
	`won` integer NOT NULL,
	`close_date` text,
	`owner` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `crm_money_history_handoff` ON `crm_money_history` (`handoff_id`,`id`);