import type { DecisionCheck, DecisionResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { linkRecordIfNone } from '../db/repositories/crm.js';
import { assignmentWindowStart } from '../db/repositories/events.js';
import {
  type DecisionInput,
  type DecisionRow,
  type DecisionSubject,
  findDecisionSubject,
  findHandoff,
  type HandoffRow,
  recordDecision,
} from '../db/repositories/handoffs.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import { questionOf } from '../db/repositories/questions.js';
import { isInternalActor } from '../domain/actor.js';
import { isoDateIn } from '../domain/businessDays.js';
import { type AcceptCrm, creationMarker } from '../domain/crmLink.js';
import { DECLINE_NOTE_MAX, type DeclineReason, isDeclineReason } from '../domain/decline.js';
import { type PolicyRef, policyRefOf } from '../domain/escalation.js';
import {
  type ClosedStepDay,
  checkFirstStep,
  type FirstStep,
  type FirstStepField,
} from '../domain/firstStep.js';
import { check, type StepCheck } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import { heldBackNotice } from './heldBack.js';
import type { Lifecycle } from './lifecycle.js';
import { decisionMessages } from './notifications.js';
import { declineNews, partnerThread } from './partnerThread.js';
import { type RequestContext, viewerOf } from './requestContext.js';

export interface HandoffServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Expires a handoff whose window has passed (shared with the sweep), so a late click meets a consistent state. */
  expireIfDue: (handoff: HandoffRow, now: Date) => Promise<HandoffRow>;
  /**
   * When an accepted deal with no news first nudges its AE (null: never); with a first step (`stepDue`, YYYY-MM-DD),
   * not before the business day after its date.
   */
  firstStallNudge: (
    ae: Pick<HandoffRow, 'aeUserId' | 'aeTimeZone' | 'escalationPolicy' | 'policyVersion'>,
    acceptedAt: Date,
    stepDue?: string,
  ) => Date | null;
  /** Business hours between two moments in an AE's calendar (their zone and own holidays): time to decision. */
  businessHours: (from: Date, to: Date, ae: { id: string; timeZone: string }) => number;
  /** The first step's default date (FIRST_STEP_BUSINESS_DAYS business days from now, in the AE's calendar). */
  firstStepDue: (at: Date, ae: { id: string; timeZone: string }) => Date;
  /** Why a date is no working day of the AE's (a step is not dated on one), with their next; undefined: it is one. */
  closedDay: (date: string, ae: { id: string; timeZone: string }) => ClosedStepDay | undefined;
  /** The first check of a step due on `due` still ahead of `at`, in the AE's calendar. */
  firstStepCheck: (
    due: string,
    ae: { id: string; timeZone: string; policy: PolicyRef },
    at: Date,
  ) => { check: StepCheck; at: Date } | undefined;
  lifecycle: Lifecycle;
  adminUserIds: readonly string[];
}

/** What a decision checks and answers: in blocks/results.ts, where the replies read it. */
export type { DecisionCheck, DecisionResult } from '../blocks/results.js';

/** Accept with a commitment: the decision's results, or the first step's problems (the modal shows them inline). */
export type AcceptResult =
  | DecisionResult
  | { kind: 'invalid_step'; errors: Partial<Record<FirstStepField, string>> };

/** The first step as the accept modal sent it, unchecked. */
export interface FirstStepInput {
  text: string;
  due: string | null | undefined;
  estimatedValue: string | null | undefined;
}

/** The accept modal may open: the handoff, and the first step's default date (YYYY-MM-DD, the AE's calendar). */
export type AcceptForm =
  | Exclude<DecisionCheck, { kind: 'open' }>
  | { kind: 'open'; handoff: HandoffRow; due: string };

/** The decline modal for a reason: the handoff, and what the partner would read (null: nothing). */
export type DeclineForm =
  | Exclude<DecisionCheck, { kind: 'open' }>
  | { kind: 'open'; handoff: HandoffRow; partnerWords: string | null };

export type DecisionRequest = RequestContext & {
  handoffId: number;
  /** The packet version the AE's buttons were shown with (0: never edited); undefined: not checked. */
  shownEditCount?: number;
} & ({ decision: 'accepted' } | { decision: 'declined'; reasonCode: DeclineReason; note: string | null });

/** The AE's decision: who may decide a handoff now, and recording an accept or a decline exactly once. */
export function createHandoffService(deps: HandoffServiceDeps) {
  return {
    checkDecision: (
      req: RequestContext & { handoffId: number; shownEditCount?: number },
    ): Promise<DecisionCheck> => checkDecision(deps, req),
    decide: (req: DecisionRequest): Promise<DecisionResult> => decide(deps, req),
    /** Accept: what its modal opens with (or why it cannot). */
    acceptForm: async (
      req: RequestContext & { handoffId: number; shownEditCount?: number },
    ): Promise<AcceptForm> => {
      const checked = await checkDecision(deps, req);
      if (checked.kind !== 'open') return checked;
      const h = checked.handoff;
      const due = deps.firstStepDue(deps.clock.now(), { id: h.aeUserId, timeZone: h.aeTimeZone });
      return { ...checked, due: isoDateIn(due, h.aeTimeZone) };
    },
    /**
     * Decline: what its modal shows for the reason picked (or why it cannot be declined): the partner's words, as
     * the decline would post them (null: the partner reads nothing of it).
     */
    declineForm: async (
      req: RequestContext & { handoffId: number },
      reason: DeclineReason,
    ): Promise<DeclineForm> => {
      const checked = await checkDecision(deps, req);
      if (checked.kind !== 'open') return checked;
      return { ...checked, partnerWords: await declineNews(deps.db, checked.handoff, reason) };
    },
    /** Accept with the first step the AE committed to, checked first. */
    acceptWithStep: (
      req: RequestContext & {
        handoffId: number;
        shownEditCount?: number;
        step: FirstStepInput;
        /**
         * The opportunity the AE linked at the accept, as checked with the CRM, or the CRM to create one in after the
         * accept; either only when the handoff has none.
         */
        crm?: AcceptCrm;
      },
    ): Promise<AcceptResult> => decide(deps, { ...req, decision: 'accepted' }, req.step, req.crm),
  };
}

/** Whether this actor may decide this handoff now (the lifecycle's policy), with the whole handoff (the decline modal). */
async function checkDecision(
  deps: HandoffServiceDeps,
  req: RequestContext & { handoffId: number; shownEditCount?: number },
): Promise<DecisionCheck> {
  const checked = await checkOn(deps, req, findHandoff);
  return checked.kind === 'open' ? { kind: 'open', handoff: checked.subject } : checked;
}

/**
 * The check, on what `read` reads of the handoff: the decision's own path reads only the columns it needs
 * (`findDecisionSubject`), the Decline button the whole row for its modal. A refusal reads the whole handoff, for the
 * message that explains it.
 */
async function checkOn<S extends DecisionSubject>(
  deps: HandoffServiceDeps,
  req: RequestContext & { handoffId: number; shownEditCount?: number },
  read: (db: Db, id: number) => Promise<S | undefined>,
): Promise<Exclude<DecisionCheck, { kind: 'open' }> | { kind: 'open'; subject: S }> {
  if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
  const subject = Number.isSafeInteger(req.handoffId) ? await read(deps.db, req.handoffId) : undefined;
  if (!subject) return { kind: 'not_found' };
  const now = deps.clock.now();
  const verdict = check(viewerOf(req, deps.adminUserIds), 'accept', subject, now);
  if (verdict === 'external') return { kind: 'external' };
  // An answer to an older version of the packet: the edit won the race. An edit can still commit between this check
  // and the decision's transaction (the path awaits): `decide` checks again inside it, against the row it updates.
  const edited = req.shownEditCount !== undefined && req.shownEditCount !== subject.editCount;
  if (verdict === 'ok' && !edited) return { kind: 'open', subject };
  const handoff = await findHandoff(deps.db, subject.id);
  if (!handoff) return { kind: 'not_found' };
  if (verdict === 'not_allowed') return { kind: 'not_ae', handoff };
  // The window closes at its due time, whether or not the sweep has run yet: one rule, whatever the timing.
  if (verdict === 'not_now') return { kind: 'closed', handoff: await deps.expireIfDue(handoff, now) };
  return { kind: 'edited', handoff };
}

/**
 * Records the AE's accept or decline exactly once, with every message it owes queued in the same transaction.
 * A second click, a double submit or a race between two clicks gets `closed` and changes nothing.
 */
async function decide(deps: HandoffServiceDeps, req: DecisionRequest): Promise<DecisionResult>;
async function decide(
  deps: HandoffServiceDeps,
  req: DecisionRequest,
  stepInput: FirstStepInput,
  crm?: AcceptCrm,
): Promise<AcceptResult>;
async function decide(
  deps: HandoffServiceDeps,
  req: DecisionRequest,
  stepInput?: FirstStepInput,
  crm?: AcceptCrm,
): Promise<AcceptResult> {
  const checked = await checkOn(deps, req, findDecisionSubject);
  if (checked.kind !== 'open') {
    if (checked.kind !== 'closed')
      deps.logger.warn({ ...describe(req), refused: checked.kind }, 'decision refused');
    return checked;
  }
  const stepChecked = stepInput ? checkStepOf(deps, checked.subject, stepInput) : undefined;
  if (stepChecked && !stepChecked.ok) return { kind: 'invalid_step', errors: stepChecked.errors };
  const firstStep = stepChecked?.step;
  const { reasonCode, note } = declineOf(req);
  const at = deps.clock.now();
  const before = checked.subject;
  const actor = { userId: req.actor.userId, teamId: before.aeTeamId };
  const { hours, paused } = await timeToDecision(deps, before, at);
  let decision: DecisionRow | undefined;
  /** The handoff as the transaction found it when an edit committed after the check above: nothing recorded. */
  let edited: HandoffRow | undefined;
  const applied = await deps.lifecycle.apply({
    event: req.decision === 'accepted' ? 'accept' : 'decline',
    before,
    actor,
    at,
    change: {},
    update: async (tx, guard) => {
      const decided = await recordDecision(tx, {
        handoffId: before.id,
        decision: req.decision,
        reasonCode,
        note,
        actor,
        at,
        cycle: guard.cycle,
        ...(req.shownEditCount === undefined ? {} : { editCount: req.shownEditCount }),
        // The nudge depends on the AE's calendar only, which a decision does not change.
        ...(req.decision === 'accepted'
          ? { nextStallNudgeAt: deps.firstStallNudge(before, at, firstStep?.due) }
          : {}),
        ...stepOf(deps, before, at, firstStep),
      });
      // The guard includes the packet version: an edit that committed after `checkDecision` wins here too. Told
      // apart from a closed window only when nothing was recorded (a row no longer in the guard's state and window
      // is `closed`).
      if (!decided && req.shownEditCount !== undefined) {
        const current = await findHandoff(tx, before.id);
        const inWindow = current && guard.statuses.includes(current.status) && current.cycle === guard.cycle;
        if (inWindow && current.editCount !== req.shownEditCount) edited = current;
      }
      decision = decided?.decision;
      return (decided && (await linkAsked(tx, before.id, crm))) || decided?.handoff;
    },
    businessHours: hours,
    detail: decisionDetail(reasonCode, paused, firstStep),
    // An acceptance starts the partner's thread: its author is asked about a next move it holds back (heldBack.ts).
    owes: async (tx, after) => {
      if (!decision) return [];
      const thread = await partnerThread(tx, after);
      const owed = [...decisionMessages(after, decision, thread), ...(await heldBackNotice(tx, after, at))];
      return [...owed, ...createMessage(after, actor.userId, crm)];
    },
  });
  if (edited) {
    deps.logger.warn({ ...describe(req), refused: 'edited' }, 'decision refused');
    return { kind: 'edited', handoff: edited };
  }
  if (!applied) {
    const current = await findHandoff(deps.db, before.id);
    return current ? { kind: 'closed', handoff: current } : { kind: 'not_found' };
  }
  deps.logger.info({ handoffId: applied.handoff.id, decision: req.decision, reasonCode }, 'handoff decided');
  return { kind: 'recorded', handoff: applied.handoff };
}

/** The opportunity the AE linked at the accept, when the handoff has none: the read-back reads its money and class. */
async function linkAsked(
  tx: Tx,
  handoffId: number,
  crm: AcceptCrm | undefined,
): Promise<HandoffRow | undefined> {
  return crm && 'link' in crm ? linkRecordIfNone(tx, handoffId, crm.link) : undefined;
}

/**
 * The record the AE asked to create at the accept, created after it by the outbox (crm/creation.ts): none when the
 * handoff is linked (the AE's link, or one named since). One per cycle: a retry of the row never creates a second.
 */
function createMessage(after: HandoffRow, aeUserId: string, crm: AcceptCrm | undefined): OutboxMessage[] {
  if (!crm || !('create' in crm) || after.crmRecordId) return [];
  return [
    {
      method: 'crm.create',
      dedupeKey: `crm:create:${after.id}:${after.cycle}`,
      system: crm.create,
      handoffId: after.id,
      aeUserId,
      marker: creationMarker(after.id, after.cycle),
    },
  ];
}

/** The first step, checked in the AE's calendar (today there is the earliest date; their closed days refused). */
function checkStepOf(deps: HandoffServiceDeps, subject: DecisionSubject, input: FirstStepInput) {
  const ae = { id: subject.aeUserId, timeZone: subject.aeTimeZone };
  return checkFirstStep(input, isoDateIn(deps.clock.now(), ae.timeZone), (date) => deps.closedDay(date, ae));
}

/** A decline's reason code (checked) and its internal note (trimmed, at most DECLINE_NOTE_MAX); nulls for an accept. */
function declineOf(req: DecisionRequest): { reasonCode: DeclineReason | null; note: string | null } {
  if (req.decision !== 'declined') return { reasonCode: null, note: null };
  if (!isDeclineReason(req.reasonCode)) throw new Error('invalid decline reason');
  return { reasonCode: req.reasonCode, note: (req.note?.trim().slice(0, DECLINE_NOTE_MAX) ?? null) || null };
}

/**
 * The AE's time to decision in business hours, from when they were asked (the send, or the reassignment to them; the
 * away AE's return when the author chose to start the window then), across an expiry and an extension: kept on the
 * handoff, or, for one sent before it was, read from the touch log. The time their question paused the clock does
 * not count against them: `paused`.
 */
async function timeToDecision(
  deps: HandoffServiceDeps,
  before: DecisionSubject,
  at: Date,
): Promise<{ hours: number; paused: number }> {
  const askedAt =
    before.askedAt ?? (await assignmentWindowStart(deps.db, before.id, before.assignment)) ?? before.sentAt;
  const ae = { id: before.aeUserId, timeZone: before.aeTimeZone };
  const paused = await pausedHoursOf(deps, before, at);
  return { hours: Math.max(0, deps.businessHours(askedAt, at, ae) - paused), paused };
}

/** An accept's first step, and its first check still ahead; nothing for a decline. */
function stepOf(
  deps: HandoffServiceDeps,
  before: DecisionSubject,
  at: Date,
  firstStep: FirstStep | undefined,
): Pick<DecisionInput, 'firstStep' | 'stepCheck'> {
  if (!firstStep) return {};
  const ae = { id: before.aeUserId, timeZone: before.aeTimeZone, policy: policyRefOf(before) };
  const check = deps.firstStepCheck(firstStep.due, ae, at);
  return { firstStep, ...(check ? { stepCheck: check } : {}) };
}

/**
 * The decision's touch-log detail: a decline's reason, the business hours a question paused the clock, and the first
 * step of an accept (its text and date; the estimated value is the handoff's, internal). Null when none applies.
 */
function decisionDetail(
  reasonCode: DeclineReason | null,
  paused: number,
  firstStep: FirstStep | undefined,
): Record<string, unknown> | null {
  if (!reasonCode && paused <= 0 && !firstStep) return null;
  return {
    ...(reasonCode ? { reasonCode } : {}),
    ...(paused > 0 ? { pausedHours: paused } : {}),
    ...(firstStep ? { firstStep: firstStep.text, firstStepDue: firstStep.due } : {}),
  };
}

/**
 * Business hours this AE's clock was paused by their question (to its answer, the pause's longest, or now: a decision
 * ends the pause), in their calendar: left out of their time to decision. Read only when they asked one.
 */
async function pausedHoursOf(deps: HandoffServiceDeps, before: DecisionSubject, at: Date): Promise<number> {
  if (before.questionAssignment !== before.assignment) return 0;
  const question = await questionOf(deps.db, before.id, before.assignment);
  if (!question?.pausedAt) return 0;
  const ae = { id: before.aeUserId, timeZone: before.aeTimeZone };
  return deps.businessHours(question.pausedAt, question.pauseEndedAt ?? at, ae);
}

function describe(req: RequestContext & { handoffId: number }) {
  return { handoffId: req.handoffId, userId: req.actor.userId, teamId: req.actor.teamId };
}

export type HandoffService = ReturnType<typeof createHandoffService>;
