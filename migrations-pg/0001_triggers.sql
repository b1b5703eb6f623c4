-- Hand-written (drizzle-kit does not track triggers): what SQLite's migrations add by hand and the app relies on, as
-- plpgsql. Each is the latest SQLite version of it; the SQLite migration that defines it is named above it.
--
-- The touch log is append-only: nothing rewrites or removes history (SQLite 0004). Postgres's TRUNCATE skips row
-- triggers, so it is refused too (SQLite has no TRUNCATE). The message is SQLite's, which tests match.
CREATE FUNCTION "handoff_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'handoff_events is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "handoff_events_no_update" BEFORE UPDATE ON "handoff_events"
  FOR EACH ROW EXECUTE FUNCTION "handoff_events_append_only"();
--> statement-breakpoint
CREATE TRIGGER "handoff_events_no_delete" BEFORE DELETE ON "handoff_events"
  FOR EACH ROW EXECUTE FUNCTION "handoff_events_append_only"();
--> statement-breakpoint
CREATE TRIGGER "handoff_events_no_truncate" BEFORE TRUNCATE ON "handoff_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "handoff_events_append_only"();
--> statement-breakpoint
-- Each AE's first accept overall, per partner and per author, and the first later accept of another handoff
-- (SQLite 0006; see firstAccepts in src/db/schema.ts).
CREATE FUNCTION "handoff_events_first_accepts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "first_accepts" ("ae_user_id", "scope", "scope_key", "first_event_id", "first_handoff_id")
  SELECT NEW."ae_user_id", s."scope", s."scope_key", NEW."id", NEW."handoff_id"
  FROM (
    SELECT '' AS "scope", '' AS "scope_key"
    UNION ALL SELECT 'partner', "partner_key" FROM "handoffs" WHERE "id" = NEW."handoff_id"
    UNION ALL SELECT 'author', "author_user_id" FROM "handoffs" WHERE "id" = NEW."handoff_id"
  ) s
  ON CONFLICT ("ae_user_id", "scope", "scope_key") DO UPDATE SET "second_event_id" = excluded."first_event_id"
    WHERE "first_accepts"."second_event_id" IS NULL AND "first_accepts"."first_handoff_id" <> excluded."first_handoff_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "handoff_events_first_accepts" AFTER INSERT ON "handoff_events"
  FOR EACH ROW WHEN (NEW."type" = 'accepted') EXECUTE FUNCTION "handoff_events_first_accepts"();
--> statement-breakpoint
-- One narrow row per metric event, with the handoff's partner (as the directory names it), author and score
-- (SQLite 0009, 0010, 0019). An expiry while the AE was known to be away ("away" in its detail, not JSON null: what
-- SQLite's json_extract(detail, '$.away') IS NOT NULL tests) is kept as 'expired_away'.
CREATE FUNCTION "handoff_events_metric_facts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "metric_facts" ("at", "event_id", "type", "handoff_id", "ae_user_id", "business_hours", "partner_key",
    "partner_org", "author_user_id", "score")
  SELECT NEW."at", NEW."id",
    CASE WHEN NEW."type" = 'expired' AND NULLIF(NEW."detail" -> 'away', 'null'::jsonb) IS NOT NULL
      THEN 'expired_away' ELSE NEW."type" END,
    NEW."handoff_id", NEW."ae_user_id", NEW."business_hours", h."partner_key",
    COALESCE(p."name", h."partner_org"), h."author_user_id", h."score"
  FROM "handoffs" h LEFT JOIN "partners" p ON p."id" = h."partner_id" WHERE h."id" = NEW."handoff_id";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "handoff_events_metric_facts" AFTER INSERT ON "handoff_events"
  FOR EACH ROW WHEN (NEW."type" IN ('sent', 'reassigned', 'accepted', 'declined', 'expired', 'meeting_held',
    'opportunity_created', 'won', 'lost'))
  EXECUTE FUNCTION "handoff_events_metric_facts"();
