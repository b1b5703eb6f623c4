import { and, eq, gt, max, notExists, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, isPostgres, jsonListValues, type Tables, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import { queuedRow } from './queuedRow.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

// App Homes ------------------------------------------------------------------------------------------------------

/** Remembers that a person has their Home open (and the hash of what was published to them). */
export async function recordHomeView(
  exec: Tx,
  row: { userId: string; hash: string | null; period: string | null; metrics: boolean; now: Date },
): Promise<void> {
  const { homeViews } = tablesOf(exec);
  await exec
    .insert(homeViews)
    .values(
      ownRow(exec, {
        userId: row.userId,
        hash: row.hash,
        period: row.period,
        metrics: row.metrics,
        openedAt: row.now,
      }),
    )
    .onConflictDoUpdate({
      target: [homeViews.installationId, homeViews.userId],
      set: {
        hash: row.hash,
        metrics: row.metrics,
        openedAt: row.now,
        ...(row.period ? { period: row.period } : {}),
      },
    });
}

/**
 * Someone is opening their Home: from now on, changes it shows are counted (and published after it). Returns how
 * many changes it has been asked to show so far.
 */
export async function homeOpening(exec: Tx, userId: string, metrics: boolean, now: Date): Promise<number> {
  const { homeViews } = tablesOf(exec);
  await exec
    .insert(homeViews)
    .values(ownRow(exec, { userId, hash: null, metrics, openedAt: now }))
    .onConflictDoNothing();
  return (await findHomeView(exec, userId))?.wanted ?? 0;
}

export async function findHomeView(exec: Executor, userId: string) {
  const { homeViews } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(homeViews)
      .where(and(own(exec, homeViews), eq(homeViews.userId, userId))),
  );
}

/**
 * Keeps the hash of the view just published (a later publish passes it, so Slack refuses it if it is stale) and, for
 * a republish, the change count it showed; says whether a change came in meanwhile.
 */
export async function rememberHomeHash(
  exec: Tx,
  userId: string,
  hash: string | null,
  version?: number,
): Promise<{ behind: boolean }> {
  const { homeViews } = tablesOf(exec);
  const highest = isPostgres(exec)
    ? sql`greatest(${homeViews.shown}, ${version})`
    : sql`max(${homeViews.shown}, ${version})`;
  const row = await first(
    exec
      .update(homeViews)
      .set({ hash, ...(version === undefined ? {} : { shown: highest }) })
      .where(and(own(exec, homeViews), eq(homeViews.userId, userId)))
      .returning({ wanted: homeViews.wanted, shown: homeViews.shown }),
  );
  return { behind: version !== undefined && row !== undefined && row.wanted > row.shown };
}

/**
 * Queues a republish of the Home of each of these people who has opened it: one waiting publish per person (they
 * coalesce; the worker renders the Home when it sends). `token` makes the dedupe key unique (the touch-log event id).
 */
export async function queueHomes(
  exec: Tx,
  userIds: readonly string[],
  token: string,
  now: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  // Every visible change (an Accept among them) runs these two: prepared, the people bound as one JSON list.
  const people = JSON.stringify([...new Set(userIds)]);
  await countWanted(exec, { people });
  const waiting = await unqueuedOf(exec, { people });
  await insertPublishes(exec, waiting, (userId) => `home:${userId}:${token}`, now);
}

const inPeople = (exec: Executor, { homeViews }: Tables) =>
  sql`${homeViews.userId} in ${jsonListValues('people', isPostgres(exec))}`;

const { run: countWanted } = preparedQuery('home_views_count_wanted', (exec, tables) =>
  exec
    .update(tables.homeViews)
    .set({ wanted: sql`${tables.homeViews.wanted} + 1` })
    .where(and(own(exec, tables.homeViews), inPeople(exec, tables))),
);

const { all: unqueuedOf } = preparedQuery('home_views_unqueued_of', (exec, tables) =>
  unqueuedQuery(exec, tables, inPeople(exec, tables)),
);

/** Queues a republish of every opened Home that shows program metrics (after the figures may have changed). */
export async function queueMetricsHomes(exec: Tx, token: string, now: Date): Promise<number> {
  const { homeViews } = tablesOf(exec);
  // Only Homes opened in the last day: each render counts as asking for the figures, which keeps them computed.
  const recent = and(
    eq(homeViews.metrics, true),
    gt(homeViews.openedAt, new Date(now.getTime() - 86_400_000)),
  );
  await exec
    .update(homeViews)
    .set({ wanted: sql`${homeViews.wanted} + 1` })
    .where(and(own(exec, homeViews), recent));
  return queuePublishes(exec, recent, (userId) => `home:${userId}:metrics:${token}`, now);
}

/** One waiting `views.publish` for each opened Home matching `which` that has none waiting; how many were queued. */
async function queuePublishes(
  exec: Tx,
  which: SQL | undefined,
  dedupeKey: (userId: string) => string,
  now: Date,
): Promise<number> {
  return insertPublishes(exec, await unqueuedQuery(exec, tablesOf(exec), which), dedupeKey, now);
}

/** The opened Homes matching `which` with no publish waiting. */
function unqueuedQuery(exec: Executor, { homeViews, outbox }: Tables, which: SQL | undefined) {
  const channel = sql`'home:' || ${homeViews.userId}`;
  return exec
    .select({ userId: homeViews.userId })
    .from(homeViews)
    .where(
      and(
        own(exec, homeViews),
        which,
        notExists(
          exec
            .select({ one: sql`1` })
            .from(outbox)
            .where(and(own(exec, outbox), eq(outbox.channelKey, channel), eq(outbox.status, 'pending'))),
        ),
      ),
    );
}

// Every visible change queues its Homes' publishes as it is expanded (an Accept among them): prepared, one row each.
const { run: insertPublish } = preparedQuery('home_views_queue_publish', (exec, { outbox }) =>
  exec
    .insert(outbox)
    .values(
      ownRow(exec, {
        ...queuedRow(),
        payload: {},
        audience: 'internal' as const,
        method: 'views.publish',
      }),
    )
    .onConflictDoNothing(),
);

async function insertPublishes(
  exec: Tx,
  people: readonly { userId: string }[],
  dedupeKey: (userId: string) => string,
  now: Date,
): Promise<number> {
  let queued = 0;
  for (const { userId } of people)
    queued += await insertPublish(exec, { now, dedupeKey: dedupeKey(userId), channelKey: `home:${userId}` });
  return queued;
}

/** The newest touch-log event id (0 when there is none): whether anything changed since a moment. */
export async function latestEventId(exec: Executor): Promise<number> {
  const { handoffEvents } = tablesOf(exec);
  const latest = await first(
    exec
      .select({ id: max(handoffEvents.id) })
      .from(handoffEvents)
      .where(own(exec, handoffEvents)),
  );
  return latest?.id ?? 0;
}
