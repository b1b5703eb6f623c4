import { and, eq, inArray, like, max, ne, sql } from 'drizzle-orm';
import type { FollowChoice } from '../../domain/following.js';
import type { Executor, Tx } from '../client.js';
import { changed, first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import type { HandoffFollowerRow } from '../schema.js';

export type { HandoffFollowerRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** This person's follow of the handoff, if they follow it. */
export async function followOf(
  exec: Executor,
  handoffId: number,
  userId: string,
): Promise<HandoffFollowerRow | undefined> {
  const { handoffFollowers: f } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(f)
      .where(and(own(exec, f), eq(f.handoffId, handoffId), eq(f.userId, userId))),
  );
}

/**
 * Who may watch a handoff, in one statement (two round trips on every decision and outcome): everyone who
 * follows it, the earliest first, and the newest entry of its partner's part in the program (`partnerKey`, its
 * partner's id; null: no partner), whose body names the partner's managers (packets/watchers.ts). `partner`:
 * undefined when the program has no such part; its body null when the part was removed.
 */
export interface WatchersRecord {
  followers: Pick<HandoffFollowerRow, 'userId' | 'notify' | 'createdAt'>[];
  partner: { body: unknown } | undefined;
}

export async function watchersRecord(
  exec: Executor,
  handoffId: number,
  partnerKey: string | null,
): Promise<WatchersRecord> {
  const record: WatchersRecord = { followers: [], partner: undefined };
  // No partner: a key no part has (a part's key is its partner's id).
  for (const row of await watchersRows(exec, { handoffId, partnerKey: partnerKey ?? '' })) {
    if (row.userId === null || row.notify === null) record.partner = { body: row.body };
    else record.followers.push({ userId: row.userId, notify: row.notify, createdAt: row.createdAt });
  }
  record.followers.sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  return record;
}

// The program's arm first: its columns decode every arm's (the body's JSON, the timestamp). Each arm is its own
// index's lookup; an arm of a compound select cannot have its own `order by` on SQLite, so the followers are sorted
// above and the partner's newest entry is its part's greatest id.
const { all: watchersRows } = preparedQuery(
  'followers_watchers_record',
  (exec, { handoffFollowers: f, programLog }) => {
    const newest = exec
      .select({ id: max(programLog.id) })
      .from(programLog)
      .where(
        and(
          own(exec, programLog),
          eq(programLog.kind, 'partner'),
          eq(programLog.key, sql.placeholder('partnerKey')),
        ),
      );
    return exec
      .select({
        userId: sql<string | null>`null`,
        notify: sql<FollowChoice | null>`null`,
        createdAt: programLog.at,
        body: programLog.body,
      })
      .from(programLog)
      .where(and(own(exec, programLog), inArray(programLog.id, newest)))
      .unionAll(
        exec
          .select({ userId: f.userId, notify: f.notify, createdAt: f.createdAt, body: sql<unknown>`null` })
          .from(f)
          .where(and(own(exec, f), eq(f.handoffId, sql.placeholder('handoffId')))),
      );
  },
);

/** Follows the handoff, or changes the choice of someone who follows it already (since when stays as it was). */
export async function follow(
  exec: Tx,
  row: { handoffId: number; userId: string; notify: FollowChoice; at: Date },
): Promise<void> {
  const { handoffFollowers: f } = tablesOf(exec);
  await exec
    .insert(f)
    .values(
      ownRow(exec, { handoffId: row.handoffId, userId: row.userId, notify: row.notify, createdAt: row.at }),
    )
    .onConflictDoUpdate({ target: [f.installationId, f.handoffId, f.userId], set: { notify: row.notify } });
}

/** Stops following; whether they followed it. */
export async function unfollow(exec: Tx, handoffId: number, userId: string): Promise<boolean> {
  const { handoffFollowers: f } = tablesOf(exec);
  const deleted = await exec
    .delete(f)
    .where(and(own(exec, f), eq(f.handoffId, handoffId), eq(f.userId, userId)));
  return changed(deleted) > 0;
}

/**
 * The outbox key of a watcher's DM about one touch-log event of a handoff (packets/watchers.ts): one per person and
 * event, so a retry queues it once, and an outcome undone within its window finds its DMs by the prefix.
 */
export const watcherKeyPrefix = (handoffId: number, eventId: number) =>
  `handoff:${handoffId}:e${eventId}:watch:`;

/** The dedupe keys of a handoff's watcher DMs in the outbox whose key starts with `prefix` (`%` for any event). */
async function watcherKeys(
  exec: Executor,
  handoffId: number,
  prefix: string,
  read: boolean,
): Promise<string[]> {
  const { outbox } = tablesOf(exec);
  const rows = await exec
    .select({ dedupeKey: outbox.dedupeKey })
    .from(outbox)
    .where(
      and(
        own(exec, outbox),
        eq(outbox.handoffId, handoffId),
        like(outbox.dedupeKey, `${prefix}%`),
        // A DM cancelled by an undo in time was never read.
        ...(read ? [ne(outbox.status, 'cancelled')] : []),
      ),
    );
  return rows.map((r) => r.dedupeKey);
}

/**
 * The watchers already DMed about a handoff (its watcher DMs still in the outbox, OUTBOX_RETENTION_DAYS after their
 * delivery): their next DM about it says no more why they are told.
 */
export async function watchersToldOf(exec: Executor, handoffId: number): Promise<Set<string>> {
  const keys = await watcherKeys(exec, handoffId, `handoff:${handoffId}:e%:watch:`, true);
  return new Set(keys.map((key) => key.slice(key.lastIndexOf(':watch:') + 7)));
}

/** The keys of the watchers' DMs queued about a touch-log event (to cancel with an undo that comes in time). */
export function watcherKeysOf(exec: Executor, handoffId: number, eventId: number): Promise<string[]> {
  return watcherKeys(exec, handoffId, watcherKeyPrefix(handoffId, eventId), false);
}
