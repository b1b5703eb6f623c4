CREATE TABLE `job_claims` (
	`job` text NOT NULL,
	`slot` integer NOT NULL,
	`holder` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`lease_until` integer NOT NULL,
	`done_at` integer,
	PRIMARY KEY(`job`, `slot`)
);
