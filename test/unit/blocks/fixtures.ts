import type { DecisionRow, HandoffEventRow, HandoffRow, OutcomeReportRow } from '../../../src/db/schema.js';
import { DECLINE_NOTE_MAX } from '../../../src/domain/decline.js';
import type { PlannedMove } from '../../../src/domain/moves.js';
import { FIELD_LIMITS } from '../../../src/domain/packet.js';

/** The words of a space-separated list, as a type. */
type Words<S extends string> = S extends `${infer First} ${infer Rest}` ? First | Words<Rest> : S;
/** `{ a: null, b: null }` from lines of space-separated column names: the handoff's many empty columns. */
const nulls = <S extends string>(...lines: S[]) => {
  const keys = lines.flatMap((line) => line.split(' '));
  return Object.fromEntries(keys.map((key) => [key, null])) as Record<Words<S>, null>;
};

/** An open handoff as stored, with plain realistic values. */
export function handoff(overrides: Partial<HandoffRow> = {}): HandoffRow {
  return {
    id: 42,
    teamId: 'T0INTERNAL',
    sourceViewId: 'V0PACKET',
    status: 'sent',
    authorUserId: 'U0AUTHOR',
    ownerUserId: 'U0AUTHOR',
    aeUserId: 'U0AE',
    aeTeamId: 'T0INTERNAL',
    aeName: 'Jordan Seller',
    aeTimeZone: 'Europe/Berlin',
    partnerChannelId: 'C0PARTNER',
    partnerId: 7,
    accountName: 'Northwind Logistics',
    crmOpportunity: 'OPP-123, stage 2',
    partnerOrg: 'Meridian Cloud Consulting',
    partnerContactName: 'Dana Reyes',
    partnerContactRole: 'Alliances lead',
    whyPartner: 'Meridian ran the data platform migration last quarter.',
    customerTrigger: 'The ops director asked about automating carrier invoice reconciliation.',
    jointValue: 'We run the workflow; Meridian implements it.',
    warmPath: 'Dana meets the Northwind ops team monthly.',
    sellerNextMove: 'Accept the introduction and bring the demo.',
    partnerNextMove: 'Dana confirms the meeting and shares review notes.',
    partnerNextMoveDate: '2026-03-06',
    partnerAgreedInWriting: true,
    riskNote: 'No reseller registered; direct deal.',
    evidenceUrl: 'https://docs.example.com/review-notes',
    responseWindowDays: 3,
    sentAt: new Date('2026-03-02T10:00:00Z'),
    dueAt: new Date('2026-03-05T10:00:00Z'),
    assignment: 1,
    cycle: 1,
    accountKey: 'northwind logistics',
    partnerKey: 'meridian cloud consulting',
    onPriorityList: true,
    editCount: 0,
    questionOpen: false,
    stepNewDates: 0,
    createdAt: new Date('2026-03-02T10:00:00Z'),
    updatedAt: new Date('2026-03-02T10:00:00Z'),
    ...nulls(
      'crmSystem crmRecordId crmRecordName escalationPolicy policyVersion takenBackAt sourceUrl',
      'routingReason textRemovedAt detailRemovedAt escalationSteps nextEscalationAt',
      'partnerNextMoveConfirmed decidedAt windowStartedAt askedAt windowDays reminderSchedule',
      'nextReminderAt expiredAt withdrawnAt withdrawnByUserId accountDomain opportunityCreatedOn',
      'partnerTouchOn score scoreBand scorecard classification classificationReason attribution',
      'classifiedLink overrideReason findings editedAt editedFields outcome lastActivityAt',
      'nextStallNudgeAt stallNudgedAt questionAssignment pausedAt pauseEndsAt moreTime moreTimeDays',
      'firstStep firstStepDue estimatedValue stepCheck nextStepCheckAt firstStepDoneAt',
    ),
    ...overrides,
  };
}

export function decision(overrides: Partial<DecisionRow> = {}): DecisionRow {
  return {
    id: 7,
    handoffId: 42,
    assignment: 1,
    decision: 'accepted',
    reasonCode: null,
    note: null,
    decidedByUserId: 'U0AE',
    decidedByTeamId: 'T0INTERNAL',
    decidedAt: new Date('2026-03-03T09:15:00Z'),
    ...overrides,
  };
}

/** A touch-log row: handoff 1 expired without an answer from U0AE, unless `over` says otherwise. */
export const handoffEvent = (over: Partial<HandoffEventRow> = {}): HandoffEventRow => ({
  id: 1,
  handoffId: 1,
  type: 'expired',
  fromStatus: 'sent',
  toStatus: 'expired',
  actorUserId: null,
  actorTeamId: null,
  aeUserId: 'U0AE',
  assignment: 1,
  cycle: 1,
  at: new Date('2026-11-26T17:00:00Z'),
  businessHours: null,
  detail: null,
  ...over,
});

/** `n` characters of a repeated pattern. */
export const fill = (pattern: string, n: number) => pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n);

export const WORST_PATTERNS = ['&', '<!channel>'] as const;

/** The largest allowed packet: every text field at its FIELD_LIMITS maximum, made of `pattern`. */
export function worstHandoff(pattern: string, overrides: Partial<HandoffRow> = {}): HandoffRow {
  const texts = Object.fromEntries(
    Object.entries(FIELD_LIMITS).map(([field, max]) => [field, fill(pattern, max)]),
  ) as Record<keyof typeof FIELD_LIMITS, string>;
  return handoff({ ...texts, aeName: fill(pattern, 120), responseWindowDays: 10, ...overrides });
}

export const worstNote = (pattern: string) => fill(pattern, DECLINE_NOTE_MAX);

/** An outcome partner marketing reported, waiting for the AE (its handoff: 7 unless given). */
export const outcomeReport = (overrides: Partial<OutcomeReportRow> = {}): OutcomeReportRow =>
  ({
    id: 21,
    handoffId: 7,
    outcome: 'won',
    status: 'pending',
    reportedByUserId: 'U0AUTHOR',
    answeredByUserId: null,
    crmOpportunity: null,
    reasonCode: null,
    note: null,
    ...overrides,
  }) as OutcomeReportRow;

/** The Meridian policy's level 2: the next AE of the backup pool, 4 business hours after the due time. */
export const plannedToPool: PlannedMove = {
  policy: 'meridian',
  level: 2,
  at: { kind: 'due', afterBusinessHours: 4 },
  repeat: 0,
  when: Date.parse('2026-03-05T14:00:00Z'),
  now: false,
  to: { kind: 'pool', pool: 'backup' },
};
