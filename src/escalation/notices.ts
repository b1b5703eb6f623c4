import { dm, messageKey, post, surface } from '../core/notifications.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import type { HandoffRow } from '../db/schema.js';
import type { Target } from '../domain/escalation.js';
import { awaitsAe } from '../domain/lifecycle.js';
import type { PlannedMove } from '../domain/moves.js';

/**
 * What the response window's events owe, as outbox rows (see core/notifications.ts for the rows and their keys):
 * reminders to the AE, the expiry's notices, and an escalation policy's levels (a notice in a channel or by DM, the
 * owner told the AE went away).
 */

/** One reminder (the `index`-th point of the current window), linking to the AE's packet message. */
export function reminderMessages(h: HandoffRow, index: number, now: Date): OutboxMessage[] {
  return [
    post(
      h,
      `c${h.cycle}:reminder:${index}`,
      h.aeUserId,
      surface(h, 'reminder', h.aeUserId, { at: now.getTime() }),
      {
        permalinkOf: messageKey.aeDm(h),
      },
    ),
  ];
}

/**
 * A deal back with its owner and given to nobody: the owner's reminder of the morning, and their
 * manager told with one of them. Keyed by the owner's day, so a sweep that runs twice reminds once.
 */
export function unassignedMessages(
  h: HandoffRow,
  waiting: { since: number; sinceDay: string; days: number; day: string },
  manager: string | undefined,
): OutboxMessage[] {
  const event = `c${h.cycle}:unassigned`;
  const { day, ...stillWaiting } = waiting;
  return [
    dm(h, `${event}:${day}:owner`, h.ownerUserId, 'taken_back_notice', { stillWaiting }),
    ...(manager ? [dm(h, `${event}:manager`, manager, 'taken_back_notice', { stillWaiting })] : []),
  ];
}

export interface EscalationTargets {
  channelId: string | undefined;
  managers: Record<string, string>;
}

/**
 * What showed, at an expiry, that the AE was away in the window: the Slack status seen, or the days away they gave
 * (a cover named is no absence: issue 50).
 */
export interface AwayAtExpiry {
  status?: string;
  days?: string;
}

/** The expiry surfaces' params for an absence (none when the AE was not known to be away). */
const awayParams = (away: AwayAtExpiry | undefined): Record<string, unknown> => ({
  ...(away?.status ? { expiredAway: away.status } : {}),
  ...(away?.days ? { expiredDays: away.days } : {}),
});

/** Expiry: the owner gets the recovery buttons, escalation goes where configured. */
export function expiryMessages(
  h: HandoffRow,
  escalation: EscalationTargets,
  /** What showed the AE was away in this window (their status, a cover), if anything did. */
  away?: AwayAtExpiry,
): OutboxMessage[] {
  const event = `c${h.cycle}:expired`;
  const extra = awayParams(away);
  const messages = [dm(h, `${event}:owner`, h.ownerUserId, 'expired_owner', extra)];
  // Never into the handoff's own partner channel, even if misconfigured that way: escalations are internal.
  if (escalation.channelId && escalation.channelId !== h.partnerChannelId) {
    messages.push(
      post(h, `${event}:escalation`, escalation.channelId, surface(h, 'escalation', null, extra)),
    );
  }
  const manager = escalation.managers[h.aeUserId];
  // One notice per person: a manager who owns the handoff has its expiry notice (with the buttons) already.
  if (manager && manager !== h.ownerUserId)
    messages.push(dm(h, `${event}:manager`, manager, 'escalation', extra));
  return messages;
}

/** Who a policy level's targets are, for one handoff (pools resolved to their members by the caller). */
export interface ResolvedTargets {
  channels: string[];
  /** People told by DM: the AE, the owner, the AE's manager, members of a pool, as the level names them. */
  people: string[];
}

/** Resolves a level's targets for this handoff: the manager from ESCALATION_MANAGERS, pools from `poolMembers`. */
export function resolveTargets(
  h: HandoffRow,
  targets: readonly Target[],
  managers: Record<string, string>,
  poolMembers: Record<string, string[]>,
  /** The AE's cover now, if they named one. */
  cover?: string,
): ResolvedTargets {
  const channels: string[] = [];
  const people: string[] = [];
  for (const t of targets) {
    if (t.kind === 'channel') channels.push(t.id);
    else if (t.kind === 'ae') people.push(h.aeUserId);
    else if (t.kind === 'owner') people.push(h.ownerUserId);
    else if (t.kind === 'cover') {
      if (cover) people.push(cover);
    } else if (t.kind === 'manager') {
      const manager = managers[h.aeUserId];
      if (manager) people.push(manager);
    } else people.push(...(poolMembers[t.name] ?? []));
  }
  return { channels: [...new Set(channels)], people: [...new Set(people)] };
}

/**
 * A policy level's notification (`escalation` surfaces: in a channel, or a DM to each person), keyed by window,
 * level and repeat so it is queued once. Never into the handoff's own partner channel: escalations are internal.
 */
export function policyNoticeMessages(
  h: HandoffRow,
  step: { level: number; repeat: number },
  targets: ResolvedTargets,
  /** What else the notice reports (a reassignment the level could not make, and why: `unassigned`). */
  facts: Record<string, unknown> = {},
): OutboxMessage[] {
  const event = `c${h.cycle}:level${step.level}:${step.repeat}`;
  const extra = { level: step.level + 1, waiting: awaitsAe(h.status), ...facts };
  return [
    ...targets.channels
      .filter((channel) => channel !== h.partnerChannelId)
      .map((channel) => post(h, `${event}:${channel}`, channel, surface(h, 'escalation', null, extra))),
    ...targets.people.map((user) => dm(h, `${event}:${user}`, user, 'escalation', extra)),
  ];
}

/**
 * The AE went away during the window: the owner is told once per window (an `escalation` surface with the owner's
 * buttons while it is current), with the cover the AE named, if any.
 */
export function awayNoticeMessages(
  h: HandoffRow,
  away: { status: string; until: number | null; cover: string | undefined; days?: string | undefined },
  /** What a level of the policy will do if the AE does not answer: said instead of asking the owner to act. */
  plan?: PlannedMove,
): OutboxMessage[] {
  const extra = {
    waiting: true,
    away: away.status,
    ...(away.until !== null ? { back: away.until } : {}),
    ...(away.cover ? { cover: away.cover } : {}),
    ...(away.days ? { awayDays: away.days } : {}),
    ...(plan ? { plan } : {}),
  };
  return [dm(h, `c${h.cycle}:away:owner`, h.ownerUserId, 'escalation', extra)];
}

/** Expiry under a policy of the file: the owner's notice, and the expiry levels' targets (as the default does). */
export function policyExpiryMessages(
  h: HandoffRow,
  targets: ResolvedTargets,
  away?: AwayAtExpiry,
  /** What a level of the policy will do next (the owner's notice says so instead of asking them to act). */
  plan?: PlannedMove,
): OutboxMessage[] {
  const event = `c${h.cycle}:expired`;
  const extra = awayParams(away);
  return [
    dm(h, `${event}:owner`, h.ownerUserId, 'expired_owner', { ...extra, ...(plan ? { plan } : {}) }),
    ...targets.channels
      .filter((channel) => channel !== h.partnerChannelId)
      .map((channel) =>
        post(h, `${event}:escalation:${channel}`, channel, surface(h, 'escalation', null, extra)),
      ),
    ...targets.people
      .filter((user) => user !== h.ownerUserId)
      .map((user) => dm(h, `${event}:to:${user}`, user, 'escalation', extra)),
  ];
}
