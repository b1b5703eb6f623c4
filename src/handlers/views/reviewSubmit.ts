import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, CONFIRM_OPTION, REVIEW_BLOCK_ID } from '../../blocks/ids.js';
import { userText } from '../../blocks/mrkdwn.js';
import { type ReviewMetadata, reviewModal } from '../../blocks/reviewModal.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { CLASSIFICATION_LABEL } from '../../domain/attribution.js';
import type { AbsenceChoice, Review, SendResult } from '../../packets/index.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
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

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Submitted = ViewArgs['view'];
type Answer = Parameters<ViewArgs['ack']>[0];
type Context = ReturnType<typeof requestContext>;

/** Whether the submitted review shows this block (a step the review asked for). */
const onView = (view: Submitted, blockId: string) =>
  Array.isArray(view.blocks) && view.blocks.some((block) => block?.block_id === blockId);

const reclassified = (draftId: number, review: Review, because: string): Answer => ({
  response_action: 'update',
  view: reviewModal(draftId, review, {
    notice: `:arrows_counterclockwise: ${because}, this handoff is *${CLASSIFICATION_LABEL[review.classification]}*. Check the review, then send.`,
  }),
});

/** The author's pick among the CRM's opportunities on the account (another one, or none of these) goes first. */
async function pickStep(
  deps: HandlerDeps,
  view: Submitted,
  ctx: Context,
  draftId: number,
): Promise<Answer | undefined> {
  const pick = view.state.values[REVIEW_BLOCK_ID.attributionPick]?.[ACTION_ID.value]?.selected_option?.value;
  if (!onView(view, REVIEW_BLOCK_ID.attributionPick) || typeof pick !== 'string') return undefined;
  const picked = await deps.packets.applyAttributionPick({ ...ctx, draftId, pick });
  return picked.kind === 'reclassified'
    ? reclassified(picked.draftId, picked.review, 'With your choice')
    : undefined;
}

/** The attribution details step, when the review asked for it: its dates go with the draft before Send. */
async function datesStep(
  deps: HandlerDeps,
  view: Submitted,
  ctx: Context,
  draftId: number,
): Promise<Answer | undefined> {
  if (!onView(view, REVIEW_BLOCK_ID.opportunityCreatedOn) && !onView(view, REVIEW_BLOCK_ID.partnerTouchOn))
    return undefined;
  const picked = (blockId: string) => view.state.values[blockId]?.[ACTION_ID.value]?.selected_date ?? null;
  const details = await deps.packets.applyAttributionDetails({
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
      if (message && onView(view, blockId)) errors[blockId] = message;
    }
    if (Object.keys(errors).length > 0) return { response_action: 'errors', errors };
  }
  // The dates decide otherwise than the review said: show it as it now is; the next Send sends.
  return details.kind === 'reclassified'
    ? reclassified(details.draftId, details.review, 'With the dates you gave')
    : undefined;
}

/** Send, with what the author ticked and chose in the review. */
async function send(deps: HandlerDeps, view: Submitted, ctx: Context, draftId: number): Promise<SendResult> {
  const values = view.state.values;
  const ticked = (blockId: string) =>
    tickedValues(values[blockId]?.[ACTION_ID.value]).includes(CONFIRM_OPTION);
  return deps.packets.sendDraft({
    ...ctx,
    draftId,
    overrideReason: values[REVIEW_BLOCK_ID.override]?.[ACTION_ID.value]?.value ?? null,
    ownerReason: values[REVIEW_BLOCK_ID.ownerReason]?.[ACTION_ID.value]?.value ?? null,
    confirmed: {
      partner: ticked(REVIEW_BLOCK_ID.confirmPartner),
      internalText: ticked(REVIEW_BLOCK_ID.confirmInternalText),
    },
    absence: absenceChoiceOf(values[REVIEW_BLOCK_ID.absence]?.[ACTION_ID.value]?.selected_option?.value),
  });
}

/** The review's box a refusal is shown on, when the review has it (something found since needs Back and resubmit). */
function inlineBlockOf(result: SendResult): string | undefined {
  switch (result.kind) {
    case 'override_required':
      return REVIEW_BLOCK_ID.override;
    case 'owner_reason_required':
      return REVIEW_BLOCK_ID.ownerReason;
    case 'confirmation_required':
      return result.confirm === 'partner'
        ? REVIEW_BLOCK_ID.confirmPartner
        : REVIEW_BLOCK_ID.confirmInternalText;
    case 'absence_choice_required':
      return REVIEW_BLOCK_ID.absence;
    default:
      return undefined;
  }
}

/** Why nothing was sent, and what to do. */
function notSentText(result: Exclude<SendResult, { kind: 'sent' | 'edited' | 'edit_refused' }>): string {
  switch (result.kind) {
    case 'override_required':
    case 'owner_reason_required':
      return `${result.message} Go back, submit the packet again, and give the reason in the review.`;
    case 'confirmation_required':
      return `${result.message} Go back and submit the packet again to see the review as it is now.`;
    case 'conflict_unnoted':
    case 'absence_choice_required':
      return result.message;
    case 'channel_refused':
      return `Nothing was sent. ${userText(result.message, 2000)} Go back and change the partner channel.`;
    default:
      return 'This review is out of date. Go back and submit the packet again.';
  }
}

/** What Send's result shows: an inline error, a notice, or every modal closed. */
function sendAnswer(result: SendResult, view: Submitted): Answer {
  const inlineOn = inlineBlockOf(result);
  if (inlineOn && 'message' in result && view.blocks.some((block) => block.block_id === inlineOn))
    return { response_action: 'errors', errors: { [inlineOn]: result.message } };
  if (result.kind === 'edit_refused')
    return notice('Not saved', userText(result.message, 2000), { close: 'Close', clear: true });
  if (result.kind === 'edited' && result.fields.length > 0) {
    // Saved: say so, and what the AE now sees (their DM changed in place).
    const text = `Handoff #${result.handoff.id} is updated: ${userText(result.fields.join(', '), 500)}. The AE's message now shows the new version, marked as edited; the deadline has not moved.`;
    return notice('Changes saved', text, { close: 'Done', clear: true });
  }
  if (result.kind !== 'sent' && result.kind !== 'edited')
    return notice('Not sent', notSentText(result), { close: 'Back', clear: false });
  return { response_action: 'clear' };
}

/** Send from the review step: the handoff goes out and every modal closes; or the missing reason is asked for. */
export function reviewSubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: ViewArgs) => {
    const ctx = requestContext(body, deps);
    const draftId = draftIdOf(view.private_metadata);
    const sent = async () => {
      const result = await send(deps, view, ctx, draftId);
      markSaved(context, SAVED.send(result));
      return sendAnswer(result, view);
    };
    const answer =
      (await pickStep(deps, view, ctx, draftId)) ??
      (await datesStep(deps, view, ctx, draftId)) ??
      (await sent());
    await ack(answer);
  };
}

/** The review's absence choice, if it is one the app knows (anything else reads as none: asked again). */
function absenceChoiceOf(value: unknown): AbsenceChoice | undefined {
  return value === 'cover' || value === 'when_back' || value === 'now' ? value : undefined;
}
