import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { refusalPlain } from '../../blocks/ephemerals.js';
import { ACTION_ID, DECLINE_BLOCK_ID } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { DECLINE_NOTE_MAX, isDeclineReason } from '../../domain/decline.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';
import { markSaved } from '../saved.js';

/** The decision modals' metadata (decline, accept): the handoff, where it was opened, the packet version. */
export function decisionMetadataFrom(privateMetadata: string): {
  handoffId: number;
  fromHome: boolean;
  editCount: number;
} {
  try {
    const parsed = JSON.parse(privateMetadata) as {
      handoffId?: unknown;
      fromHome?: unknown;
      editCount?: unknown;
    };
    return {
      handoffId: typeof parsed.handoffId === 'number' ? parsed.handoffId : Number.NaN,
      fromHome: parsed.fromHome === true,
      editCount: typeof parsed.editCount === 'number' ? parsed.editCount : 0,
    };
  } catch {
    return { handoffId: Number.NaN, fromHome: false, editCount: 0 };
  }
}

/** Submitting the decline modal: a coded reason and an optional internal note. */
export function declineSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    view,
    client,
    context,
    logger,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const values = view.state.values;
    const reasonCode = values[DECLINE_BLOCK_ID.reason]?.[ACTION_ID.declineReason]?.selected_option?.value;
    const note = values[DECLINE_BLOCK_ID.note]?.[ACTION_ID.value]?.value ?? null;
    if (!isDeclineReason(reasonCode)) {
      await ack({ response_action: 'errors', errors: { [DECLINE_BLOCK_ID.reason]: 'Choose a reason.' } });
      return;
    }
    if (note && note.length > DECLINE_NOTE_MAX) {
      await ack({
        response_action: 'errors',
        errors: { [DECLINE_BLOCK_ID.note]: `Keep the note under ${DECLINE_NOTE_MAX} characters.` },
      });
      return;
    }
    const metadata = decisionMetadataFrom(view.private_metadata);
    const result = await deps.handoffs.decide({
      ...requestContext(body, deps),
      handoffId: metadata.handoffId,
      shownEditCount: metadata.editCount,
      decision: 'declined',
      reasonCode,
      note,
    });
    markSaved(context, SAVED.decline(result));
    if (result.kind !== 'recorded') {
      await ack({ response_action: 'errors', errors: { [DECLINE_BLOCK_ID.reason]: refusalPlain(result) } });
      return;
    }
    await ack();
    if (metadata.fromHome) {
      // Declined from the App Home: show it there at once, without the buttons.
      await publishHome(deps, { client, logger }, body.user.id).catch((error: unknown) =>
        logger.warn(`views.publish after a decline failed: ${String(error)}`),
      );
    }
  };
}
