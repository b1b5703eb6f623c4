CREATE TABLE "job_claims" (
	"job" text NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"holder" text NOT NULL,
	"claimed_at" timestamp (3) with time zone NOT NULL,
	"lease_until" timestamp (3) with time zone NOT NULL,
	"done_at" timestamp (3) with time zone,
	CONSTRAINT "job_claims_job_slot_pk" PRIMARY KEY("job","slot")
);
