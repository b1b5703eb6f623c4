import { and, asc, eq, like } from 'drizzle-orm';
import type { FollowChoice } from '../../domain/following.js';
import type { Executor, Tx } from '../client.js';
import { changed, first, tablesOf } from '../engine.js';
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
      .where(and(eq(f.handoffId, handoffId), eq(f.userId, userId))),
  );
}

/** Everyone who follows the handoff, the earliest first. */
export async function followersOf(exec: Executor, handoffId: number): Promise<HandoffFollowerRow[]> {
  const { handoffFollowers: f } = tablesOf(exec);
  return exec.select().from(f).where(eq(f.handoffId, handoffId)).orderBy(asc(f.createdAt), asc(f.userId));
}

/** Follows the handoff, or changes the choice of someone who follows it already (since when stays as it was). */
export async function follow(
  exec: Tx,
  row: { handoffId: number; userId: string; notify: FollowChoice; at: Date },
): Promise<void> {
  const { handoffFollowers: f } = tablesOf(exec);
  await exec
    .insert(f)
    .values({ handoffId: row.handoffId, userId: row.userId, notify: row.notify, createdAt: row.at })
    .onConflictDoUpdate({ target: [f.installationId, f.handoffId, f.userId], set: { notify: row.notify } });
}

/** Stops following; whether they followed it. */
export async function unfollow(exec: Tx, handoffId: number, userId: string): Promise<boolean> {
  const { handoffFollowers: f } = tablesOf(exec);
  return changed(await exec.delete(f).where(and(eq(f.handoffId, handoffId), eq(f.userId, userId)))) > 0;
}

/**
 * The outbox key of a watcher's DM about one touch-log event of a handoff (packets/watchers.ts): one per person and
 * event, so a retry queues it once, and an outcome undone within its window finds its DMs by the prefix.
 */
export const watcherKeyPrefix = (handoffId: number, eventId: number) =>
  `handoff:${handoffId}:e${eventId}:watch:`;

/** The keys of the watchers' DMs queued about a touch-log event (to cancel with an undo that comes in time). */
export async function watcherKeysOf(exec: Executor, handoffId: number, eventId: number): Promise<string[]> {
  const { outbox } = tablesOf(exec);
  const rows = await exec
    .select({ dedupeKey: outbox.dedupeKey })
    .from(outbox)
    .where(
      and(
        eq(outbox.handoffId, handoffId),
        like(outbox.dedupeKey, `${watcherKeyPrefix(handoffId, eventId)}%`),
      ),
    );
  return rows.map((r) => r.dedupeKey);
}
