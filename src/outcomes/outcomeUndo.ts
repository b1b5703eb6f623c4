import type { UndoResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { outcomeReplyKey } from '../core/notifications.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { watcherKeysOf } from '../db/repositories/followers.js';
import { findOutcomes } from '../db/repositories/handoffLists.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import { cancelHeld, deleteOutcomeStep, heldRows, outcomeEventId } from '../db/repositories/outcomeHolds.js';
import type { OutcomeRow } from '../db/schema.js';
import { type PolicyRef, policyRefOf } from '../domain/escalation.js';
import { check as policy, type StepCheck } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import type { Outcomes } from './outcomes.js';

/**
 * Undo of an outcome step, while its undo window is open (OUTCOME_UNDO_SECONDS): the partner's reply and the CRM's
 * activity still wait in the outbox (their due time is the window's end), so they are cancelled there, and the step
 * is taken back (the deal is at its previous step again). The touch log keeps the step and its undo. Only its
 * recorder, or an admin, may undo it; once the partner's reply is on its way it can no longer be undone.
 */

export interface OutcomeUndoDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  outcomes: Pick<Outcomes, 'nextNudge'>;
  adminUserIds: readonly string[];
  undoSeconds: number;
  /** The first check still ahead of a first step due on `due`: a reopened step is checked again. */
  firstStepCheck?: (
    due: string,
    ae: { id: string; timeZone: string; policy: PolicyRef },
    at: Date,
  ) => { check: StepCheck; at: Date } | undefined;
}

/**
 * The first step again, when the undone step was the one that did it (recorded at the same moment): not done, and
 * its checks planned from now. Nothing for any other step.
 */
function stepReopened(deps: OutcomeUndoDeps, h: HandoffRow, step: OutcomeRow, now: Date) {
  if (!h.firstStep || !h.firstStepDue || h.firstStepDoneAt?.getTime() !== step.recordedAt.getTime())
    return {};
  const ae = { id: h.aeUserId, timeZone: h.aeTimeZone, policy: policyRefOf(h) };
  const next = deps.firstStepCheck?.(h.firstStepDue, ae, now);
  return { firstStepDoneAt: null, stepCheck: next?.check ?? null, nextStepCheckAt: next?.at ?? null };
}

/** What an undo answers: in blocks/results.ts, where the replies read it. */
export type { UndoResult } from '../blocks/results.js';

/** Thrown inside the transaction when the partner's reply was sent meanwhile: nothing is changed. */
class PostedMeanwhile extends Error {}

/** Until when a step may be undone. */
export const undoUntil = (step: Pick<OutcomeRow, 'recordedAt'>, undoSeconds: number) =>
  new Date(step.recordedAt.getTime() + undoSeconds * 1000);

async function undo(
  deps: OutcomeUndoDeps,
  req: RequestContext & { handoffId: number; stepId: number },
): Promise<UndoResult> {
  const h = Number.isSafeInteger(req.handoffId) ? await findHandoff(deps.db, req.handoffId) : undefined;
  if (!h) return { kind: 'not_found' };
  const steps = await findOutcomes(deps.db, h.id);
  const step = steps.find((s) => s.id === req.stepId);
  if (!step) return { kind: 'gone', handoff: h };
  const verdict = policy(viewerOf(req, deps.adminUserIds), 'undo_outcome', h);
  if (verdict === 'external') return { kind: 'external' };
  const admin = deps.adminUserIds.includes(req.actor.userId);
  if (verdict === 'not_allowed' || (step.recordedByUserId !== req.actor.userId && !admin))
    return { kind: 'not_allowed', handoff: h, step };
  const now = deps.clock.now();
  if (verdict === 'not_now' || h.outcome !== step.outcome || now >= undoUntil(step, deps.undoSeconds))
    return { kind: 'too_late', handoff: h, step };
  const previous = steps.filter((s) => s.id !== step.id).at(-1)?.outcome ?? null;
  const eventId = await outcomeEventId(deps.db, h.id, step.outcome);
  const owed = [outcomeReplyKey(h, step), ...(eventId === undefined ? [] : [`crm:${eventId}`])];
  try {
    const applied = await deps.lifecycle.apply({
      event: 'undo_outcome',
      before: h,
      actor: req.actor,
      at: now,
      expect: { outcome: step.outcome },
      change: {
        outcome: previous,
        nextStallNudgeAt: deps.outcomes.nextNudge(h, previous, now),
        stallNudgedAt: null,
        ...stepReopened(deps, h, step, now),
      },
      record: async (tx) => {
        // Its followers' and partner managers' DMs wait with it (packets/watchers.ts).
        const keys = [...owed, ...(eventId === undefined ? [] : await watcherKeysOf(tx, h.id, eventId))];
        // On its way or sent (a look that claimed it since): too late, and nothing changes.
        const rows = await heldRows(tx, keys);
        if (rows.some((r) => r.status === 'delivered' || r.status === 'dead' || r.uncertainSince !== null))
          throw new PostedMeanwhile();
        await cancelHeld(tx, [...keys, `hold:outcome:${step.id}`], 'undone within its undo window');
        await deleteOutcomeStep(tx, step.id, eventId);
      },
      detail: { outcome: step.outcome, recordedBy: step.recordedByUserId },
    });
    if (!applied) return { kind: 'too_late', handoff: h, step };
    deps.logger.info({ handoffId: h.id, outcome: step.outcome, by: req.actor.userId }, 'outcome undone');
    return { kind: 'undone', handoff: applied.handoff, step };
  } catch (error) {
    if (error instanceof PostedMeanwhile) return { kind: 'too_late', handoff: h, step };
    throw error;
  }
}

export function createOutcomeUndo(deps: OutcomeUndoDeps) {
  return { undo: (req: RequestContext & { handoffId: number; stepId: number }) => undo(deps, req) };
}

export type OutcomeUndo = ReturnType<typeof createOutcomeUndo>;
