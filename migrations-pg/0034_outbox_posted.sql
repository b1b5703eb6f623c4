ALTER TABLE "outbox" ADD COLUMN "posted_channel_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "posted_ts" text;