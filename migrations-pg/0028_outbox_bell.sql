-- Issue 56: the outbox rings a bell when rows are queued, so that every process on the database wakes its outbox at
-- once (LISTEN "cosell_outbox", src/db/pg/bell.ts) instead of finding them at its next poll: another replica may hold
-- the conversation, or (several workspaces) be the only one serving the installation. One notification per
-- installation a statement queued for, delivered at commit (none on a rollback), and sent once per transaction
-- whatever the number of statements (Postgres folds identical notifications). The payload is the installation's id,
-- nothing else.
--
-- Not from the app's own connections, which say so (`cosell.bell` = 'app', set when each connects): a commit that
-- notifies takes a lock on the database that every other such commit waits for (Postgres queues notifications in
-- commit order), which put a lock wait in 11% of the samples of the bench's Accepts. The app rings the bell itself
-- after its commits instead, at most once per installation every 100 ms and outside their transactions
-- (bell.ts `ring`). The trigger rings for everyone else: the command-line tools, a script writing the outbox.
CREATE FUNCTION "outbox_bell"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  queued bigint;
BEGIN
  IF current_setting('cosell.bell', true) = 'app' THEN
    RETURN NULL;
  END IF;
  FOR queued IN SELECT DISTINCT "installation_id" FROM "queued_rows" LOOP
    PERFORM pg_notify('cosell_outbox', queued::text);
  END LOOP;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "outbox_bell" AFTER INSERT ON "outbox" REFERENCING NEW TABLE AS "queued_rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_bell"();
