CREATE TABLE "internal_channel_sharing" (
	"channel_id" text PRIMARY KEY NOT NULL,
	"shared" boolean NOT NULL,
	"checked_at" timestamp (3) with time zone NOT NULL
);
