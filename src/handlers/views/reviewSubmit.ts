import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, REVIEW_BLOCK_ID } from '../../blocks/ids.js';
import type { ReviewMetadata } from '../../blocks/reviewModal.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

function draftIdOf(raw: string): number {
  try {
    const parsed = JSON.parse(raw) as Partial<ReviewMetadata>;
    return typeof parsed.draftId === 'number' ? parsed.draftId : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Send from the review step: the handoff goes out and every modal closes; or the missing reason is asked for. */
export function reviewSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const result = deps.packets.sendDraft({
      ...requestContext(body, deps),
      draftId: draftIdOf(view.private_metadata),
      overrideReason: view.state.values[REVIEW_BLOCK_ID.override]?.[ACTION_ID.value]?.value ?? null,
    });
    if (result.kind === 'override_required') {
      // The reason box is on the view when the review asked for it; a newly found duplicate needs Back and resubmit.
      const hasBox = view.blocks.some((block) => block.block_id === REVIEW_BLOCK_ID.override);
      if (hasBox) {
        await ack({ response_action: 'errors', errors: { [REVIEW_BLOCK_ID.override]: result.message } });
        return;
      }
    }
    if (result.kind !== 'sent') {
      await ack({
        response_action: 'update',
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'Not sent' },
          close: { type: 'plain_text', text: 'Back' },
          blocks: [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text:
                  result.kind === 'override_required'
                    ? `${result.message} Go back, submit the packet again, and give the reason in the review.`
                    : result.kind === 'conflict_unnoted'
                      ? result.message
                      : 'This review is out of date. Go back and submit the packet again.',
              },
            },
          ],
        },
      });
      return;
    }
    await ack({ response_action: 'clear' });
  };
}
