import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { preparedFor, setTo } from '../prepared.js';
import { homeViews, type SurfaceKind, type SurfaceRow, surfaces } from '../schema.js';

export type { SurfaceRow };

/** A surface as its post is queued: what it is about and who reads it. */
export interface SurfaceSpec {
  kind: SurfaceKind;
  /** A DM's reader (their actions are offered); null for a channel. */
  viewer: string | null;
  params: Record<string, unknown>;
}

const insertSurfaceQuery = preparedFor((exec) =>
  exec
    .insert(surfaces)
    .values({
      key: sql.placeholder('key'),
      handoffId: sql.placeholder('handoffId'),
      kind: sql.placeholder('kind'),
      viewerUserId: sql.placeholder('viewer'),
      channelKey: sql.placeholder('channelKey'),
      audience: sql.placeholder('audience'),
      params: sql.placeholder('params'),
      createdAt: sql.placeholder('now'),
    })
    .onConflictDoNothing()
    .prepare(),
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
  insertSurfaceQuery(exec).run({
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

const findSurfaceQuery = preparedFor((exec) =>
  exec
    .select()
    .from(surfaces)
    .where(eq(surfaces.key, sql.placeholder('key')))
    .prepare(),
);

export async function findSurface(exec: Executor, key: string): Promise<SurfaceRow | undefined> {
  return findSurfaceQuery(exec).get({ key });
}

export async function surfacesOf(exec: Executor, handoffId: number): Promise<SurfaceRow[]> {
  return exec.select().from(surfaces).where(eq(surfaces.handoffId, handoffId)).orderBy(surfaces.id).all();
}

/**
 * The handoff changed: every surface of it must show the new state. Counts the change on each surface and queues one
 * refresh of the handoff (a `surfaces.refresh` row, at most one waiting per handoff): the worker fans it out into one
 * `chat.update` per posted surface (`fanOutRefresh`) when it delivers it. One intent per change instead of one row per
 * surface keeps the request path's transaction short (issue 32); updates coalesce either way, since the worker renders
 * the state current when it sends. A surface whose post is still queued renders the new state when it is posted.
 */
export async function requestRefresh(exec: Tx, handoffId: number, now: Date): Promise<void> {
  countChangeQuery(exec).run({ handoffId });
  queueRefresh(exec, handoffId, now);
}

/** The conversation of a handoff's refresh intents (one waiting at a time; its own queue, never paced). */
export const refreshChannel = (handoffId: number) => `refresh:${handoffId}`;

const countChangeQuery = preparedFor((exec) =>
  exec
    .update(surfaces)
    .set({ wanted: sql`${surfaces.wanted} + 1` })
    .where(eq(surfaces.handoffId, sql.placeholder('handoffId')))
    .prepare(),
);

// The dedupe key only has to be unique (the next row id makes it so); the not-exists coalesces waiting intents. The
// SQL text is fixed, so its statement is prepared once (db/client.ts keeps statements by their text).
function queueRefresh(exec: Tx, handoffId: number, now: Date): void {
  const channelKey = refreshChannel(handoffId);
  exec.run(sql`insert into outbox (dedupe_key, channel_key, method, payload, audience, handoff_id, status, attempts,
      next_attempt_at, created_at)
    select ${channelKey} || ':' || (select coalesce(max(id), 0) + 1 from outbox), ${channelKey}, 'surfaces.refresh',
      '{}', 'internal', ${handoffId}, 'pending', 0, ${now.getTime()}, ${now.getTime()}
    where not exists (select 1 from outbox o where o.channel_key = ${channelKey} and o.status = 'pending')`);
}

/**
 * The worker delivers a refresh intent: one waiting `chat.update` for each posted surface of the handoff that has
 * none waiting yet, due when the change was made (`at`, on the clock the rows are scheduled on).
 */
export async function fanOutRefresh(exec: Tx, handoffId: number, at: Date): Promise<void> {
  queueUpdates(exec, sql`s.handoff_id = ${handoffId}`, at);
}

/** One waiting `chat.update` for each posted surface matching `which` that has none waiting yet. */
function queueUpdates(exec: Tx, which: SQL, now: Date): void {
  exec.run(sql`insert into outbox (dedupe_key, channel_key, method, payload, target_message_key, audience,
      handoff_id, status, attempts, next_attempt_at, created_at, surface_key)
    select 'surface:' || s.key || ':v' || s.wanted, s.channel_key, 'chat.update', '{}', s.key, s.audience,
      s.handoff_id, 'pending', 0, ${now.getTime()}, ${now.getTime()}, s.key
    from ${surfaces} s where ${which} and s.posted = 1
      and not exists (select 1 from outbox o where o.surface_key = s.key and o.status = 'pending')
    on conflict do nothing`);
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
  const [row] = surfaceShownQuery(exec).all({ key, version, renderedHash: renderedHash ?? null });
  return { behind: row !== undefined && row.wanted > row.shown };
}

// After every delivery of a surface (the outbox): built once, not per message.
const surfaceShownQuery = preparedFor((exec) =>
  exec
    .update(surfaces)
    .set({
      posted: true,
      shown: sql`max(${surfaces.shown}, ${sql.placeholder('version')})`,
      // No hash given (a post whose answer was lost and found again): the one remembered stays.
      renderedHash: sql`coalesce(${sql.placeholder('renderedHash')}, ${surfaces.renderedHash})`,
    })
    .where(eq(surfaces.key, sql.placeholder('key')))
    .returning({ wanted: surfaces.wanted, shown: surfaces.shown })
    .prepare(),
);

/** Written (with the post's own mark) before a surface's post goes to Slack: what a lost answer's copy shows. */
export async function surfaceAttempted(exec: Tx, key: string, version: number): Promise<void> {
  surfaceAttemptedQuery(exec).run({ key, version });
}

const surfaceAttemptedQuery = preparedFor((exec) =>
  exec
    .update(surfaces)
    .set({ attempted: setTo('version') })
    .where(eq(surfaces.key, sql.placeholder('key')))
    .prepare(),
);

/** The change count a surface's last post attempt showed (0: unknown). */
export async function attemptedVersion(exec: Executor, key: string): Promise<number> {
  return (await findSurface(exec, key))?.attempted ?? 0;
}

/** Queues one update of a posted surface that is behind (none when one is already waiting). */
export async function queueSurfaceUpdate(exec: Tx, key: string, now: Date): Promise<void> {
  queueUpdates(exec, sql`s.key = ${key}`, now);
}

/** The newest surface of these kinds that a person has for a handoff: actions are offered there only. */
export async function newestSurfaceId(
  exec: Executor,
  handoffId: number,
  viewer: string,
  kinds: readonly SurfaceKind[],
): Promise<number | undefined> {
  return newestSurfaceQuery(exec).get({ handoffId, viewer, kinds: JSON.stringify(kinds) })?.id;
}

// Asked at every rendering of an owner's notice or a stall nudge (the outbox): built once, the kinds bound as JSON.
const newestSurfaceQuery = preparedFor((exec) =>
  exec
    .select({ id: surfaces.id })
    .from(surfaces)
    .where(
      and(
        eq(surfaces.handoffId, sql.placeholder('handoffId')),
        eq(surfaces.viewerUserId, sql.placeholder('viewer')),
        sql`${surfaces.kind} in (select value from json_each(${sql.placeholder('kinds')}))`,
        // Posted, or on its way: one whose post was cancelled (a reminder made obsolete) was never seen.
        sql`(${surfaces.posted} = 1 or exists (select 1 from outbox o where o.surface_key = ${surfaces.key}
          and o.status in ('pending', 'dead')))`,
      ),
    )
    .orderBy(desc(surfaces.id))
    .limit(1)
    .prepare(),
);

// App Homes ------------------------------------------------------------------------------------------------------

/** Remembers that a person has their Home open (and the hash of what was published to them). */
export async function recordHomeView(
  exec: Tx,
  row: { userId: string; hash: string | null; period: string | null; metrics: boolean; now: Date },
): Promise<void> {
  exec
    .insert(homeViews)
    .values({
      userId: row.userId,
      hash: row.hash,
      period: row.period,
      metrics: row.metrics,
      openedAt: row.now,
    })
    .onConflictDoUpdate({
      target: homeViews.userId,
      set: {
        hash: row.hash,
        metrics: row.metrics,
        openedAt: row.now,
        ...(row.period ? { period: row.period } : {}),
      },
    })
    .run();
}

/**
 * Someone is opening their Home: from now on, changes it shows are counted (and published after it). Returns how
 * many changes it has been asked to show so far.
 */
export async function homeOpening(exec: Tx, userId: string, metrics: boolean, now: Date): Promise<number> {
  exec.insert(homeViews).values({ userId, hash: null, metrics, openedAt: now }).onConflictDoNothing().run();
  return (await findHomeView(exec, userId))?.wanted ?? 0;
}

export async function findHomeView(exec: Executor, userId: string) {
  return exec.select().from(homeViews).where(eq(homeViews.userId, userId)).get();
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
  const row = exec
    .update(homeViews)
    .set({ hash, ...(version === undefined ? {} : { shown: sql`max(${homeViews.shown}, ${version})` }) })
    .where(eq(homeViews.userId, userId))
    .returning({ wanted: homeViews.wanted, shown: homeViews.shown })
    .all()[0];
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
  const people = JSON.stringify(userIds);
  exec.run(
    sql`update ${homeViews} set wanted = wanted + 1 where user_id in (select value from json_each(${people}))`,
  );
  exec.run(sql`insert into outbox (dedupe_key, channel_key, method, payload, audience, status, attempts,
      next_attempt_at, created_at)
    select 'home:' || hv.user_id || ':' || ${token}, 'home:' || hv.user_id, 'views.publish', '{}', 'internal',
      'pending', 0, ${now.getTime()}, ${now.getTime()}
    from ${homeViews} hv
    where hv.user_id in (select value from json_each(${people}))
      and not exists (select 1 from outbox o where o.channel_key = 'home:' || hv.user_id and o.status = 'pending')
    on conflict do nothing`);
}

/** Queues a republish of every opened Home that shows program metrics (after the figures may have changed). */
export async function queueMetricsHomes(exec: Tx, token: string, now: Date): Promise<number> {
  // Only Homes opened in the last day: each render counts as asking for the figures, which keeps them computed.
  const recent = now.getTime() - 86_400_000;
  exec.run(sql`update ${homeViews} set wanted = wanted + 1 where metrics = 1 and opened_at > ${recent}`);
  return exec.run(sql`insert into outbox (dedupe_key, channel_key, method, payload, audience, status, attempts,
      next_attempt_at, created_at)
    select 'home:' || hv.user_id || ':metrics:' || ${token}, 'home:' || hv.user_id, 'views.publish', '{}',
      'internal', 'pending', 0, ${now.getTime()}, ${now.getTime()}
    from ${homeViews} hv
    where hv.metrics = 1 and hv.opened_at > ${recent}
      and not exists (select 1 from outbox o where o.channel_key = 'home:' || hv.user_id and o.status = 'pending')
    on conflict do nothing`).changes;
}

/** The newest touch-log event id (0 when there is none): whether anything changed since a moment. */
export async function latestEventId(exec: Executor): Promise<number> {
  return exec.get<{ id: number | null }>(sql`select max(id) as id from handoff_events`)?.id ?? 0;
}
