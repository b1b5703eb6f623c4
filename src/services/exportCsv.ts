import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { decisions, handoffEvents, handoffs, outcomes } from '../db/schema.js';

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

/** Why the latest window expired: the AE's silence, or while they were known to be away (not counted as silence). */
function expiryReason(r: ExportRow): string {
  if (r.expiredAt === null) return '';
  const detail = r.expiryDetail ? (JSON.parse(r.expiryDetail) as { away?: unknown }) : {};
  return typeof detail.away === 'string' ? 'expired while away, not counted' : 'no answer in time';
}

/** The status as RevOps reads it: a handoff waiting for a later AE than the first reads "reassigned", not "sent". */
const statusOf = (r: ExportRow) => (r.status === 'sent' && r.assignment > 1 ? 'reassigned' : r.status);

/**
 * The touch log export, one row per handoff: each column's name and value, in this order (docs/revops.md lists
 * them too). A new column is one entry here (and its field in the query above).
 */
const COLUMNS: readonly { name: string; value: (r: ExportRow) => string | number }[] = [
  { name: 'handoff_id', value: (r) => r.id },
  { name: 'sent_at', value: (r) => iso(r.sentAt) },
  { name: 'status', value: statusOf },
  { name: 'account', value: (r) => safeCell(r.accountName) },
  { name: 'crm_opportunity', value: (r) => safeCell(r.crmOpportunity) },
  { name: 'partner', value: (r) => safeCell(r.partnerOrg) },
  { name: 'partner_contact', value: (r) => safeCell(r.partnerContactName) },
  { name: 'author_user_id', value: (r) => r.authorUserId },
  { name: 'owner_user_id', value: (r) => r.ownerUserId },
  { name: 'ae_user_id', value: (r) => r.aeUserId },
  { name: 'ae_name', value: (r) => safeCell(r.aeName) },
  { name: 'classification', value: (r) => r.classification ?? '' },
  { name: 'classification_reason', value: (r) => safeCell(r.classificationReason) },
  { name: 'evidence_url', value: (r) => safeCell(r.evidenceUrl) },
  { name: 'score', value: (r) => r.score ?? '' },
  { name: 'score_band', value: (r) => r.scoreBand ?? '' },
  { name: 'decision', value: (r) => r.decision ?? '' },
  { name: 'decided_at', value: (r) => iso(r.decidedAt) },
  { name: 'decided_by_user_id', value: (r) => r.decidedBy ?? '' },
  { name: 'decline_reason', value: (r) => r.declineReason ?? '' },
  {
    name: 'business_hours_to_decision',
    value: (r) => (r.businessHours === null ? '' : r.businessHours.toFixed(2)),
  },
  { name: 'due_at', value: (r) => iso(r.dueAt) },
  { name: 'expired_at', value: (r) => iso(r.expiredAt) },
  { name: 'expiry_reason', value: expiryReason },
  { name: 'withdrawn_at', value: (r) => iso(r.withdrawnAt) },
  { name: 'reminders_sent', value: (r) => r.reminders },
  { name: 'reassignments', value: (r) => r.reassignments },
  { name: 'extensions', value: (r) => r.extensions },
  { name: 'outcome', value: (r) => r.outcome ?? '' },
  { name: 'outcome_at', value: (r) => iso(r.outcomeAt) },
  { name: 'outcome_crm_opportunity', value: (r) => safeCell(r.outcomeOpportunity) },
  { name: 'lost_reason', value: (r) => r.lostReason ?? '' },
  { name: 'declines', value: (r) => r.declines },
  { name: 'latest_decline_reason', value: (r) => r.latestDeclineReason ?? '' },
];

export const CSV_COLUMNS: readonly string[] = COLUMNS.map((c) => c.name);

/** The touch log as CSV text (RFC 4180 quoting, a header row, UTC ISO 8601 times). */
export function touchLogCsv(
  exec: Executor,
  range: { since: Date; until: Date },
): { csv: string; rows: number } {
  const rows = exportRows(exec, range.since, range.until);
  const records = rows.map((r) => COLUMNS.map((c) => c.value(r)));
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
