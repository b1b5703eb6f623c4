import { and, gte, lt } from 'drizzle-orm';
import type { MetricEvent } from '../../domain/metrics.js';
import type { Db, Executor } from '../client.js';
import { helpRequests } from '../schema.js';

/** The event types the trust metrics read. */
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
  SELECT (f.first_handoff_id <> e.handoff_id AND f.first_event_id < e.id) OR coalesce(f.second_event_id < e.id, 0)
  FROM first_accepts f WHERE f.ae_user_id = e.ae_user_id AND f.scope = '${scope}' AND f.scope_key = ${key})`;

const METRIC_EVENTS_SQL = `
  SELECT e.id, e.type, e.at, e.handoff_id, e.ae_user_id, e.business_hours, h.partner_key, h.partner_org,
    h.author_user_id, h.classification, h.score,
    CASE WHEN e.type = 'accepted' THEN ${earlier('', "''")} END,
    CASE WHEN e.type = 'accepted' THEN ${earlier('partner', 'h.partner_key')} END,
    CASE WHEN e.type = 'accepted' THEN ${earlier('author', 'h.author_user_id')} END
  FROM handoff_events e INDEXED BY handoff_events_at_idx
  JOIN handoffs h ON h.id = e.handoff_id
  WHERE e.at >= ? AND e.at < ? AND e.type IN (${METRIC_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})`;

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

/**
 * Every metric-relevant event in [from, to), with the handoff's dimensions, streamed in time order: one range scan
 * of the touch log, one lookup of the handoff and of the AE's first accepts per event, nothing held in memory.
 */
export function* metricEvents(db: Db, from: Date, to: Date): Generator<MetricEventRow> {
  const rows = db.$client
    .prepare(METRIC_EVENTS_SQL)
    .raw()
    .iterate(from.getTime(), to.getTime()) as IterableIterator<RawRow>;
  for (const r of rows) {
    yield {
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
    };
  }
}

export interface HelpRequestMetricRow {
  requestedByUserId: string;
  partnerKey: string | null;
  partnerOrg: string | null;
  claimedByUserId: string | null;
}

export function helpRequestsIn(exec: Executor, from: Date, to: Date): HelpRequestMetricRow[] {
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
