import type { Clock } from '../clock.js';
import type { Directory, DirectoryUser } from '../core/directory.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { reassignMessages, stampOf } from '../core/notifications.js';
import { partnerThread } from '../core/partnerThread.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { Db, Tx } from '../db/client.js';
import { findOwnerExpiryNotice, policyMovesOf, setSurfaceParams } from '../db/repositories/escalation.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import { type AwayRules, awayFrom, coverRoutingReason } from '../domain/absence.js';
import { type Level, readablePolicyName, type Step } from '../domain/escalation.js';
import { type GuestPolicy, guestRefusal, guestWords, NO_GUESTS } from '../domain/guests.js';
import { lapsed } from '../domain/lifecycle.js';
import type { Chosen, PolicyRule, Skipped, Unassigned } from '../domain/moves.js';
import type { Logger } from '../logger.js';
import type { Covers } from './covers.js';
import { moveFacts } from './moves.js';
import { policyNoticeMessages, type ResolvedTargets } from './notices.js';
import { reassignChange } from './ownerActions.js';
import type { Policies } from './policies.js';
import { atExpiry, plannedMoveOf } from './policyPlans.js';
import type { PoolPicks } from './poolPicks.js';

export interface PolicyMoveDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  policies: Policies;
  directory: Directory;
  windows: WindowPlanner;
  away: AwayRules;
  covers?: Pick<Covers, 'activeFor'> | undefined;
  picks: PoolPicks;
  /** What an admin allows workspace guests (absent: a guest cover is not moved to). */
  guests?: GuestPolicy | undefined;
}

/**
 * An escalation policy's reassigning level: to the next AE of a pool (round robin, escalation/poolPicks.ts) or to the
 * AE's cover, with a fresh window under the same policy (whose levels run again), up to the policies' limit of moves
 * per handoff (`limits.reassignments`). When it cannot move the handoff the owner is told why (each pool member
 * passed over, and why), in their expiry notice when it is of the same moment.
 */
export function createPolicyMoves(deps: PolicyMoveDeps) {
  return {
    reassign: (h: HandoffRow, step: Step, level: Level, next: Step | undefined, now: Date) =>
      reassign(deps, h, step, level, next, now),
  };
}

/**
 * The owner's expiry notice of this window (the surface queued with the expiry), with `facts` added: it is brought
 * up to date in place. False when there is none to add to (the caller sends a message instead).
 */
async function addToExpiryNotice(
  tx: Tx,
  h: HandoffRow,
  facts: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  const notice = await findOwnerExpiryNotice(tx, h);
  if (!notice) return false;
  await setSurfaceParams(tx, notice.id, { ...notice.params, ...facts });
  await requestRefresh(tx, h.id, now);
  return true;
}

/**
 * The level as its messages name it: the policy (its id, and its name as people read it), its number, when it acts
 * and which try (domain/moves.ts).
 */
const ruleOf = (deps: PolicyMoveDeps, h: HandoffRow, step: Step, level: Level): PolicyRule => ({
  policy: h.escalationPolicy ?? 'default',
  ...(h.policyVersion !== null ? { policyVersion: h.policyVersion } : {}),
  policyName: deps.policies.byName(h).displayName,
  level: step.level + 1,
  at: level.at,
  repeat: step.repeat,
});

/** What the touch log says of a level that could not move the handoff. */
const UNASSIGNED_LOG: Record<Unassigned['why'], string> = {
  limit: 'the policies moved it as often as they may',
  pool: 'nobody in the pool could take it',
  cover: 'the cover could not take it',
};

/**
 * A reassigning level could not move the handoff: the owner is told why (in their expiry notice when it is of the
 * same moment, else by DM with their buttons), and the touch log records it.
 */
async function tellUnassigned(
  deps: PolicyMoveDeps,
  h: HandoffRow,
  step: Step,
  level: Level,
  next: Step | undefined,
  now: Date,
  facts: Omit<Unassigned, keyof PolicyRule>,
): Promise<'unassigned'> {
  const unassigned: Unassigned = { ...ruleOf(deps, h, step, level), ...facts };
  const owner: ResolvedTargets = { channels: [], people: [h.ownerUserId] };
  await deps.lifecycle.apply({
    event: 'escalate',
    before: h,
    actor: null,
    at: now,
    expect: { nextEscalationAt: h.nextEscalationAt },
    change: { nextEscalationAt: next ? new Date(next.at) : null },
    detail: {
      policy: unassigned.policy,
      policyName: unassigned.policyName,
      policyLevel: unassigned.level,
      repeat: step.repeat,
      action: 'reassign',
      to: [h.ownerUserId],
      unassigned: UNASSIGNED_LOG[facts.why],
      ...(facts.pool ? { pool: facts.pool, poolName: facts.poolName } : {}),
      ...(facts.skipped ? { skipped: facts.skipped } : {}),
      ...(facts.limit !== undefined ? { limit: facts.limit } : {}),
      ...(facts.coverWhy ? { cover: facts.cover ?? null, coverWhy: facts.coverWhy } : {}),
    },
    owes: async (tx, after) => {
      // A later try of the policy, if one will come: said instead of asking the owner to act.
      const cover = (await deps.covers?.activeFor(after.aeUserId, after.aeTimeZone, tx))?.coverUserId;
      const plan = await plannedMoveOf(tx, after, deps.policies, cover, now);
      // Of the same moment as the expiry: told in the expiry notice only, not in a second message.
      if (atExpiry(after, step) && (await addToExpiryNotice(tx, after, { unassigned, plan }, now))) return [];
      // Later: the expiry notice no longer says this try will move it (only a later try, if one will come).
      if (lapsed(after.status)) await addToExpiryNotice(tx, after, { plan }, now);
      // The owner's buttons move to this notice: their older notices are brought up to date without them.
      await requestRefresh(tx, after.id, now);
      return policyNoticeMessages(after, step, owner, { unassigned, ...(plan ? { plan } : {}) });
    },
  });
  deps.logger.warn({ handoffId: h.id, ...unassigned }, 'escalation could not reassign the handoff');
  return 'unassigned';
}

async function reassign(
  deps: PolicyMoveDeps,
  h: HandoffRow,
  step: Step,
  level: Level,
  next: Step | undefined,
  now: Date,
): Promise<'reassigned' | 'unassigned' | 'none'> {
  const target = level.to[0];
  if (target?.kind !== 'pool' && target?.kind !== 'cover') return 'none';
  const limit = deps.policies.limits.reassignments;
  if ((await policyMovesOf(deps.db, h.id)) >= limit)
    return tellUnassigned(deps, h, step, level, next, now, { why: 'limit', limit });
  if (target.kind === 'cover') return reassignToCover(deps, h, step, level, next, now);
  const { person, skipped, why } = await deps.picks.choose(h, target.name);
  const pool = { pool: target.name, poolName: target.displayName ?? readablePolicyName(target.name) };
  if (!person) return tellUnassigned(deps, h, step, level, next, now, { why: 'pool', ...pool, skipped });
  return moveTo(deps, h, step, level, person, { kind: 'pool', ...pool }, skipped, why);
}

/** Reassigns the handoff by a policy level to `person` with a fresh window under the same policy. */
async function moveTo(
  deps: PolicyMoveDeps,
  h: HandoffRow,
  step: Step,
  level: Level,
  person: DirectoryUser,
  chosen: Chosen,
  skipped: Skipped[],
  /** Why the pool chose them, when its weights or fairness decided. */
  poolWhy?: string,
): Promise<'reassigned' | 'none'> {
  const now = deps.clock.now();
  // The handoff as it is now (the choice took a moment): the transition's guard checks it did not move.
  const current = await findHandoff(deps.db, h.id);
  if (!current || current.nextEscalationAt?.getTime() !== h.nextEscalationAt?.getTime()) return 'none';
  const policy = deps.policies.byName(current);
  const days = current.windowDays ?? current.responseWindowDays;
  const { timeZone, ...window } = deps.windows.plan(now, days, person, undefined, policy);
  const by = { kind: 'policy' as const, ...ruleOf(deps, current, step, level) };
  const applied = await deps.lifecycle.apply({
    event: 'reassign',
    before: current,
    actor: null,
    at: now,
    expect: { nextEscalationAt: current.nextEscalationAt },
    change: {
      ...reassignChange(current, person, timeZone, window),
      // Why this AE: the cover answers for the AE it covers (the CSV's routing_reason, the packet's line).
      ...(chosen.kind === 'cover' ? { routingReason: coverRoutingReason(current.aeName) } : {}),
    },
    detail: {
      previousAeUserId: current.aeUserId,
      days,
      policy: by.policy,
      policyName: by.policyName,
      policyLevel: by.level,
      ...(chosen.kind === 'pool' ? { pool: chosen.pool, poolName: chosen.poolName } : {}),
      // Who acts for whom: the cover answers for the AE it covers.
      ...(chosen.kind === 'cover' ? { coverFor: current.aeUserId } : {}),
      ...(skipped.length > 0 ? { skipped } : {}),
      ...(poolWhy ? { poolWhy } : {}),
    },
    owes: async (tx, updated) => {
      const move = { ...(await moveFacts(tx, current, by, chosen)), to: updated.aeUserId };
      const messages = reassignMessages(current, updated, await partnerThread(tx, updated), move);
      // Expired in the same sweep: the owner's expiry notice tells the move too, and is about the handoff as moved
      // (its stamp), so it is one message for the one event, with their buttons; no second notice to them.
      const folded =
        atExpiry(current, step) &&
        (await addToExpiryNotice(tx, current, { move, stamp: stampOf(updated) }, now));
      if (!folded) return messages;
      return messages.filter(
        (m) =>
          !(
            'surface' in m &&
            m.surface?.kind === 'reassigned_notice' &&
            m.surface.viewer === updated.ownerUserId
          ),
      );
    },
  });
  if (!applied) return 'none';
  deps.logger.info(
    { handoffId: h.id, from: current.aeUserId, to: person.id, ...chosen, skipped: skipped.length },
    'escalation reassigned the handoff',
  );
  return 'reassigned';
}

/** A level that reassigns to the AE's cover: them if named and able to take it, else the owner is told why. */
async function reassignToCover(
  deps: PolicyMoveDeps,
  h: HandoffRow,
  step: Step,
  level: Level,
  next: Step | undefined,
  now: Date,
): Promise<'reassigned' | 'unassigned' | 'none'> {
  const named = await deps.covers?.activeFor(h.aeUserId, h.aeTimeZone);
  if (!named)
    return tellUnassigned(deps, h, step, level, next, now, { why: 'cover', coverWhy: 'none named' });
  const cover = named.coverUserId;
  const person = await deps.directory.lookupUser(cover);
  const away = person ? awayFrom(await deps.directory.status?.(person.id), deps.away, now) : undefined;
  // A cover who owns or wrote the handoff cannot be its AE (the packet refuses both).
  const why = !person
    ? 'not found in our workspace'
    : person.deleted
      ? 'deactivated'
      : person.isBot
        ? 'a bot'
        : person.guest && guestRefusal(person, 'cover', deps.guests ?? NO_GUESTS)
          ? guestWords(person.guest)
          : away
            ? `away (${away.status})`
            : person.id === h.ownerUserId
              ? 'the owner'
              : person.id === h.authorUserId
                ? 'the author'
                : undefined;
  if (why || !person)
    return tellUnassigned(deps, h, step, level, next, now, { why: 'cover', cover, coverWhy: why });
  return moveTo(deps, h, step, level, person, { kind: 'cover' }, []);
}
