-- Issue 56: the planner keeps no statistics of the outbox's status. A queue's statuses change by the second: the
-- statistics of the last ANALYZE (taken when nothing waited, autovacuum's next one 10% of the table away) said no
-- row was pending, so a backlog's lookups of one conversation's waiting rows chose the status index and read every
-- waiting row (1.2 ms each with 8,000 waiting, where the conversation's index reads none). Without statistics an
-- equality on the status is estimated at Postgres's default (one row in 200), and the conversation's index wins
-- whatever waits. The type change to the same type drops the statistics already collected (the table is not
-- rewritten); SET STATISTICS 0 keeps ANALYZE from collecting them again.
ALTER TABLE "outbox" ALTER COLUMN "status" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "status" TYPE text;
