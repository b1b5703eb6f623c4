import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findHandoff, type HandoffRow, insertOutcome } from '../db/repositories/handoffs.js';
import { isInternalActor } from '../domain/actor.js';
import { check as policy } from '../domain/lifecycle.js';
import { isFinalOutcome, isLostReason, type Outcome } from '../domain/outcomes.js';
import type { Logger } from '../logger.js';
import { partnerThread } from '../partners/partnerThread.js';
import type { CrmResolution } from './crm/index.js';
import type { Lifecycle } from './lifecycle.js';
import { outcomeMessages } from './notifications.js';
import { type RequestContext, viewerOf } from './requestContext.js';
import type { WindowPlanner } from './responseWindow.js';

export interface OutcomeDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  windows: WindowPlanner;
  adminUserIds: readonly string[];
  stallBusinessDays: number;
  lifecycle: Lifecycle;
}

export type OutcomeCheck =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_allowed'; handoff: HandoffRow }
  | { kind: 'not_now'; handoff: HandoffRow }
  | { kind: 'ok'; handoff: HandoffRow };

export type OutcomeResult =
  | Exclude<OutcomeCheck, { kind: 'ok' }>
  | { kind: 'invalid'; field: 'crmOpportunity' | 'reason'; message: string }
  | { kind: 'recorded'; handoff: HandoffRow };

export interface OutcomeRequest extends RequestContext {
  handoffId: number;
  outcome: Outcome;
  crmOpportunity?: string | null;
  /** The CRM record `crmOpportunity` names, as checked with the CRM: the handoff is linked to it. */
  crmLink?: CrmResolution;
  reasonCode?: string | null;
  note?: string | null;
}

/** The handoff's new CRM link from "Opportunity created" (nothing when the id names no record of a connected CRM). */
function linkOf(link: CrmResolution | undefined) {
  if (link?.kind === 'linked')
    return {
      crmSystem: link.record.ref.system,
      crmRecordId: link.record.ref.id,
      crmRecordName: link.record.name,
    };
  if (link?.kind === 'unchecked')
    return { crmSystem: link.ref.system, crmRecordId: link.ref.id, crmRecordName: null };
  return {};
}

/** Whose calendar a stall nudge is counted in: the AE's. */
type AeCalendar = Pick<HandoffRow, 'aeUserId' | 'aeTimeZone'>;

/** Progress after acceptance: meeting held, opportunity created, won, lost. By the AE, the owner or an admin. */
export function createOutcomes(deps: OutcomeDeps) {
  const { db, clock, logger } = deps;

  async function check(req: RequestContext & { handoffId: number; outcome: Outcome }): Promise<OutcomeCheck> {
    if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
    const handoff = Number.isSafeInteger(req.handoffId) ? await findHandoff(db, req.handoffId) : undefined;
    if (!handoff) return { kind: 'not_found' };
    const verdict = policy(viewerOf(req, deps.adminUserIds), req.outcome, handoff);
    if (verdict === 'external') return { kind: 'external' };
    if (verdict === 'not_allowed') {
      logger.warn(
        { handoffId: handoff.id, userId: req.actor.userId },
        'outcome refused: not the AE, owner or admin',
      );
      return { kind: 'not_allowed', handoff };
    }
    if (verdict === 'not_now') return { kind: 'not_now', handoff };
    return { kind: 'ok', handoff };
  }

  /** The next stall nudge: a period after this activity, unless the deal is closed or nudges are off. */
  function nextNudge(h: AeCalendar, outcome: Outcome | null, at: Date): Date | null {
    if (isFinalOutcome(outcome) || deps.stallBusinessDays === 0) return null;
    return deps.windows.businessDaysAfter(at, deps.stallBusinessDays, {
      id: h.aeUserId,
      timeZone: h.aeTimeZone,
    });
  }

  async function record(req: OutcomeRequest): Promise<OutcomeResult> {
    const checked = await check(req);
    if (checked.kind !== 'ok') return checked;
    const before = checked.handoff;
    const crmOpportunity = req.crmOpportunity?.trim() || null;
    if (req.outcome === 'opportunity_created' && !crmOpportunity) {
      return { kind: 'invalid', field: 'crmOpportunity', message: 'Give the CRM opportunity id or link.' };
    }
    if (req.outcome === 'lost' && !isLostReason(req.reasonCode)) {
      return { kind: 'invalid', field: 'reason', message: 'Choose a reason.' };
    }
    const at = clock.now();
    const applied = await deps.lifecycle.apply({
      event: req.outcome,
      before,
      actor: req.actor,
      at,
      expect: { outcome: before.outcome },
      change: {
        outcome: req.outcome,
        ...linkOf(req.crmLink),
        lastActivityAt: at,
        nextStallNudgeAt: nextNudge(before, req.outcome, at),
        stallNudgedAt: null,
      },
      record: (tx, after) =>
        insertOutcome(tx, {
          handoffId: after.id,
          outcome: req.outcome,
          crmOpportunity,
          reasonCode: req.outcome === 'lost' ? (req.reasonCode ?? null) : null,
          note: req.note?.trim().slice(0, 1000) || null,
          byUserId: req.actor.userId,
          at,
        }),
      detail: req.outcome === 'lost' && req.reasonCode ? { reasonCode: req.reasonCode } : null,
      owes: async (tx, after, step) => outcomeMessages(after, step, await partnerThread(tx, after)),
    });
    if (!applied) {
      const current = (await findHandoff(db, before.id)) ?? before;
      return { kind: 'not_now', handoff: current };
    }
    const { handoff } = applied;
    logger.info({ handoffId: handoff.id, outcome: req.outcome, by: req.actor.userId }, 'outcome recorded');
    return { kind: 'recorded', handoff };
  }

  return { check, record, nextNudge };
}

export type Outcomes = ReturnType<typeof createOutcomes>;
