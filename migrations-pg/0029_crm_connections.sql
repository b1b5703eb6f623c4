CREATE TABLE "crm_connections" (
	"system" text NOT NULL,
	"sealed" text NOT NULL,
	"connected_by" text NOT NULL,
	"connected_at" timestamp (3) with time zone NOT NULL,
	"installation_id" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "crm_connections_installation_id_system_pk" PRIMARY KEY("installation_id","system")
);
