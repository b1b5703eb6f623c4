import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../client.js';
import { isPostgres, type Tables } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery, setTo } from '../prepared.js';
import type { OutboxRow, SurfaceKind } from '../schema.js';
import { queueHomes } from './homeViews.js';
import { insertMessages, lockHandoffs } from './outboxInsert.js';
import type { OutboxMessage } from './outboxRows.js';
import { queuedRow } from './queuedRow.js';
import { countSurfaceChange, fanOutRefresh, refreshChannel } from './surfaces.js';

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables.

/**
 * What one change of a handoff owes besides its own rows, written on the request path as one outbox row (a
 * `handoff.change`) and expanded into its rows by the worker (or by the next writer of the handoff's messages, see
 * `expandPendingChanges`). One row instead of one per message, surface and App Home keeps the decision's transaction
 * short: the request path writes 1 outbox row where it wrote 4 rows, 2 surfaces and a refresh intent.
 */
export interface ChangeIntent {
  /** The new messages, in order (a partner thread reply reads before its parent's update). */
  messages: OutboxMessage[];
  /** The handoff's queued reminders and stall nudges are obsolete after this change: cancelled first. */
  cancelReminders: boolean;
  /** Every posted message showing the handoff is brought up to date (after the new messages are queued). */
  refresh: boolean;
  /** The people whose App Home lists the handoff: republished. */
  homes: string[];
  /** Makes the Homes' dedupe keys unique: the touch-log event id. */
  token: string;
}

export const CHANGE_METHOD = 'handoff.change' satisfies OutboxRow['method'];

const { run: insertChange } = preparedQuery('changes_queue', (exec, { outbox }) =>
  exec
    .insert(outbox)
    .values(
      ownRow(exec, {
        ...queuedRow(),
        audience: 'internal',
        method: CHANGE_METHOD,
        handoffId: sql.placeholder('handoffId'),
        payload: sql.placeholder('payload'),
      }),
    )
    .onConflictDoNothing(),
);

/**
 * Queues what a change owes as one row, in the change's transaction (which holds the handoff's row, so on Postgres
 * one handoff's changes draw their ids in commit order). Its conversation is the handoff's refresh conversation
 * (`refresh:<id>`): its changes and refreshes are expanded one after the other, in the order they were made. Keyed
 * by the touch-log event, so one change queues one.
 */
export async function queueChange(
  exec: Tx,
  change: { handoffId: number; eventId: number; at: Date; intent: ChangeIntent },
): Promise<void> {
  await insertChange(exec, {
    dedupeKey: `change:${change.eventId}`,
    channelKey: refreshChannel(change.handoffId),
    handoffId: change.handoffId,
    now: change.at,
    payload: change.intent,
  });
}

const pendingChangesOf = ({ outbox }: Tables) =>
  and(
    eq(outbox.channelKey, sql.placeholder('channelKey')),
    eq(outbox.status, 'pending'),
    eq(outbox.method, CHANGE_METHOD),
  );

// Asked by every change and every queueing of a handoff's messages, nearly always of none: the ids alone first (a
// select of every column costs about three times as much in SQLite even when no row matches).
const { all: pendingChangeIds } = preparedQuery('changes_pending_ids', (exec, tables) =>
  exec
    .select({ id: tables.outbox.id })
    .from(tables.outbox)
    .where(and(own(exec, tables.outbox), pendingChangesOf(tables))),
);

const { all: pendingChangeRows } = preparedQuery('changes_pending_of', (exec, tables) =>
  exec
    .select()
    .from(tables.outbox)
    .where(and(own(exec, tables.outbox), pendingChangesOf(tables)))
    .orderBy(tables.outbox.id),
);

// One mark for both ways a change is expanded: only a change still waiting is, so whoever comes second expands nothing.
const { run: markExpanded } = preparedQuery('changes_mark_expanded', (exec, { outbox }) =>
  exec
    .update(outbox)
    .set({ status: 'delivered', deliveredAt: setTo<Date>('now'), lastError: null })
    .where(and(own(exec, outbox), eq(outbox.id, sql.placeholder('id')), eq(outbox.status, 'pending'))),
);

/**
 * Expands every change of these handoffs still waiting, oldest first, in the caller's transaction. Whoever reads or
 * writes a handoff's messages calls it first (`enqueue`, a lifecycle change, the worker), so the rows of one handoff
 * keep the order of its changes and nothing reads a state its last change has not reached yet. On Postgres the
 * handoffs' rows are locked first: of two transactions expanding the same change, the second finds it expanded.
 * `held`: the caller's transaction updated them already, so holds their locks (a lifecycle change): not asked again.
 */
export async function expandPendingChanges(
  exec: Tx,
  handoffIds: readonly (number | null | undefined)[],
  now: Date,
  { held = false }: { held?: boolean } = {},
): Promise<void> {
  const ids = [...new Set(handoffIds.flatMap((id) => (typeof id === 'number' ? [id] : [])))];
  if (ids.length === 0) return;
  if (isPostgres(exec) && !held) await lockHandoffs(exec, ids);
  // Each handoff's on its own (one index lookup, the common case being one handoff with none waiting).
  for (const id of ids) {
    const channelKey = refreshChannel(id);
    if ((await pendingChangeIds(exec, { channelKey })).length === 0) continue;
    for (const row of await pendingChangeRows(exec, { channelKey })) await expand(exec, row, now);
  }
}

/**
 * The worker's delivery of one change (outbox/kinds/handoffChange.ts): the row it read is the oldest of its handoff's
 * changes still waiting (the head of the handoff's refresh conversation), expanded from what was read, without
 * reading it again. Unless a writer of the handoff's messages expanded it since (`expandPendingChanges`, in a request):
 * then it is no longer waiting, and expands to nothing. The handoff's later changes are that conversation's next heads.
 */
export async function expandChange(exec: Tx, row: OutboxRow): Promise<void> {
  if (row.handoffId === null) return;
  // Locked first, as `expandPendingChanges` does: the two then wait for each other in one order on Postgres.
  if (isPostgres(exec)) await lockHandoffs(exec, [row.handoffId]);
  await expand(exec, row, row.nextAttemptAt);
}

/**
 * One change's rows, due when it was made: queued in the order the change owed them (see `applyTransition`). Marked
 * expanded first, and nothing more if it no longer waited.
 */
async function expand(exec: Tx, row: OutboxRow, now: Date): Promise<void> {
  if ((await markExpanded(exec, { id: row.id, now })) === 0) return;
  const handoffId = row.handoffId;
  const intent = intentOf(row.payload);
  if (handoffId === null || !intent) return;
  const at = row.createdAt;
  if (intent.cancelReminders) await cancelPendingReminders(exec, handoffId);
  if (intent.messages.length > 0) await insertMessages(exec, intent.messages, at);
  if (intent.refresh) {
    await countSurfaceChange(exec, handoffId);
    await fanOutRefresh(exec, handoffId, at);
  }
  await queueHomes(exec, intent.homes, intent.token, at);
}

/** The intent a row carries (written by `queueChange` only): undefined for anything else, which expands to nothing. */
function intentOf(payload: Record<string, unknown>): ChangeIntent | undefined {
  const { messages, cancelReminders, refresh, homes, token } = payload;
  if (!Array.isArray(messages) || !Array.isArray(homes) || typeof token !== 'string') return undefined;
  if (typeof cancelReminders !== 'boolean' || typeof refresh !== 'boolean') return undefined;
  return {
    messages: messages as OutboxMessage[],
    cancelReminders,
    refresh,
    homes: homes.filter((h): h is string => typeof h === 'string'),
    token,
  };
}

/** The surfaces a later change makes obsolete before they are posted: a reminder, a stall nudge. */
const OBSOLETE_ON_CHANGE = ['reminder', 'stall_nudge'] satisfies SurfaceKind[];

// By the kind of surface each post is (surfaces.kind), not by the text of its key: the handoff's reminders and stall
// nudges first (nearly always none: most changes come before the first reminder), then each one's post still waiting.
const { all: obsoleteSurfaceKeys } = preparedQuery('surfaces_obsolete_on_change', (exec, { surfaces }) =>
  exec
    .select({ key: surfaces.key })
    .from(surfaces)
    .where(
      and(
        own(exec, surfaces),
        eq(surfaces.handoffId, sql.placeholder('handoffId')),
        inArray(surfaces.kind, OBSOLETE_ON_CHANGE),
      ),
    ),
);

const { run: cancelPost } = preparedQuery('outbox_cancel_reminder_post', (exec, { outbox }) =>
  exec
    .update(outbox)
    .set({ status: 'cancelled', lastError: 'superseded by a later change' })
    .where(
      and(
        own(exec, outbox),
        eq(outbox.surfaceKey, sql.placeholder('surfaceKey')),
        eq(outbox.status, 'pending'),
        // Its post only: an update of a reminder already sent must still go out (it says what is true now).
        eq(outbox.method, 'chat.postMessage'),
      ),
    ),
);

/**
 * Cancels a handoff's reminders and stall nudges still waiting for delivery: after a change they would ask for
 * something no longer needed. Run when the change is expanded, before its own messages are queued.
 */
export async function cancelPendingReminders(exec: Tx, handoffId: number): Promise<void> {
  for (const { key } of await obsoleteSurfaceKeys(exec, { handoffId }))
    await cancelPost(exec, { surfaceKey: key });
}
