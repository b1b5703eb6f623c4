import { and, gte, lt } from 'drizzle-orm';
import type { MetricEvent } from '../../domain/metrics.js';
import type { Db, Executor } from '../client.js';
import { helpRequests } from '../schema.js';

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

/** Whether an accept had an earlier accept of another handoff by the same AE (in a scope): see first_accepts. */
const earlier = (scope: string, key: string) => `(
  SELECT (a.first_handoff_id <> f.handoff_id AND a.first_event_id < f.event_id) OR coalesce(a.second_event_id < f.event_id, 0)
  FROM first_accepts a WHERE a.ae_user_id = f.ae_user_id AND a.scope = '${scope}' AND a.scope_key = ${key})`;

const OUTCOME_TYPES = "('meeting_held', 'opportunity_created', 'won', 'lost')";

/**
 * One batch of a period's metric events, from metric_facts (a contiguous range of narrow rows in time order).
 * Only outcome steps look up their handoff, for its current classification; only accepts look up first_accepts.
 */
const METRIC_EVENTS_SQL = `
  SELECT f.event_id, f.type, f.at, f.handoff_id, f.ae_user_id, f.business_hours, f.partner_key, f.partner_org,
    f.author_user_id,
    CASE WHEN f.type IN ${OUTCOME_TYPES} THEN (SELECT h.classification FROM handoffs h WHERE h.id = f.handoff_id) END,
    f.score,
    CASE WHEN f.type = 'accepted' THEN ${earlier('', "''")} END,
    CASE WHEN f.type = 'accepted' THEN ${earlier('partner', 'f.partner_key')} END,
    CASE WHEN f.type = 'accepted' THEN ${earlier('author', 'f.author_user_id')} END
  FROM metric_facts f
  WHERE f.at >= :afterAt AND f.at < :to AND NOT (f.at = :afterAt AND f.event_id <= :afterId)
  ORDER BY f.at, f.event_id
  LIMIT :limit`;

type RawRow = [
  number,
  MetricEvent['type'],
  number,
  number,
  string,
  number | null,
  string,
  string,
  string,
  MetricEvent['classification'],
  number | null,
  number | null,
  number | null,
  number | null,
];

const toEvent = (r: RawRow): MetricEventRow => ({
  id: r[0],
  type: r[1],
  at: new Date(r[2]),
  handoffId: r[3],
  aeUserId: r[4],
  businessHours: r[5],
  partnerKey: r[6],
  partnerOrg: r[7],
  authorUserId: r[8],
  classification: r[9],
  score: r[10],
  earlierAccept: r[11] === 1,
  earlierAcceptSamePartner: r[12] === 1,
  earlierAcceptSameAuthor: r[13] === 1,
});

/**
 * Every metric-relevant event in [from, to), with the handoff's dimensions, in time order and in batches of at
 * most `batch`: each batch is one short range read of the touch log (an index lookup of the handoff and of the
 * AE's first accepts per event), resumed after the last (at, id) seen. Between batches the caller can let other
 * work run: no statement stays open, so the connection is free for writes in the meantime.
 */
export async function* metricEventBatches(
  db: Db,
  from: Date,
  to: Date,
  batch = 2000,
): AsyncGenerator<MetricEventRow[]> {
  const statement = db.$client.prepare(METRIC_EVENTS_SQL).raw();
  let afterAt = from.getTime();
  let afterId = 0;
  for (;;) {
    const rows = statement.all({
      to: to.getTime(),
      afterAt,
      afterId,
      limit: batch,
    }) as RawRow[];
    if (rows.length === 0) return;
    const last = rows[rows.length - 1] as RawRow;
    afterAt = last[2];
    afterId = last[0];
    yield rows.map(toEvent);
    if (rows.length < batch) return;
  }
}

/** Every metric-relevant event in [from, to), in one go (tests, and small ranges). */
export async function metricEvents(db: Db, from: Date, to: Date): Promise<MetricEventRow[]> {
  const events: MetricEventRow[] = [];
  for await (const batch of metricEventBatches(db, from, to, 10_000)) events.push(...batch);
  return events;
}

export interface HelpRequestMetricRow {
  requestedByUserId: string;
  partnerKey: string | null;
  partnerOrg: string | null;
  claimedByUserId: string | null;
}

export async function helpRequestsIn(exec: Executor, from: Date, to: Date): Promise<HelpRequestMetricRow[]> {
  return exec
    .select({
      requestedByUserId: helpRequests.requestedByUserId,
      partnerKey: helpRequests.partnerKey,
      partnerOrg: helpRequests.partnerOrg,
      claimedByUserId: helpRequests.claimedByUserId,
    })
    .from(helpRequests)
    .where(and(gte(helpRequests.createdAt, from), lt(helpRequests.createdAt, to)))
    .all();
}
