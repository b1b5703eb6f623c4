CREATE TABLE `installations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`install_key` text NOT NULL,
	`team_id` text,
	`enterprise_id` text,
	`is_enterprise_install` integer DEFAULT false NOT NULL,
	`app_id` text,
	`bot_user_id` text,
	`bot_id` text,
	`source` text NOT NULL,
	`sealed` text,
	`bot_token_expires_at` integer,
	`installer_user_id` text,
	`installed_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`uninstalled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `installations_install_key_unique` ON `installations` (`install_key`);