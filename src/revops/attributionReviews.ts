import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { decideReview, findReview } from '../db/repositories/attributionReviews.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { queueMetricsHomes } from '../db/repositories/homeViews.js';
import type { AttributionReviewRow, HandoffRow } from '../db/schema.js';
import type { Classification } from '../domain/attribution.js';
import { evidenceFrom, type ReviewEvidence } from '../domain/attributionEvidence.js';
import { may } from '../domain/permissions.js';
import type { Logger } from '../logger.js';

/**
 * RevOps' decisions on "Review attribution" items (the items are opened by the CRM read-back,
 * crm/attributionReview.ts). Whoever may correct a class (`classify`: RevOps and admins) decides, with a reason:
 * Keep records the decision on the item; Change corrects the class through the same path as `/handoff classify` (an
 * audit record, a `classification_corrected` event, every message showing the handoff brought up to date), then
 * records the decision on the item.
 */

export interface ReviewDecisionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  revopsUserIds: readonly string[];
  adminUserIds: readonly string[];
  onOutboxWrite?: () => void;
}

export type ReviewResult<T> =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; message: string }
  | { kind: 'done'; value: T };

/** `/handoff classify`'s correction (revops/revops.ts), which Change goes through. */
export type Correct = (
  ctx: RequestContext,
  handoffId: number,
  to: Classification,
  reason: string,
) => Promise<ReviewResult<{ handoff: HandoffRow; from: Classification }>>;

/** One item as its modal and its decision read it. */
export interface ReviewItem {
  review: AttributionReviewRow;
  handoff: HandoffRow;
  evidence: ReviewEvidence;
}

export type ReviewDecision = 'keep' | 'change';

/** The longest reason kept with a decision. */
export const REVIEW_NOTE_MAX = 500;

export function attributionReviewDecisions(deps: ReviewDecisionDeps, correct: Correct) {
  return {
    /** An open item, for its modal: refused to anyone who may not decide it. */
    reviewItem: (ctx: RequestContext, reviewId: number) => reviewItem(deps, ctx, reviewId),
    decideReview: (ctx: RequestContext, reviewId: number, decision: ReviewDecision, note: string) =>
      decide(deps, correct, ctx, reviewId, decision, note),
  };
}

async function reviewItem(
  deps: ReviewDecisionDeps,
  ctx: RequestContext,
  reviewId: number,
): Promise<ReviewResult<ReviewItem>> {
  if (!may(deps, ctx, 'classify')) {
    deps.logger.warn({ userId: ctx.actor.userId, teamId: ctx.actor.teamId }, 'attribution review refused');
    return { kind: 'forbidden' };
  }
  const review = Number.isSafeInteger(reviewId) ? await findReview(deps.db, reviewId) : undefined;
  const handoff = review ? await findHandoff(deps.db, review.handoffId) : undefined;
  const evidence = evidenceFrom(review?.evidence);
  if (!review || !handoff || !evidence)
    return { kind: 'invalid', message: 'There is no such attribution review.' };
  if (review.status !== 'open') {
    const how = review.status === 'kept' ? 'kept as it was' : 'changed';
    const by = review.decidedBy ? ` by <@${review.decidedBy}>` : '';
    return {
      kind: 'invalid',
      message: `This review of handoff #${handoff.id} is decided already: the class was ${how}${by}.`,
    };
  }
  return { kind: 'done', value: { review, handoff, evidence } };
}

async function decide(
  deps: ReviewDecisionDeps,
  correct: Correct,
  ctx: RequestContext,
  reviewId: number,
  decision: ReviewDecision,
  note: string,
): Promise<ReviewResult<ReviewItem & { decision: ReviewDecision }>> {
  const found = await reviewItem(deps, ctx, reviewId);
  if (found.kind !== 'done') return found;
  const { review, handoff, evidence } = found.value;
  const why = typeof note === 'string' ? note.trim() : '';
  if (!why) return { kind: 'invalid', message: 'Say why: the reason is kept with the decision.' };
  if (why.length > REVIEW_NOTE_MAX)
    return { kind: 'invalid', message: `Keep the reason within ${REVIEW_NOTE_MAX} characters.` };
  // Change: the class the rule gives from the evidence, through `/handoff classify`'s path (unless it is so already).
  if (decision === 'change' && handoff.classification !== evidence.ruleClass) {
    const corrected = await correct(
      ctx,
      handoff.id,
      evidence.ruleClass,
      `Review attribution #${review.id}: ${why}`,
    );
    if (corrected.kind !== 'done') return corrected;
  }
  const now = deps.clock.now();
  const decided = await deps.db.transaction(async (tx) => {
    const row = await decideReview(tx, review.id, {
      status: decision === 'keep' ? 'kept' : 'corrected',
      decidedBy: ctx.actor.userId,
      decidedAt: now,
      note: why,
    });
    // Every RevOps Home shows the open items: published again without this one.
    if (row) await queueMetricsHomes(tx, `review:${review.id}:decided`, now);
    return row;
  });
  if (!decided) return { kind: 'invalid', message: 'Someone decided this review meanwhile.' };
  deps.onOutboxWrite?.();
  deps.logger.info(
    { reviewId: review.id, handoffId: handoff.id, decision, by: ctx.actor.userId },
    'attribution review decided',
  );
  return { kind: 'done', value: { review: decided, handoff, evidence, decision } };
}
