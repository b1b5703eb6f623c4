import { stringify } from 'csv-stringify/sync';
import type { Executor } from '../db/client.js';
import { type ExpiryRecord, type ExportRow, exportRows } from '../db/repositories/exportRows.js';
import { readCurrencies } from '../db/repositories/money.js';
import { awaitsAe } from '../domain/lifecycle.js';
import { type Currencies, toReporting } from '../domain/money.js';
import { EXPORTED_FIELDS, type ExportedField, PACKET_FIELDS } from '../domain/packet.js';

export { countSent } from '../db/repositories/exportRows.js';

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/**
 * Spreadsheet formula injection: a cell typed by a person that starts with = + - @ (or a tab or carriage return) is
 * run as a formula by Excel and Sheets. Such cells get a leading apostrophe, which spreadsheets show as text.
 */
export function safeCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Why the latest window expired: the AE's silence, or while they were known to be away (not counted as silence). */
function expiryReason(r: ExportRow): string {
  if (r.expiredAt === null) return '';
  const detail = r.expiryDetail ? (JSON.parse(r.expiryDetail) as { away?: unknown }) : {};
  return typeof detail.away === 'string' ? 'expired while away, not counted' : 'no answer in time';
}

/** Whether an expiry was excused (the AE known to be away: not their silence) and why, as the touch log says. */
function expiryWhy(e: ExpiryRecord): { excused: boolean; why: string } {
  const d = e.detail ?? {};
  if (typeof d.away !== 'string') return { excused: false, why: 'silence' };
  const by =
    typeof d.awayDays === 'string'
      ? `days away given: ${d.awayDays}`
      : typeof d.coverNamed === 'string'
        ? `cover named (${d.coverNamed}), when naming a cover counted as away`
        : `status: ${d.away}`;
  const since = typeof d.awaySince === 'string' ? `, known since ${d.awaySince}` : '';
  return { excused: true, why: `away (${by}${since})` };
}

/** Every expiry in one cell: "<time> <AE> silence" or "<time> <AE> away (…)", oldest first, separated by " | ". */
const expiryLog = (r: ExportRow) =>
  safeCell(r.expiries.map((e) => `${iso(e.at)} ${e.aeUserId} ${expiryWhy(e).why}`).join(' | '));

/** The status as RevOps reads it: a handoff waiting for a later AE than the first reads "reassigned", not "sent". */
const statusOf = (r: ExportRow) => (awaitsAe(r.status) && r.assignment > 1 ? 'reassigned' : r.status);

interface Column {
  name: string;
  value: (r: ExportRow) => string | number;
  /** The packet field it shows (its name is the field's `csv` in domain/packetFields.ts). */
  field?: ExportedField;
}

/** A packet field's column: named in the registry; a person's text is made safe, a Slack id is as stored. */
function packetColumn(field: ExportedField): Column {
  const { csv, rule } = PACKET_FIELDS[field];
  const cell = (value: string | null) => (rule.input === 'user' ? (value ?? '') : safeCell(value));
  return { name: csv, value: (r) => cell(r[field]), field };
}

/**
 * The touch log export, one row per handoff: each column's name and value, in this order (docs/revops.md lists
 * them too). A new column is one entry here (and its field in the query, db/repositories/exportRows.ts); a packet
 * field the registry exports and this list does not place comes last.
 */
const PLACED: readonly Column[] = [
  { name: 'handoff_id', value: (r) => r.id },
  { name: 'sent_at', value: (r) => iso(r.sentAt) },
  { name: 'status', value: statusOf },
  packetColumn('accountName'),
  packetColumn('crmOpportunity'),
  packetColumn('partnerOrg'),
  packetColumn('partnerContactName'),
  { name: 'author_user_id', value: (r) => r.authorUserId },
  packetColumn('ownerUserId'),
  packetColumn('aeUserId'),
  { name: 'ae_name', value: (r) => safeCell(r.aeName) },
  { name: 'classification', value: (r) => r.classification ?? '' },
  { name: 'classification_reason', value: (r) => safeCell(r.classificationReason) },
  packetColumn('evidenceUrl'),
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

/**
 * The silence audit, after every other column so those keep their places: every expiry of the handoff
 * (`expired_at` and `expiry_reason` say only the latest), how many were excused because the AE was known to be away,
 * and each one with its time, its AE and why.
 */
const AUDIT: readonly Column[] = [
  { name: 'expiries', value: (r) => r.expiries.length },
  { name: 'expiries_excused', value: (r) => r.expiries.filter((e) => expiryWhy(e).excused).length },
  { name: 'expiries_silent', value: (r) => r.expiries.filter((e) => !expiryWhy(e).excused).length },
  { name: 'expiry_log', value: expiryLog },
];

/** Before deciding, after the audit so every earlier column keeps its place: the AEs' questions asked. */
const ASKED: readonly Column[] = [{ name: 'questions', value: (r) => r.questions }];

/** After the Accept, after the questions: the first step the AE committed to, its date, the value. */
const COMMITTED: readonly Column[] = [
  { name: 'first_step', value: (r) => safeCell(r.firstStep) },
  { name: 'first_step_due', value: (r) => r.firstStepDue ?? '' },
  { name: 'estimated_value', value: (r) => r.estimatedValue ?? '' },
  { name: 'first_step_done_at', value: (r) => iso(r.firstStepDoneAt) },
  { name: 'first_step_new_dates', value: (r) => r.stepNewDates },
];

/** Why the deal was last taken back from the AE who had accepted it: as the metrics count it. */
const TAKEN_BACK_REASON = {
  handed_back: 'handed back by the AE',
  taken_back: 'no news of the first step in time',
} as const;

/**
 * After the Accept, the end of it, after the first step's columns: when the deal was last taken back from
 * the AE who had accepted it, and why (the metrics' "accepted, then idle" and "handed back").
 */
const TAKEN_BACK: readonly Column[] = [
  { name: 'taken_back_at', value: (r) => iso(r.takenBackAt) },
  { name: 'taken_back_reason', value: (r) => (r.takenBackHow ? TAKEN_BACK_REASON[r.takenBackHow] : '') },
];

/**
 * Where the handoff came from, after the take-back's columns: the Slack message it was started from, and
 * why its first AE got it when the CRM decided (the account's owner). Internal, as the whole CSV.
 */
const ORIGIN: readonly Column[] = [
  { name: 'source_url', value: (r) => safeCell(r.sourceUrl) },
  { name: 'routing_reason', value: (r) => safeCell(r.routingReason) },
];

/** What a money column needs besides the row: the CRMs' currencies and the reporting currency. */
interface MoneyContext {
  currencies: ReadonlyMap<string, Currencies>;
  reporting: string | undefined;
  /** The export's day (YYYY-MM-DD): an open deal without a close date is converted at its rate. */
  today: string;
}

/** The deal's state in the CRM at the last read: open, won or lost (empty: never read). */
const crmState = (r: ExportRow) => (!r.money ? '' : r.money.closed ? (r.money.won ? 'won' : 'lost') : 'open');

/** The amount in the reporting currency with the CRM's own rates; empty when it has none or cannot be converted. */
function amountReporting(r: ExportRow, m: MoneyContext): string | number {
  if (!m.reporting || !r.crmSystem || !r.money || r.money.amount === null) return '';
  const converted = toReporting(
    { ...r.money, day: r.money.closeDate ?? m.today },
    m.currencies.get(r.crmSystem) ?? { corporate: null, rates: [] },
    m.reporting,
  );
  return converted === null ? '' : Math.round(converted * 100) / 100;
}

/**
 * Money, after the origin's columns: what the linked record said at the last poll, and its amount in the
 * reporting currency. Internal, as the whole CSV; a cell the CRM could not give is empty, never 0.
 */
const MONEY: readonly ((m: MoneyContext) => Column)[] = [
  () => ({ name: 'crm_system', value: (r) => r.crmSystem ?? '' }),
  () => ({ name: 'crm_record_id', value: (r) => r.crmRecordId ?? '' }),
  () => ({ name: 'crm_amount', value: (r) => r.money?.amount ?? '' }),
  () => ({ name: 'crm_currency', value: (r) => r.money?.currency ?? '' }),
  () => ({ name: 'crm_stage', value: (r) => safeCell(r.money?.stage ?? null) }),
  () => ({ name: 'crm_state', value: crmState }),
  () => ({ name: 'crm_close_date', value: (r) => r.money?.closeDate ?? '' }),
  () => ({ name: 'crm_read_at', value: (r) => iso(r.money ? r.money.readAt.getTime() : null) }),
  (m) => ({ name: 'reporting_currency', value: (r) => (r.money?.amount == null ? '' : (m.reporting ?? '')) }),
  (m) => ({ name: 'amount_reporting', value: (r) => amountReporting(r, m) }),
];

const COLUMNS: readonly Column[] = [
  ...PLACED,
  ...EXPORTED_FIELDS.filter((field) => !PLACED.some((c) => c.field === field)).map(packetColumn),
  ...AUDIT,
  ...ASKED,
  ...COMMITTED,
  ...TAKEN_BACK,
  ...ORIGIN,
];

const NO_MONEY: MoneyContext = { currencies: new Map(), reporting: undefined, today: '' };
export const CSV_COLUMNS: readonly string[] = [...COLUMNS, ...MONEY.map((c) => c(NO_MONEY))].map(
  (c) => c.name,
);

/**
 * The touch log as CSV text (RFC 4180 quoting, a header row, UTC ISO 8601 times). `reportingCurrency`: the program's
 * setting (undefined: the first CRM's corporate currency).
 */
export async function touchLogCsv(
  exec: Executor,
  range: { since: Date; until: Date },
  reportingCurrency?: string,
  now: Date = range.until,
): Promise<{ csv: string; rows: number }> {
  const rows = await exportRows(exec, range.since, range.until);
  const currencies = await readCurrencies(exec);
  const reporting =
    reportingCurrency ?? [...currencies.values()].find((c) => c.corporate)?.corporate ?? undefined;
  const today = now.toISOString().slice(0, 10);
  const columns = [...COLUMNS, ...MONEY.map((c) => c({ currencies, reporting, today }))];
  const records = rows.map((r) => columns.map((c) => c.value(r)));
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
