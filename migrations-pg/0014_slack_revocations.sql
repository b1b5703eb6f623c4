CREATE TABLE "slack_revocations" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"revoked_at" timestamp (3) with time zone NOT NULL
);
