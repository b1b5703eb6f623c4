ALTER TABLE "handoffs" ADD COLUMN "source_url" text;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "routing_reason" text;