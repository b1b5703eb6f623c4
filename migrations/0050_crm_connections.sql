CREATE TABLE `crm_connections` (
	`system` text NOT NULL,
	`sealed` text NOT NULL,
	`connected_by` text NOT NULL,
	`connected_at` integer NOT NULL,
	`installation_id` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`installation_id`, `system`)
);
