import { and, asc, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { CrmSystem } from '../../domain/crmFacts.js';
import type { HandoffStatus } from '../../domain/lifecycle.js';
import type { Executor } from '../client.js';
import { first, type Tables, tablesOf } from '../engine.js';
import { own } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited. The export's
// times are epoch milliseconds on both: each is read as its column's Date, then given as a number.

/** One handoff of the touch-log export (revops/exportCsv.ts turns it into a CSV row). */
export interface ExportRow {
  id: number;
  sentAt: number;
  status: HandoffStatus;
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
  /** Every expiry of the handoff, oldest first (the audit columns: each window that expired, excused or not). */
  expiries: ExpiryRecord[];
  /** Questions its AEs asked the author before deciding (one per AE). */
  questions: number;
  /** After the Accept: the first step its AE committed to, its date, the estimated value (internal). */
  firstStep: string | null;
  firstStepDue: string | null;
  estimatedValue: number | null;
  /** When the first step was done (its first outcome step after the Accept), and how many new dates it was given. */
  firstStepDoneAt: number | null;
  stepNewDates: number;
  /**
   * The latest time the deal was taken back from an AE who had accepted it, from the touch log, and how:
   * `handed_back` by the AE, or `taken_back` by the escalation policy after the first step went quiet. Null: never.
   */
  takenBackAt: number | null;
  takenBackHow: 'handed_back' | 'taken_back' | null;
  /** The Slack message the packet was started from, and why its AE got it when the CRM decided. */
  sourceUrl: string | null;
  routingReason: string | null;
  crmSystem: CrmSystem | null;
  crmRecordId: string | null;
  /** What the CRM's record said at the last poll; null when it was never read. */
  money: {
    amount: number | null;
    currency: string | null;
    amountCorporate: number | null;
    stage: string | null;
    closed: boolean;
    won: boolean;
    closeDate: string | null;
    readAt: Date;
  } | null;
}

/** One expiry from the touch log: when, whose window, and its detail (`away`: not counted as their silence). */
export interface ExpiryRecord {
  at: number;
  aeUserId: string;
  detail: Record<string, unknown> | null;
}

/** Every expiry of the handoffs sent in [since, until), oldest first, by handoff. */
async function expiriesOf(exec: Executor, since: Date, until: Date): Promise<Record<number, ExpiryRecord[]>> {
  const { handoffEvents, handoffs } = tablesOf(exec);
  const rows = await exec
    .select({
      handoffId: handoffEvents.handoffId,
      at: handoffEvents.at,
      aeUserId: handoffEvents.aeUserId,
      detail: handoffEvents.detail,
    })
    .from(handoffEvents)
    .innerJoin(handoffs, and(eq(handoffs.id, handoffEvents.handoffId), own(exec, handoffs)))
    .where(
      and(
        own(exec, handoffEvents),
        eq(handoffEvents.type, 'expired'),
        gte(handoffs.sentAt, since),
        lt(handoffs.sentAt, until),
      ),
    )
    .orderBy(asc(handoffEvents.id));
  const byHandoff: Record<number, ExpiryRecord[]> = {};
  for (const r of rows) {
    byHandoff[r.handoffId] ??= [];
    byHandoff[r.handoffId]?.push({ at: r.at.getTime(), aeUserId: r.aeUserId, detail: r.detail ?? null });
  }
  return byHandoff;
}

/** How many handoffs were sent in [since, until) (handoffs_sent_at_idx). */
export async function countSent(exec: Executor, range: { since: Date; until: Date }): Promise<number> {
  const { handoffs } = tablesOf(exec);
  return (
    (
      await first(
        exec
          .select({ n: count() })
          .from(handoffs)
          .where(
            and(own(exec, handoffs), gte(handoffs.sentAt, range.since), lt(handoffs.sentAt, range.until)),
          ),
      )
    )?.n ?? 0
  );
}

const ms = (at: Date | null): number | null => (at === null ? null : at.getTime());

/** The export's columns, on the executor's tables (`exportRows` joins the handoff's decision and outcome). */
/** The linked record and what it said at the last poll: `money` is null when it was never read. */
const moneyColumns = (handoffs: Tables['handoffs'], crmMoney: Tables['crmMoney']) => ({
  crmSystem: handoffs.crmSystem,
  crmRecordId: handoffs.crmRecordId,
  money: {
    amount: crmMoney.amount,
    currency: crmMoney.currency,
    amountCorporate: crmMoney.amountCorporate,
    stage: crmMoney.stage,
    closed: crmMoney.closed,
    won: crmMoney.won,
    closeDate: crmMoney.closeDate,
    readAt: crmMoney.readAt,
  },
});

/** The export's columns; each subquery reads the handoff's own rows, by its id and its installation. */
function exportColumns({ crmMoney, decisions, handoffEvents, handoffs, outcomes, partners }: Tables) {
  // Postgres counts in bigint, which its driver gives as text.
  const eventCount = (type: string) =>
    sql<number>`(select count(*) from ${handoffEvents} e where e.handoff_id = ${handoffs.id} and e.installation_id = ${handoffs.installationId} and e.type = ${type})`.mapWith(
      Number,
    );
  // The latest expiry, from the touch log: a reassignment or an extension clears the handoff's own expired_at.
  const latestExpiry = sql`from ${handoffEvents} e where e.handoff_id = ${handoffs.id} and e.installation_id = ${handoffs.installationId} and e.type = 'expired'
    order by e.id desc limit 1`;
  // The latest take-back, from the touch log: the handoff keeps when (taken_back_at), not whether it was handed back.
  const latestTakeBack = sql`from ${handoffEvents} e where e.handoff_id = ${handoffs.id} and e.installation_id = ${handoffs.installationId}
    and e.type in ('taken_back', 'handed_back') order by e.id desc limit 1`;
  return {
    id: handoffs.id,
    sentAt: handoffs.sentAt,
    status: handoffs.status,
    accountName: handoffs.accountName,
    crmOpportunity: handoffs.crmOpportunity,
    partnerOrg: sql<string>`coalesce((select p.name from ${partners} p where p.id = ${handoffs.partnerId} and p.installation_id = ${handoffs.installationId}), ${handoffs.partnerOrg})`,
    partnerContactName: handoffs.partnerContactName,
    authorUserId: handoffs.authorUserId,
    ownerUserId: handoffs.ownerUserId,
    aeUserId: handoffs.aeUserId,
    aeName: handoffs.aeName,
    classification: handoffs.classification,
    classificationReason: handoffs.classificationReason,
    evidenceUrl: handoffs.evidenceUrl,
    score: handoffs.score,
    scoreBand: handoffs.scoreBand,
    decision: decisions.decision,
    decidedAt: decisions.decidedAt,
    decidedBy: decisions.decidedByUserId,
    declineReason: decisions.reasonCode,
    businessHours: sql<
      number | null
    >`(select e.business_hours from ${handoffEvents} e where e.handoff_id = ${handoffs.id} and e.installation_id = ${handoffs.installationId}
      and e.type = ${decisions.decision} and e.assignment = ${decisions.assignment} order by e.id desc limit 1)`.mapWith(
      handoffEvents.businessHours,
    ),
    dueAt: handoffs.dueAt,
    withdrawnAt: handoffs.withdrawnAt,
    assignment: handoffs.assignment,
    expiredAt: sql<Date | null>`coalesce(${handoffs.expiredAt}, (select e.at ${latestExpiry}))`.mapWith(
      handoffEvents.at,
    ),
    expiryDetail: sql<Record<string, unknown> | null>`(select e.detail ${latestExpiry})`.mapWith(
      handoffEvents.detail,
    ),
    reminders: eventCount('reminded'),
    questions: eventCount('question_asked'),
    firstStep: handoffs.firstStep,
    firstStepDue: handoffs.firstStepDue,
    estimatedValue: handoffs.estimatedValue,
    firstStepDoneAt: handoffs.firstStepDoneAt,
    stepNewDates: handoffs.stepNewDates,
    takenBackAt: sql<Date | null>`(select e.at ${latestTakeBack})`.mapWith(handoffEvents.at),
    takenBackHow: sql<ExportRow['takenBackHow']>`(select e.type ${latestTakeBack})`,
    sourceUrl: handoffs.sourceUrl,
    routingReason: handoffs.routingReason,
    ...moneyColumns(handoffs, crmMoney),
    reassignments: eventCount('reassigned'),
    extensions: eventCount('extended'),
    outcome: handoffs.outcome,
    outcomeAt: outcomes.recordedAt,
    outcomeOpportunity: sql<
      string | null
    >`coalesce(${outcomes.crmOpportunity}, (select x.crm_opportunity from ${outcomes} x
      where x.handoff_id = ${handoffs.id} and x.installation_id = ${handoffs.installationId} and x.crm_opportunity is not null
      order by x.recorded_at desc, x.id desc limit 1))`,
    lostReason: sql<string | null>`case when ${handoffs.outcome} = 'lost' then ${outcomes.reasonCode} end`,
    declines:
      sql<number>`(select count(*) from ${decisions} x where x.handoff_id = ${handoffs.id} and x.installation_id = ${handoffs.installationId} and x.decision = 'declined')`.mapWith(
        Number,
      ),
    latestDeclineReason: sql<
      string | null
    >`(select x.reason_code from ${decisions} x where x.handoff_id = ${handoffs.id} and x.installation_id = ${handoffs.installationId}
      and x.decision = 'declined' order by x.id desc limit 1)`,
  };
}

/**
 * Handoffs sent in [since, until), oldest first, with their decision, counts, latest outcome and every expiry. The CRM link is the
 * typed one (crm_opportunity) and the one recorded with "Opportunity created" (outcome_crm_opportunity): that one
 * lives on the opportunity_created row of outcomes, so it is carried on after the deal moves on to won or lost (the
 * latest outcome's own row has no CRM id, and the export used to show it empty).
 */
export async function exportRows(exec: Executor, since: Date, until: Date): Promise<ExportRow[]> {
  const tables = tablesOf(exec);
  const { decisions, handoffs, outcomes } = tables;
  const rows = await exec
    .select(exportColumns(tables))
    .from(handoffs)
    .leftJoin(
      decisions,
      and(
        eq(decisions.handoffId, handoffs.id),
        eq(decisions.assignment, handoffs.assignment),
        own(exec, decisions),
      ),
    )
    .leftJoin(
      outcomes,
      and(eq(outcomes.handoffId, handoffs.id), eq(outcomes.outcome, handoffs.outcome), own(exec, outcomes)),
    )
    .leftJoin(tables.crmMoney, and(eq(tables.crmMoney.handoffId, handoffs.id), own(exec, tables.crmMoney)))
    .where(and(own(exec, handoffs), gte(handoffs.sentAt, since), lt(handoffs.sentAt, until)))
    .orderBy(asc(handoffs.sentAt), asc(handoffs.id));
  const expiries = await expiriesOf(exec, since, until);
  return rows.map((row) => ({
    ...row,
    expiries: expiries[row.id] ?? [],
    sentAt: row.sentAt.getTime(),
    decidedAt: ms(row.decidedAt),
    dueAt: row.dueAt.getTime(),
    firstStepDoneAt: ms(row.firstStepDoneAt),
    takenBackAt: ms(row.takenBackAt),
    expiredAt: ms(row.expiredAt),
    expiryDetail: row.expiryDetail === null ? null : JSON.stringify(row.expiryDetail),
    withdrawnAt: ms(row.withdrawnAt),
    outcomeAt: ms(row.outcomeAt),
  }));
}
