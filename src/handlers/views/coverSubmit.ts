import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { COVER_MEANS, coverEndedMessage, coverNamedMessage, coverWhenText } from '../../blocks/coverModal.js';
import { ACTION_ID, COVER_BLOCK_ID } from '../../blocks/ids.js';
import { mention } from '../../blocks/mrkdwn.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

/** Saving a cover: inline errors on the field at fault; on success a DM confirms it (the modal closes). */
export function coverSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const values = view.state.values;
    const picked: unknown = values[COVER_BLOCK_ID.cover]?.[ACTION_ID.value]?.selected_user;
    const day: unknown = values[COVER_BLOCK_ID.until]?.[ACTION_ID.value]?.selected_date;
    const first: unknown = values[COVER_BLOCK_ID.from]?.[ACTION_ID.value]?.selected_date;
    // What Slack sends from a users_select and a datepicker; anything else is no choice.
    const coverUserId = typeof picked === 'string' && /^[UW][A-Z0-9]{2,30}$/.test(picked) ? picked : '';
    const until = typeof day === 'string' ? day : '';
    const awayFrom = typeof first === 'string' ? first : '';
    if (!coverUserId) {
      await ack({
        response_action: 'errors',
        errors: { [COVER_BLOCK_ID.cover]: 'Choose who covers for you.' },
      });
      return;
    }
    const result = await deps.covers.set(requestContext(body, deps), { coverUserId, until, awayFrom });
    if (result.kind === 'invalid') {
      const block = COVER_BLOCK_ID[result.field];
      await ack({ response_action: 'errors', errors: { [block]: result.message } });
      return;
    }
    if (result.kind === 'forbidden') {
      await ack({
        response_action: 'errors',
        errors: { [COVER_BLOCK_ID.cover]: 'Only members of our workspace can name a cover.' },
      });
      return;
    }
    await ack();
    if (result.kind !== 'set') return;
    await deps.replies.ephemeral(
      undefined,
      `:busts_in_silhouette: ${mention(coverUserId)} covers for you ${coverWhenText(result.cover)}: new handoffs sent to you then offer them to the sender. They have been told, with the dates. \`/handoff cover off\` ends it sooner; once it ends, I list for you what went to them while you were away.\n${COVER_MEANS}`,
      body.user.id,
    );
    // The cover is told (and one they replace, that it ended): naming someone tells them.
    const told = coverNamedMessage({
      aeUserId: body.user.id,
      coverUserId,
      from: result.from,
      until,
      away: result.cover.awayFrom !== null,
    });
    await deps.replies.ephemeral(undefined, told.text, coverUserId, told.blocks);
    if (result.replaced) {
      const ended = coverEndedMessage(result.replaced);
      await deps.replies.ephemeral(undefined, ended.text, result.replaced.coverUserId, ended.blocks);
    }
  };
}
