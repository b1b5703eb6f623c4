import type { Clock } from '../clock.js';
import { type Directory, DirectoryUnavailableError } from '../core/directory.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { Db } from '../db/client.js';
import { findEscalationsDue } from '../db/repositories/escalation.js';
import { type HandoffRow, updateIfUnchanged } from '../db/repositories/handoffs.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import type { AwayRules } from '../domain/absence.js';
import { dueStep, type Level, type Step } from '../domain/escalation.js';
import type { GuestPolicy } from '../domain/guests.js';
import { awaitsAe, ESCALATING_STATUSES, lapsed } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import { createAwayCheck } from './awayCheck.js';
import { createCoverReturns } from './coverReturns.js';
import type { Covers } from './covers.js';
import { policyNoticeMessages, type ResolvedTargets, resolveTargets } from './notices.js';
import type { Policies } from './policies.js';
import { createPolicyMoves } from './policyMoves.js';
import { atExpiry } from './policyPlans.js';
import { createPoolPicks } from './poolPicks.js';
import { createTakeBacks } from './takeBacks.js';

export interface EscalationDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  policies: Policies;
  directory: Directory;
  windows: WindowPlanner;
  managers: Record<string, string>;
  /** A pool member holding this many open handoffs (waiting for their answer) is skipped (a pool's cap wins). */
  maxOpenPerAe: number;
  /** A member's own pause from their pools: round robin passes them over while it lasts. */
  pausedOf?: (userId: string) => string | undefined;
  away: AwayRules;
  /**
   * Covers named with `/handoff cover`: a level may notify the AE's cover, or reassign to it; the days away an AE gave
   * with it are an absence (the away check).
   */
  covers?: Pick<Covers, 'activeFor' | 'awayNow'> & Partial<Pick<Covers, 'awayDays'>>;
  /** Members of our workspaces (a pool member of another organization is never chosen). */
  internalTeamIds: () => readonly string[];
  /** What an admin allows workspace guests (absent: a guest is never picked from a pool or moved to as a cover). */
  guests?: GuestPolicy;
  batchSize?: number;
  /** Wakes the outbox for what a step queued outside the lifecycle (the "While you were away" DMs). */
  onOutboxWrite?: () => void;
}

export interface EscalationResult {
  notified: number;
  reassigned: number;
  /** Reassignments nobody could take (all skipped, no cover, or the policies' limit reached): the owner was told. */
  unassigned: number;
}

/**
 * Carries out the escalation policies' steps that are due: notifications (a channel, the manager, the owner, the AE,
 * a pool) and reassignments to the next AE of a pool, round robin (escalation/poolPicks.ts), or to the AE's cover. A
 * reassignment starts a fresh window under the same policy, whose levels run again, up to the policies' limit of
 * moves per handoff (`limits.reassignments`); when a level cannot move it, the owner is told why. After downtime only
 * the latest due step of a window runs (older notices are stale news). Every step is one guarded transition: a
 * handoff answered, extended or reassigned meanwhile is left alone.
 */
export function createEscalations(deps: EscalationDeps) {
  const picks = createPoolPicks(deps);
  const awayCheck = createAwayCheck(deps);
  const coverReturns = createCoverReturns(deps);
  const moves = createPolicyMoves({ ...deps, picks });
  const takeBacks = createTakeBacks({ ...deps, picks });
  return {
    run: (): Promise<EscalationResult> => run(deps, moves),
    /** After the Accept: the policy's take-back of a silent first step (to the owner, or a pool). */
    takeBack: takeBacks.takeBack,
    checkAway: awayCheck.checkAway,
    /** An AE back from an absence is told of the handoffs that went to their cover (escalation/coverReturns.ts). */
    tellReturned: coverReturns.tellReturned,
    nextFromPool: picks.nextFromPool,
  };
}

export type Escalations = ReturnType<typeof createEscalations>;

type PolicyMoves = ReturnType<typeof createPolicyMoves>;

/** Handoffs per page of what is due. */
const batchOf = (deps: EscalationDeps) => deps.batchSize ?? 50;

function duePage(deps: EscalationDeps, now: Date, afterId: number): Promise<HandoffRow[]> {
  return findEscalationsDue(deps.db, now, afterId, batchOf(deps));
}

async function advance(
  deps: EscalationDeps,
  h: HandoffRow,
  next: Step | undefined,
  now: Date,
): Promise<void> {
  await deps.db.transaction((tx) =>
    updateIfUnchanged(
      tx,
      h.id,
      { statuses: ESCALATING_STATUSES, cycle: h.cycle, nextEscalationAt: h.nextEscalationAt },
      { nextEscalationAt: next ? new Date(next.at) : null, updatedAt: now },
    ),
  );
}

/** A level's notification to its targets (the owner's part of it told in their expiry notice when at expiry). */
async function notify(
  deps: EscalationDeps,
  h: HandoffRow,
  step: Step,
  level: Level,
  next: Step | undefined,
  now: Date,
  pools: Record<string, string[]>,
) {
  const cover = (await deps.covers?.activeFor(h.aeUserId, h.aeTimeZone))?.coverUserId;
  const resolved = resolveTargets(h, level.to, deps.managers, pools, cover);
  const targets: ResolvedTargets = atExpiry(h, step)
    ? { ...resolved, people: resolved.people.filter((user) => user !== h.ownerUserId) }
    : resolved;
  return deps.lifecycle.apply({
    event: 'escalate',
    before: h,
    actor: null,
    at: now,
    expect: { nextEscalationAt: h.nextEscalationAt },
    change: { nextEscalationAt: next ? new Date(next.at) : null },
    detail: {
      policy: h.escalationPolicy ?? 'default',
      // The version that acted: the one the handoff is pinned to.
      ...(h.policyVersion !== null ? { policyVersion: h.policyVersion } : {}),
      policyName: deps.policies.byName(h).displayName,
      policyLevel: step.level + 1,
      repeat: step.repeat,
      action: level.action,
      to: [...targets.channels, ...targets.people],
    },
    owes: async (tx, after) => {
      // A DM to the owner carries their buttons now: their older notices are brought up to date without them.
      if (targets.people.includes(after.ownerUserId)) await requestRefresh(tx, after.id, now);
      return policyNoticeMessages(after, step, targets);
    },
  });
}

async function handle(
  deps: EscalationDeps,
  moves: PolicyMoves,
  h: HandoffRow,
  now: Date,
  result: EscalationResult,
): Promise<void> {
  const steps = h.escalationSteps ?? [];
  const { due, next } = dueStep(steps, now.getTime());
  const policy = deps.policies.byName(h);
  const level = due ? policy.levels[due.level] : undefined;
  if (!due || !level) {
    await advance(deps, h, next, now);
    return;
  }
  // A step from the due time on waits for the expiry (the sweep expires first); one before it needs the AE still asked.
  const afterDue = due.at >= h.dueAt.getTime();
  if ((afterDue && !lapsed(h.status)) || (!afterDue && !awaitsAe(h.status))) {
    await advance(deps, h, next, now);
    return;
  }
  if (level.action === 'reassign') {
    const outcome = await moves.reassign(h, due, level, next, now);
    if (outcome === 'reassigned') result.reassigned += 1;
    if (outcome === 'unassigned') result.unassigned += 1;
    return;
  }
  const pools: Record<string, string[]> = {};
  for (const t of level.to) if (t.kind === 'pool') pools[t.name] = await deps.policies.members(t.name);
  if (await notify(deps, h, due, level, next, now, pools)) result.notified += 1;
}

/** Runs every due step (after the sweep's expiries, so steps at the due time see the handoff expired). */
async function run(deps: EscalationDeps, moves: PolicyMoves): Promise<EscalationResult> {
  const result: EscalationResult = { notified: 0, reassigned: 0, unassigned: 0 };
  const now = deps.clock.now();
  let afterId = 0;
  for (
    let page = await duePage(deps, now, afterId);
    page.length > 0;
    page = await duePage(deps, now, afterId)
  ) {
    for (const h of page) {
      afterId = h.id;
      try {
        await handle(deps, moves, h, now, result);
      } catch (error) {
        // One handoff must not hold back the others; Slack not answering (a pool's members) is tried next minute.
        const level = error instanceof DirectoryUnavailableError ? 'warn' : 'error';
        deps.logger[level](
          { err: error, handoffId: h.id },
          'escalation step could not run; trying again next sweep',
        );
      }
    }
    if (page.length < batchOf(deps)) break;
  }
  if (result.notified + result.reassigned + result.unassigned > 0)
    deps.logger.info({ ...result }, 'escalation steps run');
  return result;
}
