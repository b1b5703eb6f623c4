ALTER TABLE "handoffs" ADD COLUMN "step_check" text;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "next_step_check_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "first_step_done_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "step_new_dates" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "handoffs_status_next_step_check_at_idx" ON "handoffs" USING btree ("status","next_step_check_at") WHERE "handoffs"."next_step_check_at" is not null;