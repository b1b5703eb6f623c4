import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, isPostgres, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Who holds a conversation of the outbox, until when. */
export interface OutboxLease {
  channelKey: string;
  holder: string;
  leaseUntil: Date;
}

/**
 * Claims the conversations (outbox channel keys) for `holder` until `until`, in one statement: a conversation no one
 * holds is taken, one whose lease has passed (`lease_until <= now`) is taken over, and one this holder holds already
 * is renewed. Returns the keys this holder now holds; the others stay with the holder whose lease still runs.
 *
 * The keys are claimed in sorted order, each once: two replicas claiming overlapping sets at the same moment take the
 * rows' locks in the same order on Postgres (no deadlock), and a key twice in one upsert is an error there.
 */
export async function claimConversations(
  tx: Tx,
  keys: readonly string[],
  holder: string,
  now: Date,
  until: Date,
): Promise<string[]> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return [];
  const { outboxLeases } = tablesOf(tx);
  const held = await tx
    .insert(outboxLeases)
    .values(sorted.map((channelKey) => ownRow(tx, { channelKey, holder, leaseUntil: until })))
    .onConflictDoUpdate({
      target: [outboxLeases.installationId, outboxLeases.channelKey],
      set: { holder, leaseUntil: until },
      // Taken over when it has passed; renewed when it is this holder's. Another holder's running lease stays.
      setWhere: or(lte(outboxLeases.leaseUntil, now), eq(outboxLeases.holder, holder)),
    })
    .returning({ channelKey: outboxLeases.channelKey });
  return held.map((row) => row.channelKey).sort();
}

/** The leases of these conversations as they are (a conversation no one ever claimed has none). */
export async function conversationLeases(exec: Executor, keys: readonly string[]): Promise<OutboxLease[]> {
  if (keys.length === 0) return [];
  const { outboxLeases } = tablesOf(exec);
  return exec
    .select()
    .from(outboxLeases)
    .where(and(own(exec, outboxLeases), inArray(outboxLeases.channelKey, [...new Set(keys)])))
    .orderBy(outboxLeases.channelKey);
}

/**
 * Gives up this holder's conversations (all of them, or only `keys`) on a clean stop, so another replica takes them
 * at once instead of after the lease. Returns how many were released.
 */
export async function releaseConversations(
  tx: Tx,
  holder: string,
  keys?: readonly string[],
): Promise<number> {
  const { outboxLeases } = tablesOf(tx);
  const mine = eq(outboxLeases.holder, holder);
  if (keys && keys.length === 0) return 0;
  return changed(
    await tx
      .delete(outboxLeases)
      .where(
        and(own(tx, outboxLeases), keys ? and(mine, inArray(outboxLeases.channelKey, [...keys])) : mine),
      ),
  );
}

/**
 * Drops leases that passed before `before`: a passed lease means the same as none (anyone may claim it), and some
 * conversations are used once (an ephemeral's response URL), so without this the table would only grow. Returns how
 * many were dropped. On Postgres, a lease another transaction has locked (a replica claiming it now) is skipped, not
 * waited for: the drop never waits on a claim, so the two cannot deadlock, and what it skips is dropped next time.
 */
export async function dropPassedLeases(tx: Tx, before: Date): Promise<number> {
  const { outboxLeases } = tablesOf(tx);
  const passed = lt(outboxLeases.leaseUntil, before);
  if (!isPostgres(tx))
    return changed(await tx.delete(outboxLeases).where(and(own(tx, outboxLeases), passed)));
  const unlocked = sql`${outboxLeases.channelKey} in (select ${outboxLeases.channelKey} from ${outboxLeases}
    where ${and(own(tx, outboxLeases), passed)} for update skip locked)`;
  return changed(await tx.delete(outboxLeases).where(and(own(tx, outboxLeases), unlocked)));
}
