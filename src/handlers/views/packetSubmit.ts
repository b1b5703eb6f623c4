import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, PACKET_BLOCK_ID, PACKET_POOL_BLOCK_ID } from '../../blocks/ids.js';
import { withErrorSummary } from '../../blocks/packetErrors.js';
import { reviewModal } from '../../blocks/reviewModal.js';
import type { SubmitResult } from '../../packets/index.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { hasMalformedCheckboxes, packetBlockErrors, readPacketForm } from './packetForm.js';

/**
 * The handoff an edit form changes (`{ editOf }` in its private_metadata), or the message a new packet was started
 * from (`{ source }`, "Hand off this deal"); nothing for a plain new packet.
 */
function editOf(privateMetadata: string): { editOf?: number; openedOnEdit?: number; source?: string } {
  try {
    const parsed = JSON.parse(privateMetadata) as { editOf?: unknown; editCount?: unknown; source?: unknown };
    if (typeof parsed.source === 'string' && /^https:\/\/\S{1,500}$/.test(parsed.source))
      return { source: parsed.source };
    if (typeof parsed.editOf !== 'number') return {};
    return {
      editOf: parsed.editOf,
      openedOnEdit: typeof parsed.editCount === 'number' ? parsed.editCount : 0,
    };
  } catch {
    return {};
  }
}

/** Submitting the packet modal: inline errors, or the review step pushed on top (the packet's input is kept). */
export function packetSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    view,
    logger,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    if (hasMalformedCheckboxes(view.state.values)) {
      // Bad input, not a failure of the app: the form is refused where the author is, nothing is kept.
      logger.warn('packet submission refused: a checkbox group that is not a list of options');
      await ack({
        response_action: 'errors',
        errors: {
          [PACKET_BLOCK_ID.accountName]: 'Something went wrong and nothing was sent. Please submit again.',
        },
      });
      return;
    }
    // A failure (a database that refuses the draft, a bug) is answered by the app's failure
    // middleware (app.ts): logged as an error, an inline error saying nothing was sent, the author's entries kept.
    const result: SubmitResult = await deps.packets.submitPacket({
      ...requestContext(body, deps),
      input: readPacketForm(view.state.values),
      pool: poolOf(view.state.values),
      sourceViewId: view.id,
      ...editOf(view.private_metadata),
    });
    if (result.kind === 'invalid') {
      // Every field's own message, and a summary naming them at the top of the form (blocks/packetErrors.ts).
      await ack({ response_action: 'errors', errors: withErrorSummary(packetBlockErrors(result.errors)) });
      return;
    }
    if (result.kind === 'forbidden') {
      await ack({
        response_action: 'errors',
        errors: {
          [PACKET_BLOCK_ID.accountName]:
            result.message ?? 'Only members of the team that runs this app can send handoffs.',
        },
      });
      return;
    }
    await ack({ response_action: 'push', view: reviewModal(result.draftId, result.review) });
  };
}

/** The pool picked instead of an AE (the packet shows the select when the policy file names pools). */
function poolOf(values: ViewSubmitAction['view']['state']['values']): string | null {
  const picked: unknown = values[PACKET_POOL_BLOCK_ID]?.[ACTION_ID.value]?.selected_option?.value;
  return typeof picked === 'string' && picked.length <= 40 ? picked : null;
}
