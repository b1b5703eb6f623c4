import { isoDateIn } from './businessDays.js';
import { aeHasDeal, type HandoffStatus } from './lifecycleState.js';
import type { Outcome } from './outcomes.js';

/**
 * An accepted deal's first step while it is open, as the App Homes list it: `due` while its date is today
 * or ahead in the AE's calendar ("accepted: next step due Tue 2 Dec"), `idle` once that date has passed with no
 * outcome recorded ("accepted: idle"). A step is open from the accept until an outcome is recorded (the step done);
 * a deal accepted without one (before issue 51) has none.
 */
export interface OpenStep {
  kind: 'due' | 'idle';
  step: string;
  /** YYYY-MM-DD in the AE's calendar: the latest date the step was given. */
  due: string;
}

export interface StepFacts {
  status: HandoffStatus;
  outcome: Outcome | null;
  firstStep: string | null;
  firstStepDue: string | null;
  firstStepDoneAt: Date | null;
  aeTimeZone: string;
}

/** Outcome steps after which a deal is still being worked: won and lost close it. */
const WORKED: readonly (Outcome | null)[] = [null, 'meeting_held', 'opportunity_created'];

/**
 * Whether an accepted deal has gone quiet: one definition, which the App Homes and the digest both
 * read. Still being worked, and either its first step's date has passed with nothing recorded (`idle`), or its AE was
 * due a nudge for news (no outcome update for STALL_BUSINESS_DAYS: `stallNudgedAt`, cleared by the next step).
 */
export function goneQuiet(h: StepFacts & { stallNudgedAt: Date | null }, now: Date): boolean {
  if (!aeHasDeal(h.status) || !WORKED.includes(h.outcome)) return false;
  return h.stallNudgedAt !== null || openStep(h, now)?.kind === 'idle';
}

/** The deal's open first step at `now`, or undefined when it has none open. */
export function openStep(h: StepFacts, now: Date): OpenStep | undefined {
  if (!aeHasDeal(h.status) || h.outcome !== null || h.firstStepDoneAt) return undefined;
  if (!h.firstStep || !h.firstStepDue) return undefined;
  const idle = isoDateIn(now, h.aeTimeZone) > h.firstStepDue;
  return { kind: idle ? 'idle' : 'due', step: h.firstStep, due: h.firstStepDue };
}
