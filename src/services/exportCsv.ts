import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { decisions, handoffEvents, handoffs, outcomes } from '../db/schema.js';

/** The touch log export, one row per handoff: these columns, in this order (docs/revops.md lists them too). */
export const CSV_COLUMNS = [
  'handoff_id',
  'sent_at',
  'status',
  'account',
  'crm_opportunity',
  'partner',
  'partner_contact',
  'author_user_id',
  'owner_user_id',
  'ae_user_id',
  'ae_name',
  'classification',
  'classification_reason',
  'evidence_url',
  'score',
  'score_band',
  'decision',
  'decided_at',
  'decided_by_user_id',
  'decline_reason',
  'business_hours_to_decision',
  'due_at',
  'expired_at',
  'withdrawn_at',
  'reminders_sent',
  'reassignments',
  'extensions',
  'outcome',
  'outcome_at',
  'outcome_crm_opportunity',
  'lost_reason',
] as const;

interface ExportRow {
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
  withdrawnAt: number | null;
  reminders: number;
  reassignments: number;
  extensions: number;
  outcome: string | null;
  outcomeAt: number | null;
  outcomeOpportunity: string | null;
  lostReason: string | null;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/**
 * Spreadsheet formula injection: a cell typed by a person that starts with = + - @ (or a tab or carriage return) is
 * run as a formula by Excel and Sheets. Such cells get a leading apostrophe, which spreadsheets show as text.
 */
export function safeCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** How many handoffs were sent in [since, until) (handoffs_sent_at_idx). */
export function countSent(exec: Executor, range: { since: Date; until: Date }): number {
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
function exportRows(exec: Executor, since: Date, until: Date): ExportRow[] {
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
      h.due_at as dueAt, h.expired_at as expiredAt, h.withdrawn_at as withdrawnAt,
      ${count('reminded')} as reminders, ${count('reassigned')} as reassignments, ${count('extended')} as extensions,
      h.outcome as outcome, o.recorded_at as outcomeAt,
      coalesce(o.crm_opportunity, (select x.crm_opportunity from ${outcomes} x where x.handoff_id = h.id
        and x.crm_opportunity is not null order by x.recorded_at desc, x.id desc limit 1)) as outcomeOpportunity,
      case when h.outcome = 'lost' then o.reason_code end as lostReason
    from ${handoffs} h
    left join ${decisions} d on d.handoff_id = h.id and d.assignment = h.assignment
    left join ${outcomes} o on o.handoff_id = h.id and o.outcome = h.outcome
    where h.sent_at >= ${since.getTime()} and h.sent_at < ${until.getTime()}
    order by h.sent_at, h.id`);
}

/** The touch log as CSV text (RFC 4180 quoting, a header row, UTC ISO 8601 times). */
export function touchLogCsv(
  exec: Executor,
  range: { since: Date; until: Date },
): { csv: string; rows: number } {
  const rows = exportRows(exec, range.since, range.until);
  const records = rows.map((r) => [
    r.id,
    iso(r.sentAt),
    r.status,
    safeCell(r.accountName),
    safeCell(r.crmOpportunity),
    safeCell(r.partnerOrg),
    safeCell(r.partnerContactName),
    r.authorUserId,
    r.ownerUserId,
    r.aeUserId,
    safeCell(r.aeName),
    r.classification ?? '',
    safeCell(r.classificationReason),
    safeCell(r.evidenceUrl),
    r.score ?? '',
    r.scoreBand ?? '',
    r.decision ?? '',
    iso(r.decidedAt),
    r.decidedBy ?? '',
    r.declineReason ?? '',
    r.businessHours === null ? '' : r.businessHours.toFixed(2),
    iso(r.dueAt),
    iso(r.expiredAt),
    iso(r.withdrawnAt),
    r.reminders,
    r.reassignments,
    r.extensions,
    r.outcome ?? '',
    iso(r.outcomeAt),
    safeCell(r.outcomeOpportunity),
    r.lostReason ?? '',
  ]);
  return {
    csv: stringify(records, {
      header: true,
      columns: [...CSV_COLUMNS],
      record_delimiter: '\r\n',
      quote_record_delimiter: true,
    }),
    rows: rows.length,
  };
}
