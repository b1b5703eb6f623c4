import type { OutcomeCheck, OutcomeResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import { heldBackNotice } from '../core/heldBack.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { outcomeMessages } from '../core/notifications.js';
import { partnerThread } from '../core/partnerThread.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import { type CrmResolution, crmLinkOf } from '../crm/index.js';
import type { Db } from '../db/client.js';
import { findHandoff, type HandoffRow, insertOutcome } from '../db/repositories/handoffs.js';
import { queueHeldRefresh } from '../db/repositories/outcomeHolds.js';
import { answerReport } from '../db/repositories/outcomeReports.js';
import { isInternalActor } from '../domain/actor.js';
import { check as policy } from '../domain/lifecycle.js';
import { canRecordOutcome, isFinalOutcome, isLostReason, type Outcome } from '../domain/outcomes.js';
import type { Logger } from '../logger.js';
import { reportOutcome } from './outcomeReport.js';

export interface OutcomeDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  windows: WindowPlanner;
  adminUserIds: readonly string[];
  stallBusinessDays: number;
  /** How long a recorded step can be undone before the partner and the CRM hear of it (0: they hear at once). */
  undoSeconds: number;
  lifecycle: Lifecycle;
}

/** Who records or reports a step, and what recording it checks and answers: in blocks/results.ts, where the replies read it. */
export type { OutcomeCheck, OutcomeMode, OutcomeResult } from '../blocks/results.js';

export interface OutcomeRequest extends RequestContext {
  handoffId: number;
  outcome: Outcome;
  crmOpportunity?: string | null;
  /** The CRM record `crmOpportunity` names, as checked with the CRM: the handoff is linked to it. */
  crmLink?: CrmResolution;
  reasonCode?: string | null;
  note?: string | null;
  /** The AE confirms this waiting report: it is answered in the same transaction. */
  fromReport?: number;
  /** Who made that report: their report's message says it was confirmed, so no second DM of it. */
  reportedBy?: string;
}

/** Whose calendar a stall nudge is counted in: the AE's. */
type AeCalendar = Pick<HandoffRow, 'aeUserId' | 'aeTimeZone'>;

/** Whether this person may record the step (AE, admin), report it (owner, author), or neither, and why. */
async function check(
  deps: OutcomeDeps,
  req: RequestContext & { handoffId: number; outcome: Outcome },
): Promise<OutcomeCheck> {
  if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
  const handoff = Number.isSafeInteger(req.handoffId) ? await findHandoff(deps.db, req.handoffId) : undefined;
  if (!handoff) return { kind: 'not_found' };
  const viewer = viewerOf(req, deps.adminUserIds);
  const verdict = policy(viewer, req.outcome, handoff);
  if (verdict === 'external') return { kind: 'external' };
  if (verdict === 'ok') return { kind: 'ok', handoff, mode: 'record' };
  if (verdict === 'not_now') return { kind: 'not_now', handoff };
  // Not theirs to record: the owner and the author report it to the AE instead.
  const asReporter = policy(viewer, 'report_outcome', handoff);
  if (asReporter === 'ok' && canRecordOutcome(handoff.outcome, req.outcome))
    return { kind: 'ok', handoff, mode: 'report' };
  if (asReporter !== 'not_allowed') return { kind: 'not_now', handoff };
  deps.logger.warn(
    { handoffId: handoff.id, userId: req.actor.userId },
    'outcome refused: not the AE, an admin, the owner or the author',
  );
  return { kind: 'not_allowed', handoff };
}

/** The next stall nudge: a period after this activity, unless the deal is closed or nudges are off. */
function nextNudge(deps: OutcomeDeps, h: AeCalendar, outcome: Outcome | null, at: Date): Date | null {
  if (isFinalOutcome(outcome) || deps.stallBusinessDays === 0) return null;
  return deps.windows.businessDaysAfter(at, deps.stallBusinessDays, {
    id: h.aeUserId,
    timeZone: h.aeTimeZone,
  });
}

/** What a step needs besides the click: the opportunity's id, a lost reason. */
function invalidOf(req: OutcomeRequest, crmOpportunity: string | null): OutcomeResult | undefined {
  if (req.outcome === 'opportunity_created' && !crmOpportunity)
    return { kind: 'invalid', field: 'crmOpportunity', message: 'Give the CRM opportunity id or link.' };
  if (req.outcome === 'lost' && !isLostReason(req.reasonCode))
    return { kind: 'invalid', field: 'reason', message: 'Choose a reason.' };
  return undefined;
}

/** Records the step (the AE's or an admin's), or stores the owner's or author's report of it for the AE. */
async function record(deps: OutcomeDeps, req: OutcomeRequest): Promise<OutcomeResult> {
  const checked = await check(deps, req);
  if (checked.kind !== 'ok') return checked;
  const crmOpportunity = req.crmOpportunity?.trim() || null;
  const invalid = invalidOf(req, crmOpportunity);
  if (invalid) return invalid;
  const details = {
    crmOpportunity,
    reasonCode: req.outcome === 'lost' ? (req.reasonCode ?? null) : null,
    note: req.note?.trim().slice(0, 1000) || null,
  };
  if (checked.mode === 'report') return reportOutcome(deps, req, checked.handoff, details);
  return recordStep(deps, req, checked.handoff, details);
}

/**
 * The first outcome step after the Accept is the first step done: its checks end, and its touch-log event
 * records the business hours from the accept to it in the AE's calendar (RevOps' time to first step), as a decision
 * records its time to decision. Nothing for a later step, or a deal accepted without a first step.
 */
function firstStepDone(deps: OutcomeDeps, before: HandoffRow, at: Date) {
  if (!before.firstStep || before.firstStepDoneAt) return undefined;
  const ae = { id: before.aeUserId, timeZone: before.aeTimeZone };
  return {
    change: { firstStepDoneAt: at, stepCheck: null, nextStepCheckAt: null },
    businessHours: before.decidedAt ? deps.windows.businessHoursBetween(before.decidedAt, at, ae) : undefined,
  };
}

/**
 * The step itself, in one transition: the partner's reply and the CRM's activity wait in the outbox for the undo
 * window (a refresh at its end takes the Undo button off the recorder's notice).
 */
async function recordStep(
  deps: OutcomeDeps,
  req: OutcomeRequest,
  before: HandoffRow,
  details: { crmOpportunity: string | null; reasonCode: string | null; note: string | null },
): Promise<OutcomeResult> {
  const at = deps.clock.now();
  const undoUntil = deps.undoSeconds > 0 ? new Date(at.getTime() + deps.undoSeconds * 1000) : null;
  const holdUntil = undoUntil?.getTime();
  const stepDone = firstStepDone(deps, before, at);
  const applied = await deps.lifecycle.apply({
    event: req.outcome,
    before,
    actor: req.actor,
    at,
    expect: { outcome: before.outcome },
    change: {
      outcome: req.outcome,
      ...(crmLinkOf(req.crmLink) ?? {}),
      lastActivityAt: at,
      nextStallNudgeAt: nextNudge(deps, before, req.outcome, at),
      stallNudgedAt: null,
      ...stepDone?.change,
    },
    ...(stepDone?.businessHours === undefined ? {} : { businessHours: stepDone.businessHours }),
    ...(holdUntil === undefined ? {} : { holdUntil }),
    record: async (tx, after) => {
      const step = await insertOutcome(tx, {
        handoffId: after.id,
        outcome: req.outcome,
        ...details,
        byUserId: req.actor.userId,
        at,
      });
      if (req.fromReport !== undefined)
        await answerReport(tx, req.fromReport, { status: 'confirmed', byUserId: req.actor.userId, at });
      if (undoUntil)
        await queueHeldRefresh(tx, {
          handoffId: after.id,
          key: `outcome:${step.id}`,
          until: undoUntil,
          now: at,
        });
      return step;
    },
    detail: req.outcome === 'lost' && req.reasonCode ? { reasonCode: req.reasonCode } : null,
    owes: async (tx, after, step) => [
      ...outcomeMessages(after, step, await partnerThread(tx, after), {
        recorder: req.actor.userId,
        ...(holdUntil === undefined ? {} : { holdUntil }),
        ...(req.reportedBy === undefined ? {} : { reportedBy: req.reportedBy }),
      }),
      // The partner's next move may not hold past this step: its author is asked (core/heldBack.ts).
      ...(await heldBackNotice(tx, after, at)),
    ],
  });
  if (!applied) return { kind: 'not_now', handoff: (await findHandoff(deps.db, before.id)) ?? before };
  const { handoff, recorded: step } = applied;
  deps.logger.info({ handoffId: handoff.id, outcome: req.outcome, by: req.actor.userId }, 'outcome recorded');
  return { kind: 'recorded', handoff, step, undoUntil };
}

/** Progress after acceptance: meeting held, opportunity created, won, lost. By the AE or an admin; reported by others. */
export function createOutcomes(deps: OutcomeDeps) {
  return {
    check: (req: RequestContext & { handoffId: number; outcome: Outcome }) => check(deps, req),
    record: (req: OutcomeRequest) => record(deps, req),
    nextNudge: (h: AeCalendar, outcome: Outcome | null, at: Date) => nextNudge(deps, h, outcome, at),
  };
}

export type Outcomes = ReturnType<typeof createOutcomes>;
