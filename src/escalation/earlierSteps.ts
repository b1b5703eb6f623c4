import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { dm } from '../core/notifications.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { findAcceptedWithoutStep } from '../db/repositories/dueTimes.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import { type PolicyRef, policyRefOf } from '../domain/escalation.js';
import type { ClosedStepDay, StepSchedule } from '../domain/firstStep.js';
import { checkFirstStep, nextStepCheck } from '../domain/firstStep.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { Logger } from '../logger.js';

/**
 * Deals accepted before first steps existed: they have none, so nothing checks them and no policy takes them
 * back, and an upgrade surprises no one. An admin turns it on for them (`/handoff steps ask`): each AE is asked by DM
 * to name a first step and its date, in the New date modal with the step's words; from then on the deal is tracked
 * like one accepted with a step (the partner reads it too).
 */

/** What naming a step needs (escalation/firstSteps.ts passes its own deps). */
export interface EarlierStepDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  schedule: (due: string, ae: { id: string; timeZone: string; policy: PolicyRef }) => StepSchedule;
  today: (at: Date, ae: { id: string; timeZone: string }) => string;
  /** Why a date is no working day of the AE's (a step is not dated on one), with their next; undefined: it is one. */
  closedDay: (date: string, ae: { id: string; timeZone: string }) => ClosedStepDay | undefined;
}

/** A step named, or why not: a field's problem (shown inline), or the deal moved on meanwhile. */
export type NameStepResult =
  | { kind: 'invalid'; message: string; field: 'text' | 'due' }
  | { kind: 'not_now'; handoff: HandoffRow }
  | { kind: 'moved'; handoff: HandoffRow; ownerTold: false };

export type StepsAsk =
  | { kind: 'forbidden' }
  | { kind: 'listed'; count: number }
  | { kind: 'asked'; count: number };

/** At most this many AEs asked per command (Slack's DMs go through the outbox at its pace anyway). */
const ASK_LIMIT = 500;

/**
 * `/handoff steps` (count) and `/handoff steps ask` (ask each AE once: the touch log's `step_asked`; a deal asked
 * before is asked again only if it still has no step, and its DM is the same message, brought up to date).
 */
export async function askForSteps(
  deps: EarlierStepDeps & { roles: ProgramRoles },
  ctx: RequestContext,
  ask: boolean,
): Promise<StepsAsk> {
  if (!may(deps.roles, ctx, 'firstSteps')) return { kind: 'forbidden' };
  const deals = await findAcceptedWithoutStep(deps.db, ASK_LIMIT);
  if (!ask) return { kind: 'listed', count: deals.length };
  let count = 0;
  const at = deps.clock.now();
  for (const h of deals) {
    const applied = await deps.lifecycle.apply({
      event: 'ask_for_step',
      before: h,
      actor: ctx.actor,
      at,
      change: {},
      owes: (_tx, after) => [
        dm(after, 'step:ask', after.aeUserId, 'step_check', { stepCheck: 'name', stepDue: '' }),
      ],
    });
    if (applied) count += 1;
  }
  deps.logger.info({ count, by: ctx.actor.userId }, 'AEs asked to name the first step of earlier deals');
  return { kind: 'asked', count };
}

/**
 * The AE names the first step of a deal accepted before first steps (the New date modal, with the step's words):
 * checked as the accept checks it, stored, and its checks planned under the deal's policy.
 */
export async function nameStep(
  deps: EarlierStepDeps,
  req: RequestContext & { text: string | undefined; due: string | undefined },
  before: HandoffRow,
): Promise<NameStepResult> {
  const at = deps.clock.now();
  const ae = { id: before.aeUserId, timeZone: before.aeTimeZone, policy: policyRefOf(before) };
  const checked = checkFirstStep(
    { text: req.text ?? '', due: req.due, estimatedValue: '' },
    deps.today(at, ae),
    (date) => deps.closedDay(date, ae),
  );
  if (!checked.ok) {
    const field = checked.errors.text ? 'text' : 'due';
    return { kind: 'invalid', field, message: checked.errors.text ?? checked.errors.due ?? 'Pick a date.' };
  }
  const { text, due } = checked.step;
  const next = nextStepCheck(deps.schedule(due, ae), at);
  const applied = await deps.lifecycle.apply({
    event: 'name_step',
    before,
    actor: req.actor,
    at,
    change: {
      firstStep: text,
      firstStepDue: due,
      firstStepDoneAt: null,
      stepNewDates: 0,
      stepCheck: next?.check ?? null,
      nextStepCheckAt: next?.at ?? null,
    },
    detail: { step: text, due },
  });
  if (!applied) return { kind: 'not_now', handoff: before };
  deps.logger.info({ handoffId: before.id, due }, 'first step named on an earlier deal');
  return { kind: 'moved', handoff: applied.handoff, ownerTold: false };
}
