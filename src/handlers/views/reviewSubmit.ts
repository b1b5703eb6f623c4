import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, CONFIRM_OPTION, REVIEW_BLOCK_ID } from '../../blocks/ids.js';
import { userText } from '../../blocks/mrkdwn.js';
import { type ReviewMetadata, reviewModal } from '../../blocks/reviewModal.js';
import { CLASSIFICATION_LABEL } from '../../domain/attribution.js';
import type { AbsenceChoice } from '../../packets/index.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { tickedValues } from './packetForm.js';

function draftIdOf(raw: string): number {
  try {
    const parsed = JSON.parse(raw) as Partial<ReviewMetadata>;
    return typeof parsed.draftId === 'number' ? parsed.draftId : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The review replaced by a short notice: what happened, and a close button (back to the packet, or out). */
function notice(title: string, text: string, opts: { close: string; clear: boolean }) {
  return {
    response_action: 'update' as const,
    view: {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: title },
      close: { type: 'plain_text' as const, text: opts.close },
      ...(opts.clear ? { clear_on_close: true } : {}),
      blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
    },
  };
}

/** Send from the review step: the handoff goes out and every modal closes; or the missing reason is asked for. */
export function reviewSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const ticked = (blockId: string) =>
      tickedValues(view.state.values[blockId]?.[ACTION_ID.value]).includes(CONFIRM_OPTION);
    const ctx = requestContext(body, deps);
    const draftId = draftIdOf(view.private_metadata);
    // The attribution details step, when the review asked for it: its dates go with the draft before Send.
    const onView = (blockId: string) =>
      Array.isArray(view.blocks) && view.blocks.some((block) => block?.block_id === blockId);
    // The author's pick among the CRM's opportunities on the account (another one, or none of these) goes first.
    const pick =
      view.state.values[REVIEW_BLOCK_ID.attributionPick]?.[ACTION_ID.value]?.selected_option?.value;
    if (onView(REVIEW_BLOCK_ID.attributionPick) && typeof pick === 'string') {
      const picked = deps.packets.applyAttributionPick({ ...ctx, draftId, pick });
      if (picked.kind === 'reclassified') {
        await ack({
          response_action: 'update',
          view: reviewModal(picked.draftId, picked.review, {
            notice: `:arrows_counterclockwise: With your choice, this handoff is *${CLASSIFICATION_LABEL[picked.review.classification]}*. Check the review, then send.`,
          }),
        });
        return;
      }
    }
    if (onView(REVIEW_BLOCK_ID.opportunityCreatedOn) || onView(REVIEW_BLOCK_ID.partnerTouchOn)) {
      const picked = (blockId: string) =>
        view.state.values[blockId]?.[ACTION_ID.value]?.selected_date ?? null;
      const details = deps.packets.applyAttributionDetails({
        ...ctx,
        draftId,
        details: {
          opportunityCreatedOn: picked(REVIEW_BLOCK_ID.opportunityCreatedOn),
          partnerTouchOn: picked(REVIEW_BLOCK_ID.partnerTouchOn),
        },
      });
      if (details.kind === 'invalid') {
        const errors: Record<string, string> = {};
        for (const [field, message] of Object.entries(details.errors)) {
          const blockId = REVIEW_BLOCK_ID[field as keyof typeof details.errors];
          if (message && onView(blockId)) errors[blockId] = message;
        }
        if (Object.keys(errors).length > 0) {
          await ack({ response_action: 'errors', errors });
          return;
        }
      }
      if (details.kind === 'reclassified') {
        // The dates decide otherwise than the review said: show it as it now is; the next Send sends.
        await ack({
          response_action: 'update',
          view: reviewModal(details.draftId, details.review, {
            notice: `:arrows_counterclockwise: With the dates you gave, this handoff is *${CLASSIFICATION_LABEL[details.review.classification]}*. Check the review, then send.`,
          }),
        });
        return;
      }
    }
    const result = deps.packets.sendDraft({
      ...ctx,
      draftId,
      overrideReason: view.state.values[REVIEW_BLOCK_ID.override]?.[ACTION_ID.value]?.value ?? null,
      confirmed: {
        partner: ticked(REVIEW_BLOCK_ID.confirmPartner),
        internalText: ticked(REVIEW_BLOCK_ID.confirmInternalText),
      },
      absence: absenceChoiceOf(
        view.state.values[REVIEW_BLOCK_ID.absence]?.[ACTION_ID.value]?.selected_option?.value,
      ),
    });
    // The box is on the view when the review asked for it; something found since needs Back and resubmit.
    const inlineOn =
      result.kind === 'override_required'
        ? REVIEW_BLOCK_ID.override
        : result.kind === 'confirmation_required'
          ? result.confirm === 'partner'
            ? REVIEW_BLOCK_ID.confirmPartner
            : REVIEW_BLOCK_ID.confirmInternalText
          : result.kind === 'absence_choice_required'
            ? REVIEW_BLOCK_ID.absence
            : undefined;
    if (inlineOn && 'message' in result && view.blocks.some((block) => block.block_id === inlineOn)) {
      await ack({ response_action: 'errors', errors: { [inlineOn]: result.message } });
      return;
    }
    if (result.kind === 'edit_refused') {
      await ack(notice('Not saved', userText(result.message, 2000), { close: 'Close', clear: true }));
      return;
    }
    if (result.kind === 'edited' && result.fields.length > 0) {
      // Saved: say so, and what the AE now sees (their DM changed in place).
      const text = `Handoff #${result.handoff.id} is updated: ${userText(result.fields.join(', '), 500)}. The AE's message now shows the new version, marked as edited; the deadline has not moved.`;
      await ack(notice('Changes saved', text, { close: 'Done', clear: true }));
      return;
    }
    if (result.kind !== 'sent' && result.kind !== 'edited') {
      const text =
        result.kind === 'override_required'
          ? `${result.message} Go back, submit the packet again, and give the reason in the review.`
          : result.kind === 'confirmation_required'
            ? `${result.message} Go back and submit the packet again to see the review as it is now.`
            : result.kind === 'conflict_unnoted' || result.kind === 'absence_choice_required'
              ? result.message
              : result.kind === 'channel_refused'
                ? `Nothing was sent. ${userText(result.message, 2000)} Go back and change the partner channel.`
                : 'This review is out of date. Go back and submit the packet again.';
      await ack(notice('Not sent', text, { close: 'Back', clear: false }));
      return;
    }
    await ack({ response_action: 'clear' });
  };
}

/** The review's absence choice, if it is one the app knows (anything else reads as none: asked again). */
function absenceChoiceOf(value: unknown): AbsenceChoice | undefined {
  return value === 'cover' || value === 'when_back' || value === 'now' ? value : undefined;
}
