ALTER TABLE "handoffs" ADD COLUMN "first_step" text;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "first_step_due" text;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "estimated_value" integer;