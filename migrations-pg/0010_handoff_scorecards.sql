CREATE TABLE "handoff_scorecards" (
	"handoff_id" integer NOT NULL,
	"components" jsonb NOT NULL,
	"scored_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "handoff_scorecards_handoff_id_pk" PRIMARY KEY("handoff_id")
);
--> statement-breakpoint
ALTER TABLE "handoff_scorecards" ADD CONSTRAINT "handoff_scorecards_handoff_id_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoffs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
-- The scorecards stored so far move to their table; the handoffs keep their total and band.
INSERT INTO "handoff_scorecards" ("handoff_id", "components", "scored_at")
  SELECT "id", "scorecard", coalesce("edited_at", "sent_at") FROM "handoffs" WHERE "scorecard" IS NOT NULL;--> statement-breakpoint
UPDATE "handoffs" SET "scorecard" = NULL WHERE "scorecard" IS NOT NULL;
