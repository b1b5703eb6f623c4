CREATE TABLE "handoff_followers" (
	"handoff_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"notify" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "handoff_followers_handoff_id_user_id_pk" PRIMARY KEY("handoff_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "handoff_followers" ADD CONSTRAINT "handoff_followers_handoff_id_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoffs"("id") ON DELETE restrict ON UPDATE no action;