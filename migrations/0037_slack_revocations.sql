CREATE TABLE `slack_revocations` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`revoked_at` integer NOT NULL
);
