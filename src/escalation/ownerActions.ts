import type { OwnerCheck, OwnerRefusal, OwnerResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import {
  type Directory,
  DirectoryUnavailableError,
  type DirectoryUser,
  personRefusal,
} from '../core/directory.js';
import type { Lifecycle, TransitionSpec } from '../core/lifecycle.js';
import { extendMessages, reassignMessages, withdrawMessages } from '../core/notifications.js';
import { partnerThread } from '../core/partnerThread.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import type { WindowPlan, WindowPlanner } from '../core/responseWindow.js';
import type { Db } from '../db/client.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import type { NewHandoffRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import type { GuestPolicy } from '../domain/guests.js';
import { awaitsAe, type OwnerAction, check as policy } from '../domain/lifecycle.js';
import type { Mover } from '../domain/moves.js';
import { RESPONSE_WINDOW } from '../domain/packet.js';
import type { Logger } from '../logger.js';
import { moreTimeGrantedMessages } from './askMessages.js';
import { moveFacts } from './moves.js';
import type { Policies } from './policies.js';

export interface OwnerActionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  windows: WindowPlanner;
  /** An overdue handoff is expired (and escalated) before any owner action, so silence is always recorded. */
  expireIfDue: (handoff: HandoffRow, now: Date) => Promise<HandoffRow>;
  adminUserIds: readonly string[];
  lifecycle: Lifecycle;
  /** The handoff's escalation policy plans the new window (absent: the REMINDERS setting). */
  policies?: Policies;
  /** What an admin allows workspace guests (absent: a guest is never the new AE). */
  guests?: GuestPolicy;
}

/** What a reassignment changes: the new AE, a new assignment and window (undecided, not expired). */
export function reassignChange(
  before: HandoffRow,
  ae: Pick<DirectoryUser, 'id' | 'teamId' | 'name'>,
  timeZone: string,
  window: WindowPlan,
): Partial<NewHandoffRow> {
  return {
    aeUserId: ae.id,
    aeTeamId: ae.teamId,
    aeName: ae.name,
    aeTimeZone: timeZone,
    assignment: before.assignment + 1,
    cycle: before.cycle + 1,
    decidedAt: null,
    expiredAt: null,
    ...window,
    // The new AE is asked as the new window starts (the time to decision counts from here).
    askedAt: window.windowStartedAt,
    // The old AE's question no longer pauses anything: the new AE has a window of their own.
    pausedAt: null,
    pauseEndsAt: null,
    // "Why this AE" was the CRM's owner, said of the AE it went to first: not of the new one.
    routingReason: null,
  };
}

/**
 * The window `days` business days longer: an open window grows by them (same start, longer window, reminders still
 * ahead kept; while the AE's question pauses it, nothing is reminded or escalated until it runs again); an expired one
 * starts again now. A new cycle, the expiry cleared. Extend, and the more time the AE asked for, change it so.
 */
export function extendedWindow(
  deps: Pick<OwnerActionDeps, 'windows' | 'policies'>,
  before: HandoffRow,
  days: number,
  now: Date,
): Partial<NewHandoffRow> {
  const ae = { id: before.aeUserId, timeZone: before.aeTimeZone };
  const policy = deps.policies?.byName(before);
  const { timeZone: _zone, ...planned } = awaitsAe(before.status)
    ? deps.windows.plan(
        before.windowStartedAt ?? before.sentAt,
        (before.windowDays ?? before.responseWindowDays) + days,
        ae,
        now,
        policy,
      )
    : deps.windows.plan(now, days, ae, undefined, policy);
  const paused =
    awaitsAe(before.status) && before.pausedAt ? { nextReminderAt: null, nextEscalationAt: null } : {};
  return { cycle: before.cycle + 1, expiredAt: null, ...planned, ...paused };
}

/** Who moved it by hand: its owner, or an admin standing in for them. */
const moverOf = (h: HandoffRow, userId: string): Mover => ({
  kind: 'person',
  user: userId,
  role: userId === h.ownerUserId ? 'owner' : 'admin',
});

/** What the owner's actions check and answer: in blocks/results.ts, where the replies read it. */
export type { OwnerCheck, OwnerRefusal, OwnerResult } from '../blocks/results.js';

type OwnerRequest = RequestContext & { handoffId: number };

function validDays(days: number): boolean {
  return Number.isInteger(days) && days >= RESPONSE_WINDOW.min && days <= RESPONSE_WINDOW.max;
}

/** Reassign, extend, withdraw: only the owner (or a configured admin) of an internal workspace, in the right state. */
export function createOwnerActions(deps: OwnerActionDeps) {
  return {
    check: (req: OwnerRequest, action: OwnerAction): Promise<OwnerCheck> => check(deps, req, action),
    reassign: (
      req: OwnerRequest & { cycle: number; newAeUserId: string; days: number },
    ): Promise<OwnerResult> => reassign(deps, req),
    extend: (req: OwnerRequest & { cycle: number; days: number }): Promise<OwnerResult> => extend(deps, req),
    withdraw: (req: OwnerRequest & { cycle?: number }): Promise<OwnerResult> => withdraw(deps, req),
    grantMoreTime: (req: OwnerRequest): Promise<OwnerResult> => grantMoreTime(deps, req),
  };
}

/** More time given (the owner's click, or at once): the days the AE asked for, added as Extend adds them. */
export function grantSpec(
  deps: Pick<OwnerActionDeps, 'windows' | 'policies'>,
  before: HandoffRow,
  by: OwnerRequest['actor'] | null,
  now: Date,
): TransitionSpec<undefined> {
  const days = before.moreTimeDays ?? 0;
  return {
    event: 'grant_more_time',
    before,
    actor: by,
    at: now,
    change: { ...extendedWindow(deps, before, days, now), moreTime: 'granted' },
    detail: { days },
    owes: (_tx, updated) => moreTimeGrantedMessages(updated, days, by?.userId ?? null),
  };
}

/** The owner's one click on the AE's request for more time (an admin's too). */
async function grantMoreTime(deps: OwnerActionDeps, req: OwnerRequest): Promise<OwnerResult> {
  const checked = await check(deps, req, 'grant_more_time');
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  const after = await deps.lifecycle.apply(grantSpec(deps, before, req.actor, deps.clock.now()));
  return committed(deps, after, before, 'grant_more_time');
}

async function check(deps: OwnerActionDeps, req: OwnerRequest, action: OwnerAction): Promise<OwnerCheck> {
  if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
  const found = Number.isSafeInteger(req.handoffId) ? await findHandoff(deps.db, req.handoffId) : undefined;
  if (!found) return { kind: 'not_found' };
  const handoff = await deps.expireIfDue(found, deps.clock.now());
  const verdict = policy(viewerOf(req, deps.adminUserIds), action, handoff);
  if (verdict === 'external') return { kind: 'external' };
  if (verdict === 'not_allowed') {
    deps.logger.warn(
      { handoffId: handoff.id, userId: req.actor.userId, action },
      'owner action refused: not the owner',
    );
    return { kind: 'not_owner', handoff };
  }
  if (verdict === 'not_now') return { kind: 'not_now', handoff, action };
  return { kind: 'ok', handoff };
}

/** The modal must still describe the handoff: same window cycle as when it was opened. */
async function checkCurrent(
  deps: OwnerActionDeps,
  req: OwnerRequest & { cycle: number },
  action: OwnerAction,
): Promise<OwnerCheck | OwnerRefusal> {
  const checked = await check(deps, req, action);
  if (checked.kind === 'ok' && checked.handoff.cycle !== req.cycle)
    return { kind: 'changed', handoff: checked.handoff };
  return checked;
}

async function committed(
  deps: OwnerActionDeps,
  applied: { handoff: HandoffRow } | undefined,
  before: HandoffRow,
  action: OwnerAction,
): Promise<OwnerResult> {
  if (!applied) return { kind: 'changed', handoff: (await findHandoff(deps.db, before.id)) ?? before };
  const { handoff } = applied;
  deps.logger.info({ handoffId: handoff.id, action, ae: handoff.aeUserId }, `handoff ${action}`);
  return { kind: 'done', handoff };
}

async function reassign(
  deps: OwnerActionDeps,
  req: OwnerRequest & { cycle: number; newAeUserId: string; days: number },
): Promise<OwnerResult> {
  const checked = await checkCurrent(deps, req, 'reassign');
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  if (!validDays(req.days)) return { kind: 'invalid', field: 'days', message: 'Use 1 to 10 business days.' };
  if (req.newAeUserId === before.aeUserId) {
    return {
      kind: 'invalid',
      field: 'newAe',
      message: 'Choose a different account executive, or extend instead.',
    };
  }
  if (req.newAeUserId === before.ownerUserId) {
    return { kind: 'invalid', field: 'newAe', message: 'The owner cannot be the AE; choose someone else.' };
  }
  if (req.newAeUserId === before.authorUserId) {
    return {
      kind: 'invalid',
      field: 'newAe',
      message: 'The author of the handoff cannot be its AE; choose someone else.',
    };
  }
  let ae: Awaited<ReturnType<Directory['lookupUser']>>;
  try {
    ae = await deps.directory.lookupUser(req.newAeUserId);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    return {
      kind: 'invalid',
      field: 'newAe',
      message: 'I could not check this with Slack just now. Please try again.',
    };
  }
  const problem = personRefusal(ae, req.internalTeamIds, 'an account executive', deps.guests);
  if (problem || !ae) return { kind: 'invalid', field: 'newAe', message: problem ?? 'Choose someone else.' };

  const now = deps.clock.now();
  const { timeZone, ...window } = deps.windows.plan(
    now,
    req.days,
    ae,
    undefined,
    deps.policies?.byName(before),
  );
  const after = await deps.lifecycle.apply({
    event: 'reassign',
    before,
    actor: req.actor,
    at: now,
    change: reassignChange(before, ae, timeZone, window),
    detail: { previousAeUserId: before.aeUserId, days: req.days },
    owes: async (tx, updated) => {
      const thread = await partnerThread(tx, updated);
      const facts = await moveFacts(tx, before, moverOf(before, req.actor.userId), { kind: 'picked' });
      return reassignMessages(before, updated, thread, facts);
    },
  });
  return committed(deps, after, before, 'reassign');
}

async function extend(
  deps: OwnerActionDeps,
  req: OwnerRequest & { cycle: number; days: number },
): Promise<OwnerResult> {
  const checked = await checkCurrent(deps, req, 'extend');
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  if (!validDays(req.days)) return { kind: 'invalid', field: 'days', message: 'Use 1 to 10 business days.' };
  const now = deps.clock.now();
  const after = await deps.lifecycle.apply({
    event: 'extend',
    before,
    actor: req.actor,
    at: now,
    change: extendedWindow(deps, before, req.days, now),
    detail: { days: req.days },
    owes: (_tx, updated) => extendMessages(updated, req.actor.userId),
  });
  return committed(deps, after, before, 'extend');
}

async function withdraw(deps: OwnerActionDeps, req: OwnerRequest & { cycle?: number }): Promise<OwnerResult> {
  const checked =
    req.cycle === undefined
      ? await check(deps, req, 'withdraw')
      : await checkCurrent(deps, { ...req, cycle: req.cycle }, 'withdraw');
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  const now = deps.clock.now();
  const after = await deps.lifecycle.apply({
    event: 'withdraw',
    before,
    actor: req.actor,
    at: now,
    // Its reminder and escalation times end with the state (lifecycle's sweepTimesEndedBy).
    change: { withdrawnAt: now, withdrawnByUserId: req.actor.userId },
    // The partner channel hears of it only if it heard of the handoff (see withdrawMessages).
    owes: async (tx, updated) =>
      withdrawMessages(updated, await partnerThread(tx, updated), req.actor.userId),
  });
  return committed(deps, after, before, 'withdraw');
}

export type OwnerActions = ReturnType<typeof createOwnerActions>;
