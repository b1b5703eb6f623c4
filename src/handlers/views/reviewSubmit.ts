import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, CONFIRM_OPTION, REVIEW_BLOCK_ID } from '../../blocks/ids.js';
import { userText } from '../../blocks/mrkdwn.js';
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
    const ticked = (blockId: string) =>
      (view.state.values[blockId]?.[ACTION_ID.value]?.selected_options ?? []).some(
        (option) => option.value === CONFIRM_OPTION,
      );
    const result = deps.packets.sendDraft({
      ...requestContext(body, deps),
      draftId: draftIdOf(view.private_metadata),
      overrideReason: view.state.values[REVIEW_BLOCK_ID.override]?.[ACTION_ID.value]?.value ?? null,
      confirmed: {
        partner: ticked(REVIEW_BLOCK_ID.confirmPartner),
        internalText: ticked(REVIEW_BLOCK_ID.confirmInternalText),
      },
    });
    // The box is on the view when the review asked for it; something found since needs Back and resubmit.
    const inlineOn =
      result.kind === 'override_required'
        ? REVIEW_BLOCK_ID.override
        : result.kind === 'confirmation_required'
          ? result.confirm === 'partner'
            ? REVIEW_BLOCK_ID.confirmPartner
            : REVIEW_BLOCK_ID.confirmInternalText
          : undefined;
    if (inlineOn && 'message' in result && view.blocks.some((block) => block.block_id === inlineOn)) {
      await ack({ response_action: 'errors', errors: { [inlineOn]: result.message } });
      return;
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
                    : result.kind === 'confirmation_required'
                      ? `${result.message} Go back and submit the packet again to see the review as it is now.`
                      : result.kind === 'conflict_unnoted'
                        ? result.message
                        : result.kind === 'channel_refused'
                          ? `Nothing was sent. ${userText(result.message, 2000)} Go back and change the partner channel.`
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
