CREATE TABLE `outbox_leases` (
	`channel_key` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`lease_until` integer NOT NULL
);
