import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { forUpdate, isPostgres, jsonListValues, type Tables } from '../engine.js';
import { own } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import type { OutboxRow } from '../schema.js';
import { CHANGE_METHOD, expandPendingChanges } from './changes.js';
import { insertMessages } from './outboxInsert.js';
import type { OutboxMessage } from './outboxRows.js';
import { REFRESH_PREFIX } from './surfaces.js';

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables. A prepared
// query's `all` and `run` (prepared.ts, both engines) are taken by name, so that no SQLite-style call shows here.

export { cancelPendingReminders } from './changes.js';
export type { OutboxMessage, OutboxRow };

/**
 * Adds messages to the outbox; a message whose dedupe key is already there is ignored. Call inside the transaction.
 * Returns how many were added (on Postgres, a key another transaction is adding waits for it, then counts as there).
 * A change of the messages' handoffs still waiting to be expanded (changes.ts) is expanded first, so these rows come
 * after what that change owed, as they would have had it been written row by row.
 */
export async function enqueue(exec: Tx, messages: OutboxMessage[], now: Date): Promise<number> {
  await expandPendingChanges(
    exec,
    messages.map((m) => m.handoffId),
    now,
  );
  return insertMessages(exec, messages, now);
}

/**
 * The next deliverable message of each conversation: pending, due, and with no earlier pending message on the
 * same channel key (so one conversation is delivered strictly in order). `skip` lists conversations that must wait
 * (paced), `skipMethods` the methods a rate limit holds back: leaving them out here keeps a backlog in a few busy
 * conversations, or of one rate-limited method, from hiding every other one. Oldest due first, read in index order
 * (handoffs_status_next_attempt_at_idx), so a large backlog is not sorted on each call.
 */
function dueHeadsQuery(exec: Executor, { outbox }: Tables) {
  return exec
    .select()
    .from(outbox)
    .where(
      and(
        own(exec, outbox),
        eq(outbox.status, 'pending'),
        lte(outbox.nextAttemptAt, sql.placeholder('now')),
        sql`${outbox.channelKey} not in ${jsonListValues('skip', isPostgres(exec))}`,
        sql`${outbox.method} not in ${jsonListValues('skipMethods', isPostgres(exec))}`,
        sql`not exists (select 1 from ${outbox} as earlier where earlier.channel_key = ${outbox.channelKey}
              and earlier.installation_id = ${outbox.installationId} and earlier.status = 'pending' and earlier.id < ${outbox.id})`,
        // A handoff's messages wait while a change of it is not expanded yet (changes.ts): they render its state,
        // which that change's new messages and surfaces are part of. Its own conversation (the changes) goes on.
        sql`not exists (select 1 from ${outbox} as change where change.channel_key = ${sql.raw(`'${REFRESH_PREFIX}'`)} || ${outbox.handoffId}
              and change.installation_id = ${outbox.installationId} and change.status = 'pending' and change.method = ${CHANGE_METHOD}
              and ${outbox.channelKey} <> change.channel_key)`,
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(sql.placeholder('limit'));
}

const { all: dueHeadRows } = preparedQuery('outbox_due_heads', dueHeadsQuery);
// The same, its rows locked on Postgres until the transaction ends, skipping rows another transaction locked (another
// replica claiming them at the same moment). SQLite has one writer at a time and no row locks: the same query.
const { all: lockedDueHeadRows } = preparedQuery('outbox_due_heads_locked', (exec, tables) =>
  forUpdate(exec, dueHeadsQuery(exec, tables), 'update', true),
);

export async function dueHeads(
  exec: Executor,
  now: Date,
  limit: number,
  skip: readonly string[] = [],
  skipMethods: readonly string[] = [],
): Promise<OutboxRow[]> {
  // A placeholder in a where clause is bound as given (drizzle encodes only values it wraps itself): what each engine
  // stores, epoch ms on SQLite, a Date (a timestamptz) on Postgres.
  const at = isPostgres(exec) ? now : now.getTime();
  return dueHeadRows(exec, {
    now: at,
    limit,
    skip: JSON.stringify(skip),
    skipMethods: JSON.stringify(skipMethods),
  });
}

/**
 * `dueHeads`, in the transaction that claims their conversations (outbox/leases.ts): on Postgres the rows are locked
 * until it ends and rows another replica's claim locked are skipped (`FOR UPDATE SKIP LOCKED`), so two replicas
 * looking at the same moment get different conversations instead of waiting for each other.
 */
export async function lockDueHeads(
  tx: Tx,
  now: Date,
  limit: number,
  skip: readonly string[] = [],
  skipMethods: readonly string[] = [],
): Promise<OutboxRow[]> {
  const at = isPostgres(tx) ? now : now.getTime();
  return lockedDueHeadRows(tx, {
    now: at,
    limit,
    skip: JSON.stringify(skip),
    skipMethods: JSON.stringify(skipMethods),
  });
}

const queuedQuery = preparedQuery('outbox_queued_by_dedupe_key', (exec, { outbox }) =>
  exec
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(own(exec, outbox), eq(outbox.dedupeKey, sql.placeholder('dedupeKey')))),
);

/**
 * Whether a message with this key was ever queued (and not yet pruned after `OUTBOX_RETENTION_DAYS`): for a change
 * whose only trace is its message, so that its repeat changes nothing.
 */
export async function isQueued(exec: Executor, dedupeKey: string): Promise<boolean> {
  return (await queuedQuery.first(exec, { dedupeKey })) !== undefined;
}
