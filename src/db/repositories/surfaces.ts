import { and, desc, eq, max, notExists, or, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { isPostgres, type Tables, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery, setTo } from '../prepared.js';
import type { SurfaceKind, SurfaceRow } from '../schema.js';
import { queuedRow } from './queuedRow.js';

export type { SurfaceRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** A surface as its post is queued: what it is about and who reads it. */
export interface SurfaceSpec {
  kind: SurfaceKind;
  /** A DM's reader (their actions are offered); null for a channel. */
  viewer: string | null;
  params: Record<string, unknown>;
}

const { run: insertSurfaceRow } = preparedQuery('surfaces_insert', (exec, { surfaces }) =>
  exec
    .insert(surfaces)
    .values(
      ownRow(exec, {
        key: sql.placeholder('key'),
        handoffId: sql.placeholder('handoffId'),
        kind: sql.placeholder('kind'),
        viewerUserId: sql.placeholder('viewer'),
        channelKey: sql.placeholder('channelKey'),
        audience: sql.placeholder('audience'),
        params: sql.placeholder('params'),
        createdAt: sql.placeholder('now'),
      }),
    )
    .onConflictDoNothing(),
);

/** Records a surface whose post is being queued (in the same transaction). */
export async function insertSurface(
  exec: Tx,
  row: {
    key: string;
    handoffId: number;
    spec: SurfaceSpec;
    channelKey: string;
    audience: 'internal' | 'partner';
    now: Date;
  },
): Promise<void> {
  await insertSurfaceRow(exec, {
    key: row.key,
    handoffId: row.handoffId,
    kind: row.spec.kind,
    viewer: row.spec.viewer,
    channelKey: row.channelKey,
    audience: row.audience,
    params: row.spec.params,
    now: row.now,
  });
}

const findSurfaceQuery = preparedQuery('surfaces_by_key', (exec, { surfaces }) =>
  exec
    .select()
    .from(surfaces)
    .where(and(own(exec, surfaces), eq(surfaces.key, sql.placeholder('key')))),
);

export async function findSurface(exec: Executor, key: string): Promise<SurfaceRow | undefined> {
  return findSurfaceQuery.first(exec, { key });
}

export async function surfacesOf(exec: Executor, handoffId: number): Promise<SurfaceRow[]> {
  const { surfaces } = tablesOf(exec);
  return exec
    .select()
    .from(surfaces)
    .where(and(own(exec, surfaces), eq(surfaces.handoffId, handoffId)))
    .orderBy(surfaces.id);
}

/**
 * The handoff changed: every surface of it must show the new state. Counts the change on each surface and queues one
 * refresh of the handoff (a `surfaces.refresh` row, at most one waiting per handoff): the worker fans it out into one
 * `chat.update` per posted surface (`fanOutRefresh`) when it delivers it. One intent per change instead of one row per
 * surface keeps the request path's transaction short; updates coalesce either way, since the worker renders
 * the state current when it sends. A surface whose post is still queued renders the new state when it is posted.
 */
export async function requestRefresh(exec: Tx, handoffId: number, now: Date): Promise<void> {
  await countChange(exec, { handoffId });
  await queueRefresh(exec, handoffId, now);
}

/** The conversation of a handoff's refresh intents (one waiting at a time; its own queue, never paced). */
export const REFRESH_PREFIX = 'refresh:';
export const refreshChannel = (handoffId: number) => `${REFRESH_PREFIX}${handoffId}`;

/** Counts a change on every surface of the handoff (their `wanted`), as a change is expanded (changes.ts). */
export async function countSurfaceChange(exec: Tx, handoffId: number): Promise<void> {
  await countChange(exec, { handoffId });
}

const { run: countChange } = preparedQuery('surfaces_count_change', (exec, { surfaces }) =>
  exec
    .update(surfaces)
    .set({ wanted: sql`${surfaces.wanted} + 1` })
    .where(and(own(exec, surfaces), eq(surfaces.handoffId, sql.placeholder('handoffId')))),
);

// The next row id and whether an intent already waits on the handoff's channel: read once, prepared.
const refreshStateQuery = preparedQuery('surfaces_refresh_state', (exec, { outbox }) =>
  exec
    .select({
      top: max(outbox.id),
      // A waiting refresh: a change waiting in the same conversation carries its own messages and is not one.
      waiting:
        sql<number>`(select count(*) from ${outbox} o where o.channel_key = ${sql.placeholder('channelKey')}
        and o.installation_id = ${sql.placeholder('installationId')} and o.status = 'pending' and o.method = ${sql.placeholder('method')})`.mapWith(
          Number,
        ),
    })
    .from(outbox)
    .where(own(exec, outbox)),
);

// The dedupe key only has to be unique (the next row id makes it so); an intent already waiting coalesces this one. On
// Postgres two transactions of one handoff could read the same next id if neither held the handoff's row: the second
// intent is then the first's twin, and is dropped instead of failing its transaction.
async function queueRefresh(exec: Tx, handoffId: number, now: Date): Promise<void> {
  const channelKey = refreshChannel(handoffId);
  const state = await refreshStateQuery.first(exec, { channelKey, method: 'surfaces.refresh' });
  if ((state?.waiting ?? 0) > 0) return;
  await insertRefresh(exec, {
    dedupeKey: `${channelKey}:${(state?.top ?? 0) + 1}`,
    channelKey,
    handoffId,
    now,
  });
}

// Every visible change queues one (an Accept among them): prepared.
const { run: insertRefresh } = preparedQuery('surfaces_queue_refresh', (exec, { outbox }) =>
  exec
    .insert(outbox)
    .values(
      ownRow(exec, {
        ...queuedRow(),
        payload: {},
        audience: 'internal',
        method: 'surfaces.refresh',
        handoffId: sql.placeholder('handoffId'),
      }),
    )
    .onConflictDoNothing(),
);

/**
 * The worker delivers a refresh intent: one waiting `chat.update` for each posted surface of the handoff that has
 * none waiting yet, due when the change was made (`at`, on the clock the rows are scheduled on).
 */
export async function fanOutRefresh(exec: Tx, handoffId: number, at: Date): Promise<void> {
  await queueUpdates(exec, { handoffId }, at);
}

/** The posted surfaces matching `which` with no update waiting. */
function behindQuery(exec: Executor, { outbox, surfaces }: Tables, which: SQL) {
  return exec
    .select({
      key: surfaces.key,
      wanted: surfaces.wanted,
      channelKey: surfaces.channelKey,
      audience: surfaces.audience,
      handoffId: surfaces.handoffId,
    })
    .from(surfaces)
    .where(
      and(
        own(exec, surfaces),
        which,
        eq(surfaces.posted, true),
        notExists(
          exec
            .select({ one: sql`1` })
            .from(outbox)
            .where(and(own(exec, outbox), eq(outbox.surfaceKey, surfaces.key), eq(outbox.status, 'pending'))),
        ),
      ),
    );
}

// Every visible change runs the first when it is expanded (an Accept among them): prepared, as the insert below.
const BEHIND = {
  handoff: preparedQuery('surfaces_behind_of_handoff', (exec, tables) =>
    behindQuery(exec, tables, eq(tables.surfaces.handoffId, sql.placeholder('handoffId'))),
  ),
  key: preparedQuery('surfaces_behind_of_key', (exec, tables) =>
    behindQuery(exec, tables, eq(tables.surfaces.key, sql.placeholder('key'))),
  ),
};

const { run: insertUpdate } = preparedQuery('surfaces_queue_update', (exec, { outbox }) =>
  exec
    .insert(outbox)
    .values(
      ownRow(exec, {
        ...queuedRow(),
        payload: {},
        method: 'chat.update',
        targetMessageKey: sql.placeholder('surfaceKey'),
        audience: sql.placeholder('audience'),
        handoffId: sql.placeholder('handoffId'),
        surfaceKey: sql.placeholder('surfaceKey'),
      }),
    )
    .onConflictDoNothing(),
);

/** One waiting `chat.update` for each posted surface of a handoff, or the surface `key`, that has none waiting yet. */
async function queueUpdates(
  exec: Tx,
  which: { handoffId: number } | { key: string },
  now: Date,
): Promise<void> {
  const behind = await ('key' in which ? BEHIND.key : BEHIND.handoff).all(exec, which);
  for (const s of behind)
    await insertUpdate(exec, {
      now,
      dedupeKey: `surface:${s.key}:v${s.wanted}`,
      channelKey: s.channelKey,
      surfaceKey: s.key,
      audience: s.audience,
      handoffId: s.handoffId,
    });
}

/**
 * After the worker delivered surface `key` rendered at change count `version`: remember it, and when a change came in
 * meanwhile, say so (the caller keeps or queues an update).
 */
export async function surfaceShown(
  exec: Tx,
  key: string,
  version: number,
  renderedHash?: string,
): Promise<{ behind: boolean }> {
  const row = await surfaceShownQuery.first(exec, { key, version, renderedHash: renderedHash ?? null });
  return { behind: row !== undefined && row.wanted > row.shown };
}

// After every delivery of a surface (the outbox): built once, not per message.
const surfaceShownQuery = preparedQuery('surfaces_shown', (exec, { surfaces }) =>
  exec
    .update(surfaces)
    .set({
      posted: true,
      shown: isPostgres(exec)
        ? sql`greatest(${surfaces.shown}, ${sql.placeholder('version')})`
        : sql`max(${surfaces.shown}, ${sql.placeholder('version')})`,
      // No hash given (a post whose answer was lost and found again): the one remembered stays.
      renderedHash: sql`coalesce(${sql.placeholder('renderedHash')}, ${surfaces.renderedHash})`,
    })
    .where(and(own(exec, surfaces), eq(surfaces.key, sql.placeholder('key'))))
    .returning({ wanted: surfaces.wanted, shown: surfaces.shown }),
);

/** Written (with the post's own mark) before a surface's post goes to Slack: what a lost answer's copy shows. */
export async function surfaceAttempted(exec: Tx, key: string, version: number): Promise<void> {
  await markAttempted(exec, { key, version });
}

const { run: markAttempted } = preparedQuery('surfaces_attempted', (exec, { surfaces }) =>
  exec
    .update(surfaces)
    .set({ attempted: setTo('version') })
    .where(and(own(exec, surfaces), eq(surfaces.key, sql.placeholder('key')))),
);

/** The change count a surface's last post attempt showed (0: unknown). */
export async function attemptedVersion(exec: Executor, key: string): Promise<number> {
  return (await findSurface(exec, key))?.attempted ?? 0;
}

/** Queues one update of a posted surface that is behind (none when one is already waiting). */
export async function queueSurfaceUpdate(exec: Tx, key: string, now: Date): Promise<void> {
  await queueUpdates(exec, { key }, now);
}

/** The newest surface of these kinds that a person has for a handoff: actions are offered there only. */
export async function newestSurfaceId(
  exec: Executor,
  handoffId: number,
  viewer: string,
  kinds: readonly SurfaceKind[],
): Promise<number | undefined> {
  return (await newestSurfaceQuery.first(exec, { handoffId, viewer, kinds: JSON.stringify(kinds) }))?.id;
}

// Asked at every rendering of an owner's notice or a stall nudge (the outbox): built once, the kinds bound as JSON.
const newestSurfaceQuery = preparedQuery('surfaces_newest_of_kinds', (exec, { surfaces }) =>
  exec
    .select({ id: surfaces.id })
    .from(surfaces)
    .where(
      and(
        own(exec, surfaces),
        eq(surfaces.handoffId, sql.placeholder('handoffId')),
        eq(surfaces.viewerUserId, sql.placeholder('viewer')),
        isPostgres(exec)
          ? sql`${surfaces.kind} in (select jsonb_array_elements_text(${sql.placeholder('kinds')}::jsonb))`
          : sql`${surfaces.kind} in (select value from json_each(${sql.placeholder('kinds')}))`,
        // Posted, or on its way: one whose post was cancelled (a reminder made obsolete) was never seen.
        or(
          eq(surfaces.posted, true),
          sql`exists (select 1 from outbox o where o.surface_key = ${surfaces.key}
          and o.installation_id = ${surfaces.installationId} and o.status in ('pending', 'dead'))`,
        ),
      ),
    )
    .orderBy(desc(surfaces.id))
    .limit(1),
);
