import { and, asc, eq, gt, inArray, isNull, lte, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Actor } from '../../domain/actor.js';
import type { DeclineReason } from '../../domain/decline.js';
import { type Decision, type StepCheck, sweepTimesEndedBy, TRANSITIONS } from '../../domain/lifecycle.js';
import type { Executor, Tx } from '../client.js';
import { first, isPostgres, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery, setTo, stored } from '../prepared.js';
import type { DecisionRow, HandoffRow, NewHandoffRow, OutcomeRow } from '../schema.js';

export type { DecisionRow, HandoffRow };

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables.

/** Inserts a handoff unless one already came from the same modal view; returns the stored row and whether it is new. */
export async function insertHandoff(
  exec: Tx,
  row: NewHandoffRow,
): Promise<{ handoff: HandoffRow; created: boolean }> {
  const { handoffs } = tablesOf(exec);
  const [inserted] = await exec.insert(handoffs).values(ownRow(exec, row)).onConflictDoNothing().returning();
  if (inserted) return { handoff: inserted, created: true };
  const existing = await findBySourceView(exec, row.sourceViewId);
  if (!existing) throw new Error(`handoff insert for view ${row.sourceViewId} neither inserted nor found`);
  return { handoff: existing, created: false };
}

/** A select of the executor's installation's handoffs that meet every condition (on the executor's own tables). */
const ownHandoffs = (exec: Executor, ...conditions: SQL[]) => {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), ...conditions));
};

const findHandoffQuery = preparedQuery('handoffs_by_id', (exec, { handoffs }) =>
  ownHandoffs(exec, eq(handoffs.id, sql.placeholder('id'))),
);

export async function findHandoff(exec: Executor, id: number): Promise<HandoffRow | undefined> {
  return findHandoffQuery.first(exec, { id });
}

// Read by every Accept and Decline before its transaction: the columns that say who may decide it and when, and its
// window (a whole row maps about 60 columns and parses their JSON, about 5% of an Accept's CPU).
const findDecisionSubjectQuery = preparedQuery('handoffs_decision_subject', (exec, { handoffs: h }) =>
  exec
    .select({
      id: h.id,
      status: h.status,
      outcome: h.outcome,
      cycle: h.cycle,
      editCount: h.editCount,
      assignment: h.assignment,
      aeUserId: h.aeUserId,
      aeTeamId: h.aeTeamId,
      aeTimeZone: h.aeTimeZone,
      ownerUserId: h.ownerUserId,
      authorUserId: h.authorUserId,
      dueAt: h.dueAt,
      askedAt: h.askedAt,
      sentAt: h.sentAt,
      // Before deciding: an open question may pause the window (it does not run out then), and its pause does not
      // count in the time to decision.
      questionAssignment: h.questionAssignment,
      questionOpen: h.questionOpen,
      pausedAt: h.pausedAt,
      moreTime: h.moreTime,
      // An accept plans its first step's checks under the policy the handoff follows.
      escalationPolicy: h.escalationPolicy,
      policyVersion: h.policyVersion,
    })
    .from(h)
    .where(and(own(exec, h), eq(h.id, sql.placeholder('id')))),
);

/** What a decision reads of the handoff before its transaction. */
export type DecisionSubject = NonNullable<Awaited<ReturnType<typeof findDecisionSubjectQuery.first>>>;

/** The columns of the handoff a decision checks (`DecisionSubject`). */
export async function findDecisionSubject(exec: Executor, id: number): Promise<DecisionSubject | undefined> {
  return findDecisionSubjectQuery.first(exec, { id });
}

/** The decision on the handoff's given assignment (each AE it was sent to decides at most once). */
export async function findDecision(
  exec: Executor,
  handoffId: number,
  assignment: number,
): Promise<DecisionRow | undefined> {
  return findDecisionQuery.first(exec, { handoffId, assignment });
}

// Read for every rendering of the AE's packet and the owner's notices (the outbox, at delivery).
const findDecisionQuery = preparedQuery('handoffs_decision_by_assignment', (exec, { decisions }) =>
  exec
    .select()
    .from(decisions)
    .where(
      and(
        own(exec, decisions),
        eq(decisions.handoffId, sql.placeholder('handoffId')),
        eq(decisions.assignment, sql.placeholder('assignment')),
      ),
    ),
);

export interface DecisionInput {
  handoffId: number;
  decision: Decision;
  reasonCode: DeclineReason | null;
  note: string | null;
  actor: Actor & { teamId: string };
  at: Date;
  /** The window the decision answers: the handoff must still be in it. */
  cycle: number;
  /** For an accept: the deal's first stall nudge (the acceptance is its first activity). */
  nextStallNudgeAt?: Date | null;
  /** For an accept: the first step the AE committed to; absent: none asked (nulls stored). */
  firstStep?: { text: string; due: string; estimatedValue: number | null };
  /** For an accept with a first step: its first check still ahead, and when. */
  stepCheck?: { check: StepCheck; at: Date };
  /** The packet version the AE answered (undefined: not checked): an edit since then leaves the decision unrecorded. */
  editCount?: number;
}

/** The handoff as it is after a decision, and the decision row. */
export interface RecordedDecision {
  handoff: HandoffRow;
  decision: DecisionRow;
}

/**
 * A nullable timestamp placeholder, bound as given (drizzle's timestamp encoders do not take null in a prepared
 * query): SQLite's epoch ms or null as stored (`stored`), Postgres's ISO text cast to timestamptz.
 */
const timeOrNull = (exec: Executor, name: string): SQL =>
  isPostgres(exec) ? sql`${sql.placeholder(name)}::timestamptz` : stored(name);

/** The value for a `timeOrNull` placeholder on the executor's engine. */
const timeOrNullValue = (exec: Executor, at: Date | null | undefined): number | string | null =>
  at == null ? null : isPostgres(exec) ? at.toISOString() : at.getTime();

/** The decision's update of the handoff, in two shapes: an accept also starts the deal's activity clock. */
const decideQuery = (accepted: boolean) =>
  preparedQuery(accepted ? 'handoffs_accept' : 'handoffs_decline', (exec, { handoffs }) =>
    exec
      .update(handoffs)
      // A decision ends the window: the cycle moves on, so a modal opened before it (a stale Reassign) is refused.
      .set({
        status: setTo<Decision>('status'),
        decidedAt: setTo<Date>('at'),
        // Nothing is due for it any more: its entries leave the sweep's partial indexes (schema.ts), none is written.
        ...sweepTimesEndedBy(accepted ? 'accepted' : 'declined'),
        cycle: sql`${handoffs.cycle} + 1`,
        updatedAt: setTo<Date>('at'),
        // An accept is the deal's first activity: one statement rather than a second update of the same row.
        ...(accepted
          ? {
              lastActivityAt: setTo<Date>('at'),
              nextStallNudgeAt: timeOrNull(exec, 'nextStallNudgeAt'),
              stallNudgedAt: null,
              firstStep: setTo<string | null>('firstStep'),
              firstStepDue: setTo<string | null>('firstStepDue'),
              estimatedValue: setTo<number | null>('estimatedValue'),
              stepCheck: setTo<StepCheck | null>('stepCheck'),
              nextStepCheckAt: timeOrNull(exec, 'nextStepCheckAt'),
              firstStepDoneAt: null,
              stepNewDates: 0,
            }
          : {}),
      })
      // The lifecycle's guard for a decision (same states, same window), as one prepared statement.
      .where(
        and(
          own(exec, handoffs),
          eq(handoffs.id, sql.placeholder('id')),
          inArray(handoffs.status, [...TRANSITIONS[accepted ? 'accept' : 'decline'].from]),
          eq(handoffs.cycle, sql.placeholder('cycle')),
          // Postgres cannot tell a bare parameter's type in `$n is null`: it is cast there.
          isPostgres(exec)
            ? sql`(${sql.placeholder('editCount')}::integer is null or ${handoffs.editCount} = ${sql.placeholder('editCount')})`
            : sql`(${sql.placeholder('editCount')} is null or ${handoffs.editCount} = ${sql.placeholder('editCount')})`,
        ),
      )
      .returning(),
  );
const acceptQuery = decideQuery(true);
const declineQuery = decideQuery(false);

const insertDecisionQuery = preparedQuery('handoffs_insert_decision', (exec, { decisions }) =>
  exec
    .insert(decisions)
    .values(
      ownRow(exec, {
        handoffId: sql.placeholder('handoffId'),
        assignment: sql.placeholder('assignment'),
        decision: sql.placeholder('decision'),
        reasonCode: sql.placeholder('reasonCode'),
        note: sql.placeholder('note'),
        decidedByUserId: sql.placeholder('decidedByUserId'),
        decidedByTeamId: sql.placeholder('decidedByTeamId'),
        decidedAt: sql.placeholder('decidedAt'),
      }),
    )
    .returning(),
);

/**
 * Records the AE's decision if the handoff is still waiting for one. The status check and the write are one
 * statement, so of two concurrent clicks exactly one wins. Returns the updated handoff and the decision, or
 * undefined if it lost.
 */
export async function recordDecision(exec: Tx, input: DecisionInput): Promise<RecordedDecision | undefined> {
  const accepted = input.decision === 'accepted';
  const updated = await (accepted ? acceptQuery : declineQuery).first(exec, {
    id: input.handoffId,
    status: input.decision,
    at: input.at,
    cycle: input.cycle,
    editCount: input.editCount ?? null,
    ...(accepted
      ? {
          nextStallNudgeAt: timeOrNullValue(exec, input.nextStallNudgeAt),
          firstStep: input.firstStep?.text ?? null,
          firstStepDue: input.firstStep?.due ?? null,
          estimatedValue: input.firstStep?.estimatedValue ?? null,
          stepCheck: input.stepCheck?.check ?? null,
          nextStepCheckAt: timeOrNullValue(exec, input.stepCheck?.at),
        }
      : {}),
  });
  if (!updated) return undefined;
  const decision = await insertDecisionQuery.first(exec, {
    handoffId: input.handoffId,
    assignment: updated.assignment,
    decision: input.decision,
    reasonCode: input.reasonCode,
    note: input.note,
    decidedByUserId: input.actor.userId,
    decidedByTeamId: input.actor.teamId,
    decidedAt: input.at,
  });
  if (!decision) throw new Error(`decision insert for handoff ${input.handoffId} returned nothing`);
  return { handoff: updated, decision };
}

/**
 * Open handoffs whose window has passed, oldest due first (uses handoffs_status_due_at_idx); not those whose clock is
 * paused (the AE's question waits: issue 51).
 */
export async function findExpiring(exec: Executor, now: Date, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return ownHandoffs(exec, eq(handoffs.status, 'sent'), lte(handoffs.dueAt, now), isNull(handoffs.pausedAt))
    .orderBy(asc(handoffs.dueAt))
    .limit(limit);
}

/** Open handoffs with a reminder due (uses handoffs_status_next_reminder_at_idx). */
export async function findRemindable(exec: Executor, now: Date, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return ownHandoffs(
    exec,
    eq(handoffs.status, 'sent'),
    lte(handoffs.nextReminderAt, now),
    gt(handoffs.dueAt, now),
  )
    .orderBy(asc(handoffs.nextReminderAt))
    .limit(limit);
}

/** What a guarded change expects to find: one of these states, the same window, and maybe more. */
export interface Guard {
  statuses: readonly HandoffRow['status'][];
  cycle: number;
  nextReminderAt?: Date | null;
  outcome?: HandoffRow['outcome'];
  nextStallNudgeAt?: Date;
  /** The first step's check the sweep is carrying out is still the next one. */
  nextStepCheckAt?: Date;
  /** The first step's new dates so far: a double submit of New date changes nothing the second time. */
  stepNewDates?: number;
  /** The packet version the change was made from: an edit from an older version changes nothing. */
  editCount?: number;
  /** The escalation step the sweep is carrying out is still the next one (no other sweep did it). */
  nextEscalationAt?: Date | null;
  /** Before deciding: no other question was asked, the question still waits, no other request for time. */
  questionAssignment?: number | null;
  questionOpen?: boolean;
  moreTime?: HandoffRow['moreTime'];
}

/** `column` is `value`, or null when `value` is null: a guard's expectation of a nullable column. */
const isOrNull = <C extends SQLiteColumn>(column: C, value: C['_']['data'] | null): SQL =>
  value === null ? isNull(column) : eq(column, value);

/** The guard's conditions on what the AE asked before deciding (a double submit of a question changes nothing). */
function askConditions(handoffs: ReturnType<typeof tablesOf>['handoffs'], expected: Guard): SQL[] {
  const conditions: SQL[] = [];
  if (expected.questionAssignment !== undefined)
    conditions.push(isOrNull(handoffs.questionAssignment, expected.questionAssignment));
  if (expected.questionOpen !== undefined) conditions.push(eq(handoffs.questionOpen, expected.questionOpen));
  if (expected.moreTime !== undefined) conditions.push(isOrNull(handoffs.moreTime, expected.moreTime));
  return conditions;
}

/**
 * Applies a change only if the handoff is still in one of `statuses` and still in window `cycle`: the guard that
 * makes sweeps, clicks and modals race-safe. Returns the updated row, or undefined if something else got there first.
 */
export async function updateIfUnchanged(
  exec: Tx,
  id: number,
  expected: Guard,
  changes: Partial<NewHandoffRow>,
): Promise<HandoffRow | undefined> {
  const { handoffs } = tablesOf(exec);
  const conditions = [
    eq(handoffs.id, id),
    inArray(handoffs.status, [...expected.statuses]),
    eq(handoffs.cycle, expected.cycle),
  ];
  if (expected.nextReminderAt !== undefined)
    conditions.push(isOrNull(handoffs.nextReminderAt, expected.nextReminderAt));
  if (expected.outcome !== undefined) conditions.push(isOrNull(handoffs.outcome, expected.outcome));
  if (expected.nextStallNudgeAt !== undefined)
    conditions.push(eq(handoffs.nextStallNudgeAt, expected.nextStallNudgeAt));
  if (expected.nextStepCheckAt !== undefined)
    conditions.push(eq(handoffs.nextStepCheckAt, expected.nextStepCheckAt));
  if (expected.stepNewDates !== undefined) conditions.push(eq(handoffs.stepNewDates, expected.stepNewDates));
  if (expected.editCount !== undefined) conditions.push(eq(handoffs.editCount, expected.editCount));
  if (expected.nextEscalationAt !== undefined)
    conditions.push(isOrNull(handoffs.nextEscalationAt, expected.nextEscalationAt));
  conditions.push(...askConditions(handoffs, expected));
  const [updated] = await exec
    .update(handoffs)
    .set(changes)
    .where(and(own(exec, handoffs), ...conditions))
    .returning();
  return updated;
}

export async function findBySourceView(
  exec: Executor,
  sourceViewId: string,
): Promise<HandoffRow | undefined> {
  const { handoffs } = tablesOf(exec);
  return first(ownHandoffs(exec, eq(handoffs.sourceViewId, sourceViewId)));
}

/** Appends an outcome step to the deal's history (after the lifecycle's guarded update let it through). */
export async function insertOutcome(
  exec: Tx,
  input: {
    handoffId: number;
    outcome: NonNullable<HandoffRow['outcome']>;
    crmOpportunity: string | null;
    reasonCode: string | null;
    note: string | null;
    byUserId: string;
    at: Date;
  },
): Promise<OutcomeRow> {
  const { outcomes } = tablesOf(exec);
  const [row] = await exec
    .insert(outcomes)
    .values(
      ownRow(exec, {
        handoffId: input.handoffId,
        outcome: input.outcome,
        crmOpportunity: input.crmOpportunity,
        reasonCode: input.reasonCode,
        note: input.note,
        recordedByUserId: input.byUserId,
        recordedAt: input.at,
      }),
    )
    .returning();
  if (!row) throw new Error(`outcome ${input.outcome} of handoff ${input.handoffId} returned nothing`);
  return row;
}

export interface AtRisk {
  /** Waiting for an answer, due before `dueBefore`: soonest first. */
  dueSoon: HandoffRow[];
  /** Expired and not yet reassigned, extended or withdrawn: oldest due first. */
  unanswered: HandoffRow[];
  /** Accepted deals that may have gone quiet (nudged, or a first step's date passed: stepState.ts `goneQuiet`). */
  stalled: HandoffRow[];
}
