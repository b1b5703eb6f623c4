ALTER TABLE "installations" ADD COLUMN "data_deleted_at" timestamp (3) with time zone;--> statement-breakpoint
-- The touch log stays append-only (0001, 0031), with one exception (issue 57; SQLite 0053): the rows of an installation
-- whose data is being deleted after its uninstall (its "data_deleted_at" set, in the same transaction) may be deleted.
-- TRUNCATE stays refused.
CREATE FUNCTION "handoff_events_delete_only_uninstalled"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "installations" WHERE "id" = OLD."installation_id" AND "data_deleted_at" IS NOT NULL) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'handoff_events is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
DROP TRIGGER "handoff_events_no_delete" ON "handoff_events";--> statement-breakpoint
CREATE TRIGGER "handoff_events_no_delete" BEFORE DELETE ON "handoff_events"
  FOR EACH ROW EXECUTE FUNCTION "handoff_events_delete_only_uninstalled"();
