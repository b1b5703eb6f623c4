import { partnerThread } from '../core/partnerThread.js';
import type { Executor } from '../db/client.js';
import { cycleEvents } from '../db/repositories/escalation.js';
import { findDecision, type HandoffRow } from '../db/repositories/handoffs.js';
import { DECLINE_REASONS, isDeclineReason } from '../domain/decline.js';
import { aeDeclined, backWithOwner, lapsed } from '../domain/lifecycle.js';
import type { AwaySeen, Chosen, LeftAs, MoveFacts, Mover, PartnerSoFar } from '../domain/moves.js';
import { partnerView } from '../domain/partnerView.js';

/**
 * The latest sign in this window that the AE was away: the away check's look (their status, the days away they gave),
 * the expiry's record (the same; a cover named, on records of before issue 50), or the send's (sent while away).
 */
async function awaySeen(tx: Executor, h: HandoffRow): Promise<AwaySeen | undefined> {
  const details = (await cycleEvents(tx, h, ['sent', 'escalated', 'expired']))
    .map((e) => e.detail ?? {})
    .reverse();
  for (const d of details) {
    if (typeof d.awayDays === 'string') return { days: d.awayDays };
    if (typeof d.coverNamed === 'string') return { cover: d.coverNamed };
    if (typeof d.away === 'string') return { status: d.away };
    if (typeof d.sentWhileAway === 'string') return { status: d.sentWhileAway };
  }
  return undefined;
}

/** Where the AE it moves from had left it. */
async function leftAs(tx: Executor, before: HandoffRow): Promise<LeftAs> {
  const away = await awaySeen(tx, before);
  if (aeDeclined(before.status)) {
    const code = (await findDecision(tx, before.id, before.assignment))?.reasonCode;
    return { kind: 'declined', reason: DECLINE_REASONS[isDeclineReason(code) ? code : 'other'].label };
  }
  if (backWithOwner(before.status)) {
    const [last] = (await cycleEvents(tx, before, ['handed_back', 'taken_back'])).reverse();
    return {
      kind: 'taken_back',
      handedBack: last?.type === 'handed_back',
      ...(before.firstStep && before.firstStepDue
        ? { step: before.firstStep, stepDue: before.firstStepDue }
        : {}),
    };
  }
  const due = before.dueAt.getTime();
  return lapsed(before.status)
    ? { kind: 'expired', due, ...(away ? { away } : {}) }
    : { kind: 'open', due, ...(away ? { away } : {}) };
}

/**
 * What the partner had been told when it moved: the partner's view of the handoff then (domain/partnerView.ts, the
 * same view the partner thread is rendered from), which is null when they had heard nothing of it.
 */
async function partnerSoFar(tx: Executor, before: HandoffRow): Promise<PartnerSoFar> {
  if (!before.partnerChannelId) return { kind: 'no_channel' };
  const { facts, started } = await partnerThread(tx, before);
  const view = partnerView({ handoff: before, facts, threadStarted: started });
  if (!view) return { kind: 'nothing' };
  return { kind: 'told', stage: view.event, ...(view.reasonWording ? { wording: view.reasonWording } : {}) };
}

/** The facts of a move, read in its transaction before the change's messages are queued. */
export async function moveFacts(
  tx: Executor,
  before: HandoffRow,
  by: Mover,
  chosen: Chosen,
): Promise<MoveFacts> {
  const left = await leftAs(tx, before);
  const partner = await partnerSoFar(tx, before);
  return { from: before.aeUserId, fromName: before.aeName, by, chosen, left, partner };
}
