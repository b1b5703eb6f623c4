DROP INDEX "handoffs_status_next_reminder_at_idx";--> statement-breakpoint
DROP INDEX "handoffs_status_next_escalation_at_idx";--> statement-breakpoint
DROP INDEX "handoffs_status_next_stall_nudge_at_idx";--> statement-breakpoint
-- Decided and withdrawn handoffs have no escalation step to come (decisions and withdrawals clear it from now on).
UPDATE "handoffs" SET "next_escalation_at" = NULL WHERE "status" IN ('accepted', 'declined', 'withdrawn');--> statement-breakpoint
CREATE INDEX "handoffs_status_next_reminder_at_idx" ON "handoffs" USING btree ("status","next_reminder_at") WHERE "handoffs"."next_reminder_at" is not null;--> statement-breakpoint
CREATE INDEX "handoffs_status_next_escalation_at_idx" ON "handoffs" USING btree ("status","next_escalation_at") WHERE "handoffs"."next_escalation_at" is not null;--> statement-breakpoint
CREATE INDEX "handoffs_status_next_stall_nudge_at_idx" ON "handoffs" USING btree ("status","next_stall_nudge_at") WHERE "handoffs"."next_stall_nudge_at" is not null;