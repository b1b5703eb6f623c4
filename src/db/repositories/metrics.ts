import {
  type AnyColumn,
  and,
  asc,
  eq,
  gte,
  inArray,
  lt,
  lte,
  not,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';
import type { MetricEvent } from '../../domain/metrics.js';
import type { Executor } from '../client.js';
import { isPostgres, type PgExecute, type Tables, tablesOf } from '../engine.js';
import { own } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited. The batches of
// metric events are built with drizzle's builder but read as the driver's plain rows (see metricEventBatches).

/**
 * The touch-log event types the trust metrics read (metric_facts keeps them; an expiry while the AE was away is kept
 * there as `expired_away`, migration 0019).
 */
export const METRIC_EVENT_TYPES = [
  'sent',
  'reassigned',
  'accepted',
  'declined',
  'expired',
  'meeting_held',
  'opportunity_created',
  'won',
  'lost',
] as const;

/** One event as the metrics read it (see domain/metrics.ts), with its id. */
export type MetricEventRow = MetricEvent & { id: number };

/**
 * A column of the outer query, named with its table, for a subquery in the select list: drizzle writes a one-table
 * select's columns there without their table, and inside a subquery such a name would mean the subquery's own
 * column of that name (first_accepts has an ae_user_id too).
 */
const outer = (table: Tables['metricFacts'], column: AnyColumn) =>
  sql`${table}.${sql.identifier(column.name)}`;

/** The bit of each scope of repeat use in a batch row's `earlier` number. */
const EARLIER = { any: 1, partner: 2, author: 4 } as const;

/**
 * 1 if an accept had an earlier accept of another handoff by the same AE in a scope, else 0: first_accepts keeps, per
 * AE and scope, the first accept and the first later accept of another handoff. A missing second accept (null) makes
 * its comparison unknown, so only the first accept can answer then. A number, not a boolean, so that both engines give
 * the same (a boolean comes back as 1/0 from SQLite and true/false from Postgres).
 */
function earlierIn(t: Tables, scope: keyof typeof EARLIER, key: SQL): SQL {
  const { firstAccepts, metricFacts: f } = t;
  const scopeName = scope === 'any' ? '' : scope;
  return sql`(case when exists (select 1 from ${firstAccepts} a
      where a.ae_user_id = ${outer(f, f.aeUserId)} and a.installation_id = ${outer(f, f.installationId)} and a.scope = ${sql.raw(`'${scopeName}'`)} and a.scope_key = ${key}
        and ((a.first_handoff_id <> ${outer(f, f.handoffId)} and a.first_event_id < ${outer(f, f.eventId)})
          or a.second_event_id < ${outer(f, f.eventId)}))
    then ${sql.raw(String(EARLIER[scope]))} else 0 end)`;
}

/**
 * One batch of a period's metric events after (afterAt, afterId), from metric_facts (narrow rows in time order; its
 * primary key is (at, event_id)). Only outcome steps look up their handoff, for its current classification (a RevOps
 * correction can change it after the step); only accepts look up first_accepts, once per scope.
 * The columns are in the order `toEvent` reads them, each with a name of its own (Postgres's rows are keyed by name).
 */
function batchQuery(exec: Executor, range: { afterAt: Date; afterId: number; to: Date }, limit: number) {
  const t = tablesOf(exec);
  const { handoffs, metricFacts: f } = t;
  return exec
    .select({
      id: f.eventId,
      type: f.type,
      at: f.at,
      handoffId: f.handoffId,
      aeUserId: f.aeUserId,
      businessHours: f.businessHours,
      partnerKey: f.partnerKey,
      partnerOrg: f.partnerOrg,
      authorUserId: f.authorUserId,
      score: f.score,
      classification: sql`case when ${f.type} in ('meeting_held', 'opportunity_created', 'won', 'lost')
        then (select h.classification from ${handoffs} h where h.id = ${outer(f, f.handoffId)}) end`.as(
        'classification',
      ),
      earlier: sql`case when ${f.type} <> 'accepted' then 0 else
        ${earlierIn(t, 'any', sql`''`)} + ${earlierIn(t, 'partner', outer(f, f.partnerKey))}
        + ${earlierIn(t, 'author', outer(f, f.authorUserId))} end`.as('earlier'),
    })
    .from(f)
    .where(
      and(
        own(exec, f),
        gte(f.at, range.afterAt),
        lt(f.at, range.to),
        not(and(eq(f.at, range.afterAt), lte(f.eventId, range.afterId)) as SQL),
      ),
    )
    .orderBy(asc(f.at), asc(f.eventId))
    .limit(limit);
}

/**
 * A query's rows as the driver gives them, each an array in the order of the select. Postgres's rows are objects whose
 * keys are in that order (each column has a name of its own), as they are read from the wire.
 */
async function plainRows(exec: Executor, query: SQLWrapper): Promise<unknown[][]> {
  if (!isPostgres(exec)) return exec.values(query);
  const { rows } = await (exec as unknown as PgExecute).execute(query);
  return rows.map((row) => Object.values(row));
}

/** A batch row as a metric event: its time through the engine's own column (milliseconds on SQLite, text on Postgres). */
function toEvent(at: Tables['metricFacts']['at'], r: unknown[]): MetricEventRow {
  const earlier = Number(r[11]);
  return {
    id: r[0] as number,
    type: r[1] as MetricEvent['type'],
    at: at.mapFromDriverValue(r[2] as number) as Date,
    handoffId: r[3] as number,
    aeUserId: r[4] as string,
    businessHours: r[5] as number | null,
    partnerKey: r[6] as string,
    partnerOrg: r[7] as string,
    authorUserId: r[8] as string,
    score: r[9] as number | null,
    classification: r[10] as MetricEvent['classification'],
    earlierAccept: (earlier & EARLIER.any) !== 0,
    earlierAcceptSamePartner: (earlier & EARLIER.partner) !== 0,
    earlierAcceptSameAuthor: (earlier & EARLIER.author) !== 0,
  };
}

/**
 * Every metric-relevant event in [from, to), with the handoff's dimensions, in time order and in batches of at
 * most `batch`: each batch is one short range read of metric_facts (an index lookup of the handoff and of the AE's
 * first accepts per event), resumed after the last (at, id) seen. Between batches the caller can let other work run:
 * each batch is a query of its own that has ended, so no statement stays open (SQLite's connection is free for
 * writes, Postgres's client is back in the pool).
 *
 * The query is drizzle's, but its rows are read plain and turned into events here: drizzle's mapping of each value
 * (a few type checks per column per row) cost more than the engine's own work, over the hundreds of thousands of
 * events of a long period.
 */
export async function* metricEventBatches(
  exec: Executor,
  from: Date,
  to: Date,
  batch = 2000,
): AsyncGenerator<MetricEventRow[]> {
  const { at } = tablesOf(exec).metricFacts;
  const range = { afterAt: from, afterId: 0, to };
  for (;;) {
    const events = (await plainRows(exec, batchQuery(exec, range, batch))).map((r) => toEvent(at, r));
    const last = events[events.length - 1];
    if (last === undefined) return;
    range.afterAt = last.at;
    range.afterId = last.id;
    yield events;
    if (events.length < batch) return;
  }
}

/** Every metric-relevant event in [from, to), in one go (tests, and small ranges). */
export async function metricEvents(exec: Executor, from: Date, to: Date): Promise<MetricEventRow[]> {
  const events: MetricEventRow[] = [];
  for await (const batch of metricEventBatches(exec, from, to, 10_000)) events.push(...batch);
  return events;
}

export interface HelpRequestMetricRow {
  requestedByUserId: string;
  partnerKey: string | null;
  partnerOrg: string | null;
  claimedByUserId: string | null;
}

/** The requests for partner help made in [from, to) (help_requests_created_at_idx). */
export async function helpRequestsIn(exec: Executor, from: Date, to: Date): Promise<HelpRequestMetricRow[]> {
  const { helpRequests } = tablesOf(exec);
  return exec
    .select({
      requestedByUserId: helpRequests.requestedByUserId,
      partnerKey: helpRequests.partnerKey,
      partnerOrg: helpRequests.partnerOrg,
      claimedByUserId: helpRequests.claimedByUserId,
    })
    .from(helpRequests)
    .where(and(own(exec, helpRequests), gte(helpRequests.createdAt, from), lt(helpRequests.createdAt, to)));
}

/** What the metrics read of a handoff whose first step was done: the step's latest date and the AE's zone. */
export interface FirstStepFact {
  handoffId: number;
  /** YYYY-MM-DD in the AE's calendar: the latest date the step was given. */
  firstStepDue: string | null;
  aeTimeZone: string;
  stepNewDates: number;
}

/**
 * The first steps of these handoffs, by their primary key: a batch of metric events asks only for the handoffs of its
 * outcome steps that were a first step done (those recorded with business hours since the accept, few per batch).
 */
export async function firstStepsOf(exec: Executor, handoffIds: readonly number[]): Promise<FirstStepFact[]> {
  if (handoffIds.length === 0) return [];
  const { handoffs } = tablesOf(exec);
  return exec
    .select({
      handoffId: handoffs.id,
      firstStepDue: handoffs.firstStepDue,
      aeTimeZone: handoffs.aeTimeZone,
      stepNewDates: handoffs.stepNewDates,
    })
    .from(handoffs)
    .where(and(own(exec, handoffs), inArray(handoffs.id, [...new Set(handoffIds)])));
}

/**
 * The deals taken back from the AE who accepted them in [from, to), as metric events in time order: by the
 * escalation policy after their first step went quiet (`taken_back`), or handed back by the AE (`handed_back`). Read
 * from the touch log by type (handoff_events_type_at_idx; take-backs are rare), with the handoff's partner and author
 * as metric_facts copies them: the partner's directory name, else the name typed.
 */
export async function takeBackEvents(exec: Executor, from: Date, to: Date): Promise<MetricEventRow[]> {
  const { handoffEvents: e, handoffs: h, partners: p } = tablesOf(exec);
  const rows = await exec
    .select({
      id: e.id,
      type: e.type,
      at: e.at,
      handoffId: e.handoffId,
      aeUserId: e.aeUserId,
      partnerKey: h.partnerKey,
      partnerOrg: sql<string>`coalesce(${p.name}, ${h.partnerOrg})`,
      authorUserId: h.authorUserId,
    })
    .from(e)
    .innerJoin(h, and(eq(h.id, e.handoffId), own(exec, h)))
    .leftJoin(p, and(eq(p.id, h.partnerId), own(exec, p)))
    .where(and(own(exec, e), inArray(e.type, ['taken_back', 'handed_back']), gte(e.at, from), lt(e.at, to)))
    .orderBy(asc(e.at), asc(e.id));
  return rows.map((r) => ({
    ...r,
    type: r.type as 'taken_back' | 'handed_back',
    businessHours: null,
    score: null,
    classification: null,
    earlierAccept: false,
    earlierAcceptSamePartner: false,
    earlierAcceptSameAuthor: false,
  }));
}
