CREATE TABLE `program_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`body` text,
	`actor` text NOT NULL,
	`note` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `program_log_part` ON `program_log` (`kind`,`key`,`id`);--> statement-breakpoint
ALTER TABLE `handoffs` ADD `policy_version` integer;