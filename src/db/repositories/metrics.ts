import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { MetricEvent } from '../../domain/metrics.js';
import type { Executor } from '../client.js';
import { handoffEvents, handoffs, helpRequests } from '../schema.js';

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

/** Every metric-relevant event in [from, to), with the handoff's dimensions. One indexed range scan. */
export function metricEvents(exec: Executor, from: Date, to: Date): MetricEventRow[] {
  const earlier = (extra: ReturnType<typeof sql>) => sql<number>`exists (
      select 1 from ${handoffEvents} p join ${handoffs} ph on ph.id = p.handoff_id
      where p.ae_user_id = ${handoffEvents.aeUserId} and p.type = 'accepted' and p.id < ${handoffEvents.id}
        and p.handoff_id <> ${handoffEvents.handoffId} ${extra})`;
  const accepted = sql`${handoffEvents.type} = 'accepted'`;
  const rows = exec
    .select({
      id: handoffEvents.id,
      type: handoffEvents.type,
      at: handoffEvents.at,
      handoffId: handoffEvents.handoffId,
      aeUserId: handoffEvents.aeUserId,
      businessHours: handoffEvents.businessHours,
      partnerKey: handoffs.partnerKey,
      partnerOrg: handoffs.partnerOrg,
      authorUserId: handoffs.authorUserId,
      classification: handoffs.classification,
      score: handoffs.score,
      earlierAccept: sql<number>`case when ${accepted} then ${earlier(sql``)} else 0 end`,
      earlierAcceptSamePartner: sql<number>`case when ${accepted} then ${earlier(sql`and ph.partner_key = ${handoffs.partnerKey}`)} else 0 end`,
      earlierAcceptSameAuthor: sql<number>`case when ${accepted} then ${earlier(sql`and ph.author_user_id = ${handoffs.authorUserId}`)} else 0 end`,
    })
    .from(handoffEvents)
    .innerJoin(handoffs, eq(handoffs.id, handoffEvents.handoffId))
    .where(
      and(
        gte(handoffEvents.at, from),
        lt(handoffEvents.at, to),
        inArray(handoffEvents.type, [...METRIC_EVENT_TYPES]),
      ),
    )
    .orderBy(handoffEvents.id)
    .all();
  return rows.map((r) => ({
    ...(r as Omit<MetricEventRow, 'earlierAccept' | 'earlierAcceptSamePartner' | 'earlierAcceptSameAuthor'>),
    type: r.type as MetricEventRow['type'],
    earlierAccept: Boolean(r.earlierAccept),
    earlierAcceptSamePartner: Boolean(r.earlierAcceptSamePartner),
    earlierAcceptSameAuthor: Boolean(r.earlierAcceptSameAuthor),
  }));
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
