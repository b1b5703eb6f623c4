import { sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { decisions, handoffEvents, handoffs, outcomes } from '../schema.js';

/** One handoff of the touch-log export (services/exportCsv.ts turns it into a CSV row). */
export interface ExportRow {
  id: number;
  sentAt: number;
  status: string;
  accountName: string;
  crmOpportunity: string | null;
  partnerOrg: string;
  partnerContactName: string;
  authorUserId: string;
  ownerUserId: string;
  aeUserId: string;
  aeName: string;
  classification: string | null;
  classificationReason: string | null;
  evidenceUrl: string | null;
  score: number | null;
  scoreBand: string | null;
  decision: string | null;
  decidedAt: number | null;
  decidedBy: string | null;
  declineReason: string | null;
  businessHours: number | null;
  dueAt: number;
  expiredAt: number | null;
  /** The latest expiry's touch-log detail (JSON): says whether the AE was known to be away. */
  expiryDetail: string | null;
  assignment: number;
  withdrawnAt: number | null;
  reminders: number;
  reassignments: number;
  extensions: number;
  outcome: string | null;
  outcomeAt: number | null;
  outcomeOpportunity: string | null;
  lostReason: string | null;
  /** Declines by any AE of the handoff (a reassignment after a decline keeps it here), and the latest one's reason. */
  declines: number;
  latestDeclineReason: string | null;
}

/** How many handoffs were sent in [since, until) (handoffs_sent_at_idx). */
export async function countSent(exec: Executor, range: { since: Date; until: Date }): Promise<number> {
  return (
    exec.get<{ n: number }>(
      sql`select count(*) as n from ${handoffs} where sent_at >= ${range.since.getTime()} and sent_at < ${range.until.getTime()}`,
    )?.n ?? 0
  );
}

/**
 * Handoffs sent in [since, until), oldest first, with their decision, counts and latest outcome. The CRM link is the
 * typed one (crm_opportunity) and the one recorded with "Opportunity created" (outcome_crm_opportunity): that one
 * lives on the opportunity_created row of outcomes, so it is carried on after the deal moves on to won or lost (the
 * latest outcome's own row has no CRM id, and the export used to show it empty).
 */
export async function exportRows(exec: Executor, since: Date, until: Date): Promise<ExportRow[]> {
  const count = (type: string) =>
    sql<number>`(select count(*) from ${handoffEvents} e where e.handoff_id = h.id and e.type = ${type})`;
  return exec.all<ExportRow>(sql`
    select h.id as id, h.sent_at as sentAt, h.status as status, h.account_name as accountName,
      h.crm_opportunity as crmOpportunity, coalesce((select p.name from partners p where p.id = h.partner_id), h.partner_org) as partnerOrg, h.partner_contact_name as partnerContactName,
      h.author_user_id as authorUserId, h.owner_user_id as ownerUserId, h.ae_user_id as aeUserId, h.ae_name as aeName,
      h.classification as classification, h.classification_reason as classificationReason,
      h.evidence_url as evidenceUrl, h.score as score, h.score_band as scoreBand,
      d.decision as decision, d.decided_at as decidedAt, d.decided_by_user_id as decidedBy,
      d.reason_code as declineReason,
      (select e.business_hours from ${handoffEvents} e where e.handoff_id = h.id and e.type = d.decision
        and e.assignment = d.assignment order by e.id desc limit 1) as businessHours,
      h.due_at as dueAt, h.withdrawn_at as withdrawnAt, h.assignment as assignment,
      -- The latest expiry, from the touch log: a reassignment or an extension clears the handoff's own expired_at.
      coalesce(h.expired_at, (select e.at from ${handoffEvents} e where e.handoff_id = h.id and e.type = 'expired'
        order by e.id desc limit 1)) as expiredAt,
      (select e.detail from ${handoffEvents} e where e.handoff_id = h.id and e.type = 'expired'
        order by e.id desc limit 1) as expiryDetail,
      ${count('reminded')} as reminders, ${count('reassigned')} as reassignments, ${count('extended')} as extensions,
      h.outcome as outcome, o.recorded_at as outcomeAt,
      coalesce(o.crm_opportunity, (select x.crm_opportunity from ${outcomes} x where x.handoff_id = h.id
        and x.crm_opportunity is not null order by x.recorded_at desc, x.id desc limit 1)) as outcomeOpportunity,
      case when h.outcome = 'lost' then o.reason_code end as lostReason,
      (select count(*) from ${decisions} x where x.handoff_id = h.id and x.decision = 'declined') as declines,
      (select x.reason_code from ${decisions} x where x.handoff_id = h.id and x.decision = 'declined'
        order by x.id desc limit 1) as latestDeclineReason
    from ${handoffs} h
    left join ${decisions} d on d.handoff_id = h.id and d.assignment = h.assignment
    left join ${outcomes} o on o.handoff_id = h.id and o.outcome = h.outcome
    where h.sent_at >= ${since.getTime()} and h.sent_at < ${until.getTime()}
    order by h.sent_at, h.id`);
}
