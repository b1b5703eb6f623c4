CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` integer NOT NULL,
	`decision` text NOT NULL,
	`reason_code` text,
	`note` text,
	`decided_by_user_id` text NOT NULL,
	`decided_by_team_id` text NOT NULL,
	`decided_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_handoff_id_idx` ON `decisions` (`handoff_id`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text NOT NULL,
	`source_view_id` text NOT NULL,
	`status` text NOT NULL,
	`author_user_id` text NOT NULL,
	`owner_user_id` text NOT NULL,
	`ae_user_id` text NOT NULL,
	`ae_team_id` text NOT NULL,
	`ae_name` text NOT NULL,
	`ae_time_zone` text NOT NULL,
	`partner_channel_id` text NOT NULL,
	`account_name` text NOT NULL,
	`crm_opportunity` text,
	`partner_org` text NOT NULL,
	`partner_contact_name` text NOT NULL,
	`partner_contact_role` text,
	`why_partner` text NOT NULL,
	`customer_trigger` text NOT NULL,
	`joint_value` text NOT NULL,
	`warm_path` text NOT NULL,
	`seller_next_move` text NOT NULL,
	`partner_next_move` text NOT NULL,
	`partner_next_move_date` text,
	`partner_agreed_in_writing` integer NOT NULL,
	`risk_note` text,
	`evidence_url` text,
	`response_window_days` integer NOT NULL,
	`sent_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_source_view_id_idx` ON `handoffs` (`source_view_id`);--> statement-breakpoint
CREATE INDEX `handoffs_status_due_at_idx` ON `handoffs` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `handoffs_ae_user_id_status_idx` ON `handoffs` (`ae_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `handoffs_author_user_id_idx` ON `handoffs` (`author_user_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`channel_key` text NOT NULL,
	`method` text NOT NULL,
	`payload` text NOT NULL,
	`target_message_key` text,
	`record_as` text,
	`handoff_id` integer,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_idx` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_status_next_attempt_at_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_channel_key_status_id_idx` ON `outbox` (`channel_key`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `posted_messages` (
	`message_key` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`ts` text NOT NULL,
	`handoff_id` integer,
	`posted_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE restrict
);
