import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { ACTION_ID, ATTRIBUTION_REVIEW_BLOCK_ID } from '../../blocks/ids.js';
import type { ReviewDecision } from '../../revops/attributionReviews.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';
import { markSaved } from '../saved.js';

/** The modal's metadata as it was written (anything else: undefined). */
function metadataOf(raw: unknown): { reviewId: number; decision: ReviewDecision } | undefined {
  try {
    const parsed: unknown = JSON.parse(typeof raw === 'string' ? raw : '');
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { reviewId, decision } = parsed as { reviewId?: unknown; decision?: unknown };
    if (typeof reviewId !== 'number' || !Number.isSafeInteger(reviewId) || reviewId < 1) return undefined;
    if (decision !== 'keep' && decision !== 'change') return undefined;
    return { reviewId, decision };
  } catch {
    return undefined;
  }
}

/** The reason typed, when Slack sent a string for it. */
function noteOf(values: unknown): string {
  const block: unknown = (values as Record<string, unknown> | null | undefined)?.[
    ATTRIBUTION_REVIEW_BLOCK_ID
  ];
  const input: unknown = (block as Record<string, unknown> | null | undefined)?.[ACTION_ID.value];
  const value: unknown = (input as { value?: unknown } | null | undefined)?.value;
  return typeof value === 'string' ? value : '';
}

/**
 * "Review attribution" submitted: Keep or Change with the reason, decided by the service (RevOps and
 * admins only; errors inline on the reason); once decided, the person's App Home shows the items left.
 */
export function attributionReviewSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    view,
    client,
    logger,
    context,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const error = async (message: string) =>
      ack({ response_action: 'errors', errors: { [ATTRIBUTION_REVIEW_BLOCK_ID]: message } });
    const meta = metadataOf(view.private_metadata);
    if (!meta) {
      await error('This form is out of date: open the review again from your App Home.');
      return;
    }
    const ctx = requestContext(body, deps);
    const result = await deps.revops.decideReview(
      ctx,
      meta.reviewId,
      meta.decision,
      noteOf(view.state?.values),
    );
    if (result.kind === 'forbidden') {
      await error(commandReply.forbidden('classify'));
      return;
    }
    if (result.kind === 'invalid') {
      await error(result.message);
      return;
    }
    markSaved(
      context,
      `your decision on the attribution of handoff #${result.value.handoff.id} (${meta.decision === 'keep' ? 'kept' : 'changed'})`,
    );
    await ack();
    try {
      await publishHome(deps, { client, logger }, body.user.id);
    } catch (err) {
      logger.warn(`views.publish after an attribution review failed: ${String(err)}`);
    }
  };
}
