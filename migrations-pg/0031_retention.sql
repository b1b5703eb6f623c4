CREATE TABLE "export_files" (
	"file_id" text NOT NULL,
	"user_id" text NOT NULL,
	"shared_at" timestamp (3) with time zone NOT NULL,
	"installation_id" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "export_files_installation_id_file_id_pk" PRIMARY KEY("installation_id","file_id")
);
--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "text_removed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "detail_removed_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "export_files_shared_at_idx" ON "export_files" USING btree ("shared_at");--> statement-breakpoint
-- The touch log stays append-only (0001), with one exception (issue 57; SQLite 0052): data retention rewrites an
-- aged-out handoff's detail to its facts (counts, codes, dates), and only that: an UPDATE may change "detail" and
-- nothing else.
DROP TRIGGER "handoff_events_no_update" ON "handoff_events";--> statement-breakpoint
CREATE TRIGGER "handoff_events_no_update" BEFORE UPDATE OF "id", "handoff_id", "type", "from_status", "to_status", "actor_user_id", "actor_team_id", "ae_user_id", "assignment", "cycle", "at", "business_hours", "installation_id" ON "handoff_events"
  FOR EACH ROW EXECUTE FUNCTION "handoff_events_append_only"();
