DROP INDEX `program_log_part`;--> statement-breakpoint
CREATE INDEX `program_log_part` ON `program_log` (`installation_id`,`kind`,`key`,`id`);