import type { TakenBack } from '../blocks/stepChecks.js';
import type { Clock } from '../clock.js';
import type { DirectoryUser } from '../core/directory.js';
import { applyTransition, type Lifecycle } from '../core/lifecycle.js';
import { reassignMessages, takenBackMessages } from '../core/notifications.js';
import { partnerThread } from '../core/partnerThread.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { Db, Tx } from '../db/client.js';
import { policyMovesOf } from '../db/repositories/escalation.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import type { Chosen, Mover, Skipped } from '../domain/moves.js';
import type { Logger } from '../logger.js';
import { takenBackTimes } from './firstSteps.js';
import { moveFacts } from './moves.js';
import { reassignChange } from './ownerActions.js';
import type { Policies } from './policies.js';
import type { PoolPicks } from './poolPicks.js';

export interface TakeBackDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  policies: Policies;
  windows: WindowPlanner;
  picks: Pick<PoolPicks, 'choose'>;
}

/** The pool's next AE for a take-back, chosen before the transaction (it reads Slack), or why there is none. */
type Pick_ =
  | { kind: 'owner' }
  | { kind: 'pool'; person: DirectoryUser; pool: string; poolName: string; skipped: Skipped[]; why?: string }
  | { kind: 'unassigned'; why: 'pool' | 'limit'; pool: string; poolName: string; skipped: Skipped[] };

async function pick(deps: TakeBackDeps, h: HandoffRow): Promise<Pick_> {
  const to = deps.policies.afterAccept(h).take_back?.to;
  if (to?.kind !== 'pool') return { kind: 'owner' };
  const pool = { pool: to.name, poolName: to.displayName ?? to.name };
  if ((await policyMovesOf(deps.db, h.id)) >= deps.policies.limits.reassignments)
    return { kind: 'unassigned', why: 'limit', ...pool, skipped: [] };
  const { person, skipped, why } = await deps.picks.choose(h, to.name);
  return person
    ? { kind: 'pool', person, ...pool, skipped, ...(why ? { why } : {}) }
    : { kind: 'unassigned', why: 'pool', ...pool, skipped };
}

/**
 * The policy's take-back of a silent first step, in one transaction: the deal leaves the AE who
 * accepted it (`taken_back`), and either waits for its owner (told, with Reassign and Withdraw) or goes on at once to
 * the next AE of the policy's pool with a fresh window, as an escalation's reassignment does (counted against the
 * policies' limit of moves). The AE it left is told; the partner is not: they hear of the next AE when that AE
 * accepts. Waits while the AE is away (the first steps' sweep checks before calling it). True when it moved.
 */
async function takeBack(deps: TakeBackDeps, h: HandoffRow, now: Date): Promise<boolean> {
  const level = deps.policies.afterAccept(h).take_back;
  const choice = await pick(deps, h);
  const policy = deps.policies.byName(h);
  const takenBack: TakenBack = {
    handedBack: false,
    step: h.firstStep ?? '',
    stepDue: h.firstStepDue ?? '',
    ...(level ? { days: level.days } : {}),
    ...(choice.kind === 'unassigned' ? { unassigned: choice.why, poolName: choice.poolName } : {}),
    // Moving on at once: the AE it left reads where it went, not that the owner decides.
    ...(choice.kind === 'pool' ? { movedTo: choice.person.id, poolName: choice.poolName } : {}),
  };
  const moved = await deps.lifecycle.run(async (tx) => {
    const taken = await applyTransition(
      tx,
      {
        event: 'take_back',
        before: h,
        actor: null,
        at: now,
        // The check the sweep read: a new date, an outcome or a hand-back meanwhile wins.
        expect: { nextStepCheckAt: h.nextStepCheckAt as Date },
        change: { takenBackAt: now, ...takenBackTimes(now) },
        detail: {
          due: h.firstStepDue,
          // The AE it left, by name: the CRM's activity is written once the deal may have moved on (crm/).
          aeName: h.aeName,
          policy: h.escalationPolicy ?? 'default',
          ...(h.policyVersion !== null ? { policyVersion: h.policyVersion } : {}),
          policyName: policy.displayName,
          to: choice.kind === 'pool' ? 'pool' : 'owner',
          ...(choice.kind === 'owner' ? {} : { pool: choice.pool, poolName: choice.poolName }),
          ...(choice.kind === 'unassigned' ? { unassigned: choice.why } : {}),
          ...(choice.kind !== 'owner' && choice.skipped.length > 0 ? { skipped: choice.skipped } : {}),
        },
        // Moving on at once: the AE it left is told here, the owner with the move (one message for the one event).
        owes: (_tx2, after) =>
          takenBackMessages(after, takenBack, { owner: choice.kind !== 'pool', ae: true }),
      },
      deps.lifecycle.hearers,
    );
    if (!taken) return undefined;
    if (choice.kind !== 'pool') return 'owner' as const;
    await moveOn(deps, tx, taken.handoff, choice, now);
    return 'pool' as const;
  });
  if (!moved) return false;
  deps.logger.info(
    { handoffId: h.id, from: h.aeUserId, to: moved, due: h.firstStepDue },
    'first step taken back',
  );
  return true;
}

/**
 * The take-back's second half, in its transaction: the deal goes on to the pool's next AE with a fresh window under
 * the same policy, as a policy's reassigning level moves it (and counted as one: `policyLevel`).
 */
async function moveOn(
  deps: TakeBackDeps,
  tx: Tx,
  current: HandoffRow,
  choice: Extract<Pick_, { kind: 'pool' }>,
  now: Date,
): Promise<void> {
  const level = deps.policies.afterAccept(current).take_back;
  const policy = deps.policies.byName(current);
  const days = current.windowDays ?? current.responseWindowDays;
  const { timeZone, ...window } = deps.windows.plan(now, days, choice.person, undefined, policy);
  const by: Mover = {
    kind: 'policy',
    policy: current.escalationPolicy ?? 'default',
    policyName: policy.displayName,
    level: 0,
    ...(level ? { afterStepDays: level.days } : {}),
  };
  const chosen: Chosen = { kind: 'pool', pool: choice.pool, poolName: choice.poolName };
  const reassigned = await applyTransition(
    tx,
    {
      event: 'reassign',
      before: current,
      actor: null,
      at: now,
      change: reassignChange(current, choice.person, timeZone, window),
      detail: {
        previousAeUserId: current.aeUserId,
        days,
        policy: by.policy,
        policyName: by.policyName,
        // Counted with the policies' moves (their limit is per handoff): the take-back is the level.
        policyLevel: 0,
        takenBack: true,
        pool: choice.pool,
        poolName: choice.poolName,
        ...(choice.skipped.length > 0 ? { skipped: choice.skipped } : {}),
        ...(choice.why ? { poolWhy: choice.why } : {}),
      },
      owes: async (tx2, updated) => {
        const move = { ...(await moveFacts(tx2, current, by, chosen)), to: updated.aeUserId };
        return reassignMessages(current, updated, await partnerThread(tx2, updated), move);
      },
    },
    deps.lifecycle.hearers,
  );
  // The same transaction saw the take-back commit its state: a refusal here is a bug, and rolls both back.
  if (!reassigned) throw new Error(`take-back of handoff ${current.id} could not reassign it`);
}

export function createTakeBacks(deps: TakeBackDeps) {
  return { takeBack: (h: HandoffRow, now: Date) => takeBack(deps, h, now) };
}
