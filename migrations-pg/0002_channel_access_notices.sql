CREATE TABLE "channel_access_notices" (
	"message_key" text PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"reader_user_id" text NOT NULL,
	"handoff_id" integer,
	"told_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_access_notices" ADD CONSTRAINT "channel_access_notices_handoff_id_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoffs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_access_notices_channel_handoff_idx" ON "channel_access_notices" USING btree ("channel_id","handoff_id");