import type { AllMiddlewareArgs, AnyMiddlewareArgs, RespondFn } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { failureText } from '../blocks/ephemerals.js';
import type { Logger } from '../logger.js';
import { SLACK_AUTH_ERRORS, slackErrorCode } from '../runtime/health.js';
import { isStorageOutage } from '../runtime/storageHealth.js';

/** Why a listener failed, as the person is told. */
export type FailureKind = 'storage' | 'disconnected' | 'failed';

export function failureKind(error: unknown, slackRejected: boolean): FailureKind {
  if (isStorageOutage(error)) return 'storage';
  const code = slackErrorCode(error);
  if (code !== undefined && (SLACK_AUTH_ERRORS.has(code) || slackRejected)) return 'disconnected';
  return 'failed';
}

function message(kind: FailureKind, form: boolean): string {
  if (kind === 'disconnected') return failureText.disconnected;
  if (kind === 'storage') return form ? failureText.notSavedForm : failureText.notSaved;
  return failureText.failed;
}

/** A small modal saying what happened, for places with nowhere else to say it (the App Home, a modal's button). */
function noticeModal(text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Did not go through' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

interface Payload {
  type?: unknown;
  command?: unknown;
  trigger_id?: unknown;
  response_url?: unknown;
  view?: {
    type?: unknown;
    blocks?: { type?: unknown; block_id?: unknown }[];
    state?: { values?: Record<string, unknown> };
  };
  container?: { type?: unknown };
}

/**
 * Answers a request whose listener failed before it answered: the person is told it did not go through (an inline
 * error on a form, which keeps their entries; an ephemeral; or a small modal where neither exists), never shown
 * success. A listener that had already answered (`acked`) reached its commit: only the log hears of a later failure.
 */
export async function answerFailure(
  args: AnyMiddlewareArgs & AllMiddlewareArgs,
  kind: FailureKind,
  acked: boolean,
  logger: Logger,
): Promise<void> {
  const body = args.body as Payload;
  const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
  const respond = (args as { respond?: RespondFn }).respond;
  if (acked) {
    // Slash commands answer Slack at once and work after: a failure then is told straight to the response URL (not
    // through the outbox, which is a write too). Other listeners answered after their commit: nothing to tell.
    if (typeof body.command === 'string' && respond)
      await respond({ response_type: 'ephemeral', text: message(kind, false) }).catch((error: unknown) =>
        logger.warn({ err: error }, 'could not tell the person their command failed'),
      );
    return;
  }
  if (!ack) return;
  try {
    if (body.type === 'view_submission') {
      // The first input on the form (Slack lists every input block's state under its block id).
      const input =
        body.view?.blocks?.find((block) => block.type === 'input' && typeof block.block_id === 'string')
          ?.block_id ?? Object.keys(body.view?.state?.values ?? {})[0];
      if (typeof input === 'string') {
        await ack({ response_action: 'errors', errors: { [input]: message(kind, true) } });
      } else {
        await ack({
          response_action: 'update',
          view: { ...noticeModal(message(kind, false)), close: { type: 'plain_text', text: 'Back' } },
        });
      }
      return;
    }
    if (typeof body.command === 'string') {
      await ack({ response_type: 'ephemeral', text: message(kind, false) });
      return;
    }
    await ack();
    if (body.type !== 'block_actions' && body.type !== 'shortcut' && body.type !== 'message_action') return;
    if (typeof body.response_url === 'string' && respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: message(kind, false) });
      return;
    }
    // The App Home and modals have no response URL: a small modal (on top of the open one) says it instead. Slack
    // refusing the token refuses this too, so nothing is tried then.
    if (typeof body.trigger_id !== 'string' || kind === 'disconnected') return;
    const view = noticeModal(message(kind, false));
    if (body.container?.type === 'view' && body.view?.type === 'modal')
      await args.client.views.push({ trigger_id: body.trigger_id, view });
    else await args.client.views.open({ trigger_id: body.trigger_id, view });
  } catch (error) {
    logger.warn({ err: error }, 'could not tell the person their request failed');
  }
}
