import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { assignmentStartedAt, logEvent } from '../db/repositories/events.js';
import { findHandoff, type HandoffRow, recordDecision } from '../db/repositories/handoffs.js';
import { cancelPendingReminders, enqueue } from '../db/repositories/outbox.js';
import { type Actor, isInternalActor, isSameActor } from '../domain/actor.js';
import { DECLINE_NOTE_MAX, type DeclineReason, isDeclineReason } from '../domain/decline.js';
import { isOpenForDecision } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import { decisionMessages } from './notifications.js';
import { partnerThread } from './partnerThread.js';

export interface HandoffServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Expires a handoff whose window has passed (shared with the sweep), so a late click meets a consistent state. */
  expireIfDue: (handoff: HandoffRow, now: Date) => HandoffRow;
  /** When an accepted deal with no news first nudges its AE (null: never). */
  firstStallNudge: (handoff: HandoffRow, acceptedAt: Date) => Date | null;
  /** Business hours between two moments in an AE's calendar: time to decision, kept in the touch log. */
  businessHours: (from: Date, to: Date, timeZone: string) => number;
  /** Wakes the outbox worker after a commit. */
  onOutboxWrite: () => void;
}

/** Who is acting, and which workspaces count as ours for this request. */
export interface RequestContext {
  actor: Actor;
  internalTeamIds: readonly string[];
}

export type DecisionCheck =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_ae'; handoff: HandoffRow }
  | { kind: 'closed'; handoff: HandoffRow }
  | { kind: 'open'; handoff: HandoffRow };

export type DecisionResult =
  | Exclude<DecisionCheck, { kind: 'open' }>
  | { kind: 'recorded'; handoff: HandoffRow };

export type DecisionRequest = RequestContext & { handoffId: number } & (
    | { decision: 'accepted' }
    | { decision: 'declined'; reasonCode: DeclineReason; note: string | null }
  );

export function createHandoffService(deps: HandoffServiceDeps) {
  const { db, clock, logger } = deps;

  /** Whether this actor may decide this handoff now. */
  function checkDecision(req: RequestContext & { handoffId: number }): DecisionCheck {
    if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
    const handoff = Number.isSafeInteger(req.handoffId) ? findHandoff(db, req.handoffId) : undefined;
    if (!handoff) return { kind: 'not_found' };
    if (!isSameActor(req.actor, handoff.aeUserId, handoff.aeTeamId)) return { kind: 'not_ae', handoff };
    if (!isOpenForDecision(handoff.status)) return { kind: 'closed', handoff };
    // The window closes at its due time, whether or not the sweep has run yet: one rule, whatever the timing.
    const now = clock.now();
    if (now.getTime() >= handoff.dueAt.getTime())
      return { kind: 'closed', handoff: deps.expireIfDue(handoff, now) };
    return { kind: 'open', handoff };
  }

  /**
   * Records the AE's accept or decline exactly once, with every message it owes queued in the same transaction.
   * A second click, a double submit or a race between two clicks gets `closed` and changes nothing.
   */
  function decide(req: DecisionRequest): DecisionResult {
    const check = checkDecision(req);
    if (check.kind !== 'open') {
      if (check.kind !== 'closed') logger.warn({ ...describe(req), refused: check.kind }, 'decision refused');
      return check;
    }
    const reasonCode = req.decision === 'declined' ? req.reasonCode : null;
    if (req.decision === 'declined' && !isDeclineReason(reasonCode))
      throw new Error('invalid decline reason');
    const note =
      req.decision === 'declined' ? (req.note?.trim().slice(0, DECLINE_NOTE_MAX) ?? null) || null : null;
    const at = clock.now();
    const teamId = check.handoff.aeTeamId;
    const recorded = db.transaction((tx) => {
      const decided = recordDecision(tx, {
        handoffId: check.handoff.id,
        decision: req.decision,
        reasonCode,
        note,
        actor: { userId: req.actor.userId, teamId },
        at,
        // The nudge depends on the AE's calendar only, which a decision does not change.
        ...(req.decision === 'accepted' ? { nextStallNudgeAt: deps.firstStallNudge(check.handoff, at) } : {}),
      });
      if (!decided) return undefined;
      const { handoff, decision } = decided;
      const askedAt = assignmentStartedAt(tx, handoff.id, handoff.assignment) ?? check.handoff.sentAt;
      logEvent(tx, {
        type: req.decision,
        before: check.handoff,
        after: handoff,
        actor: { userId: req.actor.userId, teamId },
        at,
        businessHours: deps.businessHours(askedAt, at, check.handoff.aeTimeZone),
        detail: reasonCode ? { reasonCode } : null,
      });
      cancelPendingReminders(tx, handoff.id);
      enqueue(tx, decisionMessages(handoff, decision, partnerThread(tx, handoff)), at);
      return handoff;
    });
    if (!recorded) {
      const current = findHandoff(db, check.handoff.id) ?? check.handoff;
      return { kind: 'closed', handoff: current };
    }
    logger.info({ handoffId: recorded.id, decision: req.decision, reasonCode }, 'handoff decided');
    deps.onOutboxWrite();
    return { kind: 'recorded', handoff: recorded };
  }

  return { checkDecision, decide };
}

function describe(req: RequestContext & { handoffId: number }) {
  return { handoffId: req.handoffId, userId: req.actor.userId, teamId: req.actor.teamId };
}

export type HandoffService = ReturnType<typeof createHandoffService>;
