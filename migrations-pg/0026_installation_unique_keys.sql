-- Issue 55: every unique key and primary key but the metric facts' (an event's id, unique across installations)
-- names the installation first, so two installations may have the same channel, partner, person or message key.
ALTER TABLE "drafts" DROP CONSTRAINT "drafts_source_view_id_unique";--> statement-breakpoint
DROP INDEX "outbox_dedupe_key_idx";--> statement-breakpoint
DROP INDEX "surfaces_key_idx";--> statement-breakpoint
DROP INDEX "decisions_handoff_id_assignment_idx";--> statement-breakpoint
DROP INDEX "handoffs_source_view_id_idx";--> statement-breakpoint
DROP INDEX "channel_access_notices_channel_handoff_idx";--> statement-breakpoint
DROP INDEX "help_requests_source_view_id_idx";--> statement-breakpoint
DROP INDEX "outcomes_handoff_id_outcome_idx";--> statement-breakpoint
DROP INDEX "questions_handoff_id_assignment_idx";--> statement-breakpoint
DROP INDEX "partners_key_idx";--> statement-breakpoint
DROP INDEX "registered_resellers_account_key_reseller_key_idx";--> statement-breakpoint
ALTER TABLE "handoff_scorecards" DROP CONSTRAINT "handoff_scorecards_handoff_id_pk";--> statement-breakpoint
ALTER TABLE "handoff_followers" DROP CONSTRAINT "handoff_followers_handoff_id_user_id_pk";--> statement-breakpoint
ALTER TABLE "crm_money" DROP CONSTRAINT "crm_money_handoff_id_pk";--> statement-breakpoint
ALTER TABLE "first_accepts" DROP CONSTRAINT "first_accepts_ae_user_id_scope_scope_key_pk";--> statement-breakpoint
ALTER TABLE "job_claims" DROP CONSTRAINT "job_claims_job_slot_pk";--> statement-breakpoint
ALTER TABLE "chart_files" DROP CONSTRAINT "chart_files_pkey";--> statement-breakpoint
ALTER TABLE "home_views" DROP CONSTRAINT "home_views_pkey";--> statement-breakpoint
ALTER TABLE "outbox_leases" DROP CONSTRAINT "outbox_leases_pkey";--> statement-breakpoint
ALTER TABLE "posted_messages" DROP CONSTRAINT "posted_messages_pkey";--> statement-breakpoint
ALTER TABLE "channel_access_notices" DROP CONSTRAINT "channel_access_notices_pkey";--> statement-breakpoint
ALTER TABLE "crm_currencies" DROP CONSTRAINT "crm_currencies_pkey";--> statement-breakpoint
ALTER TABLE "partner_aliases" DROP CONSTRAINT "partner_aliases_pkey";--> statement-breakpoint
ALTER TABLE "partner_channels" DROP CONSTRAINT "partner_channels_pkey";--> statement-breakpoint
ALTER TABLE "partner_workspaces" DROP CONSTRAINT "partner_workspaces_pkey";--> statement-breakpoint
ALTER TABLE "removed_channels" DROP CONSTRAINT "removed_channels_pkey";--> statement-breakpoint
ALTER TABLE "covers" DROP CONSTRAINT "covers_pkey";--> statement-breakpoint
ALTER TABLE "internal_channel_sharing" DROP CONSTRAINT "internal_channel_sharing_pkey";--> statement-breakpoint
ALTER TABLE "slack_revocations" DROP CONSTRAINT "slack_revocations_pkey";--> statement-breakpoint
ALTER TABLE "chart_files" ADD CONSTRAINT "chart_files_installation_id_content_hash_pk" PRIMARY KEY("installation_id","content_hash");--> statement-breakpoint
ALTER TABLE "home_views" ADD CONSTRAINT "home_views_installation_id_user_id_pk" PRIMARY KEY("installation_id","user_id");--> statement-breakpoint
ALTER TABLE "outbox_leases" ADD CONSTRAINT "outbox_leases_installation_id_channel_key_pk" PRIMARY KEY("installation_id","channel_key");--> statement-breakpoint
ALTER TABLE "posted_messages" ADD CONSTRAINT "posted_messages_installation_id_message_key_pk" PRIMARY KEY("installation_id","message_key");--> statement-breakpoint
ALTER TABLE "handoff_scorecards" ADD CONSTRAINT "handoff_scorecards_installation_id_handoff_id_pk" PRIMARY KEY("installation_id","handoff_id");--> statement-breakpoint
ALTER TABLE "channel_access_notices" ADD CONSTRAINT "channel_access_notices_installation_id_message_key_pk" PRIMARY KEY("installation_id","message_key");--> statement-breakpoint
ALTER TABLE "handoff_followers" ADD CONSTRAINT "handoff_followers_installation_id_handoff_id_user_id_pk" PRIMARY KEY("installation_id","handoff_id","user_id");--> statement-breakpoint
ALTER TABLE "crm_currencies" ADD CONSTRAINT "crm_currencies_installation_id_system_pk" PRIMARY KEY("installation_id","system");--> statement-breakpoint
ALTER TABLE "crm_money" ADD CONSTRAINT "crm_money_installation_id_handoff_id_pk" PRIMARY KEY("installation_id","handoff_id");--> statement-breakpoint
ALTER TABLE "first_accepts" ADD CONSTRAINT "first_accepts_installation_id_ae_user_id_scope_scope_key_pk" PRIMARY KEY("installation_id","ae_user_id","scope","scope_key");--> statement-breakpoint
ALTER TABLE "partner_aliases" ADD CONSTRAINT "partner_aliases_installation_id_alias_key_pk" PRIMARY KEY("installation_id","alias_key");--> statement-breakpoint
ALTER TABLE "partner_channels" ADD CONSTRAINT "partner_channels_installation_id_channel_id_pk" PRIMARY KEY("installation_id","channel_id");--> statement-breakpoint
ALTER TABLE "partner_workspaces" ADD CONSTRAINT "partner_workspaces_installation_id_team_id_pk" PRIMARY KEY("installation_id","team_id");--> statement-breakpoint
ALTER TABLE "removed_channels" ADD CONSTRAINT "removed_channels_installation_id_channel_id_pk" PRIMARY KEY("installation_id","channel_id");--> statement-breakpoint
ALTER TABLE "covers" ADD CONSTRAINT "covers_installation_id_ae_user_id_pk" PRIMARY KEY("installation_id","ae_user_id");--> statement-breakpoint
ALTER TABLE "internal_channel_sharing" ADD CONSTRAINT "internal_channel_sharing_installation_id_channel_id_pk" PRIMARY KEY("installation_id","channel_id");--> statement-breakpoint
ALTER TABLE "job_claims" ADD CONSTRAINT "job_claims_installation_id_job_slot_pk" PRIMARY KEY("installation_id","job","slot");--> statement-breakpoint
ALTER TABLE "slack_revocations" ADD CONSTRAINT "slack_revocations_installation_id_token_hash_pk" PRIMARY KEY("installation_id","token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "drafts_source_view_id_unique" ON "drafts" USING btree ("installation_id","source_view_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_key_idx" ON "outbox" USING btree ("installation_id","dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "surfaces_key_idx" ON "surfaces" USING btree ("installation_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_handoff_id_assignment_idx" ON "decisions" USING btree ("installation_id","handoff_id","assignment");--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_source_view_id_idx" ON "handoffs" USING btree ("installation_id","source_view_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_access_notices_channel_handoff_idx" ON "channel_access_notices" USING btree ("installation_id","channel_id","handoff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "help_requests_source_view_id_idx" ON "help_requests" USING btree ("installation_id","source_view_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outcomes_handoff_id_outcome_idx" ON "outcomes" USING btree ("installation_id","handoff_id","outcome");--> statement-breakpoint
CREATE UNIQUE INDEX "questions_handoff_id_assignment_idx" ON "questions" USING btree ("installation_id","handoff_id","assignment");--> statement-breakpoint
CREATE UNIQUE INDEX "partners_key_idx" ON "partners" USING btree ("installation_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "registered_resellers_account_key_reseller_key_idx" ON "registered_resellers" USING btree ("installation_id","account_key","reseller_key");
--> statement-breakpoint
-- The first accepts' trigger names the new key in its conflict target (0025's function otherwise).
CREATE OR REPLACE FUNCTION "handoff_events_first_accepts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "first_accepts" ("ae_user_id", "scope", "scope_key", "first_event_id", "first_handoff_id",
    "installation_id")
  SELECT NEW."ae_user_id", s."scope", s."scope_key", NEW."id", NEW."handoff_id", NEW."installation_id"
  FROM (
    SELECT '' AS "scope", '' AS "scope_key"
    UNION ALL SELECT 'partner', "partner_key" FROM "handoffs" WHERE "id" = NEW."handoff_id"
    UNION ALL SELECT 'author', "author_user_id" FROM "handoffs" WHERE "id" = NEW."handoff_id"
  ) s
  ON CONFLICT ("installation_id", "ae_user_id", "scope", "scope_key") DO UPDATE SET "second_event_id" = excluded."first_event_id"
    WHERE "first_accepts"."second_event_id" IS NULL AND "first_accepts"."first_handoff_id" <> excluded."first_handoff_id";
  RETURN NULL;
END;
$$;
