CREATE TABLE `covers` (
	`ae_user_id` text PRIMARY KEY NOT NULL,
	`cover_user_id` text NOT NULL,
	`until` text NOT NULL,
	`set_at` integer NOT NULL
);
