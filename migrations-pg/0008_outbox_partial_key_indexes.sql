DROP INDEX "outbox_surface_key_status_idx";--> statement-breakpoint
DROP INDEX "outbox_record_as_idx";--> statement-breakpoint
CREATE INDEX "outbox_surface_key_status_idx" ON "outbox" USING btree ("surface_key","status") WHERE "outbox"."surface_key" is not null;--> statement-breakpoint
CREATE INDEX "outbox_record_as_idx" ON "outbox" USING btree ("record_as") WHERE "outbox"."record_as" is not null;