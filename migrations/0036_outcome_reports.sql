CREATE TABLE `outcome_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`outcome` text NOT NULL,
	`crm_opportunity` text,
	`reason_code` text,
	`note` text,
	`reported_by_user_id` text NOT NULL,
	`reported_at` integer NOT NULL,
	`status` text NOT NULL,
	`answered_by_user_id` text,
	`answered_at` integer,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `outcome_reports_handoff_id_status_idx` ON `outcome_reports` (`handoff_id`,`status`);