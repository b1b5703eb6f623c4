import type { Executor } from '../db/client.js';
import { policyMovesOf } from '../db/repositories/escalation.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import type { Step } from '../domain/escalation.js';
import { lapsed } from '../domain/lifecycle.js';
import { type PlannedMove, plannedMove } from '../domain/moves.js';
import type { Policies } from './policies.js';

/**
 * What the escalation policies have done to a handoff and will do next, read where the owner is told: whether a step
 * is of the same moment as the expiry, how often the policies moved it, and the move a level will make if nobody acts
 * first (the away notice, the expiry notice and a failed try say it instead of asking the owner to act).
 */

/**
 * The step was already due when the handoff expired (the same sweep, or a catch-up after downtime): what it would
 * tell the owner is news of the same moment as their expiry notice, so it is told there, not in a second message.
 */
export const atExpiry = (h: HandoffRow, step: Step) =>
  lapsed(h.status) && h.expiredAt !== null && h.expiredAt.getTime() >= step.at;

/**
 * What a level of the handoff's policy will do in its window if nobody acts first (domain/moves.ts), told to the owner
 * instead of asking them to act; undefined when nothing will move it (then the owner is asked).
 */
export async function plannedMoveOf(
  exec: Executor,
  h: HandoffRow,
  policies: Pick<Policies, 'byName' | 'limits'>,
  cover: string | undefined,
  now: Date,
): Promise<PlannedMove | undefined> {
  const policy = policies.byName(h);
  if (!policy.levels.some((level) => level.action === 'reassign')) return undefined;
  const movesLeft = (await policyMovesOf(exec, h.id)) < policies.limits.reassignments;
  return plannedMove({
    policy,
    name: h.escalationPolicy ?? 'default',
    steps: h.escalationSteps ?? [],
    nextAt: h.nextEscalationAt?.getTime() ?? null,
    now: now.getTime(),
    cover,
    movesLeft,
  });
}
