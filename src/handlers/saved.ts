import type { Context } from '@slack/bolt';
import { savedLateNote } from '../blocks/savedNotes.js';
import type { Replies } from '../core/replies.js';
import type { Logger } from '../logger.js';
import { answeredLate, requestIn, type SlackRequest } from '../runtime/lateAnswers.js';

/**
 * A listener that saved before its answer says what it saved, in its person's words (blocks/savedNotes.ts `SAVED`,
 * from its result; undefined when the result saved nothing: nothing is said). Called before the ack: should that
 * answer reach Slack late, the person is told it was saved (`tellIfLate`). Never inferred: a refused or repeated
 * click says nothing.
 */
export function markSaved(context: Context, what: string | undefined): void {
  const request = requestIn(context);
  if (request && what !== undefined) request.saved = what;
}

/** The body fields a note is sent by: the person, and a message button's response URL (none: a DM instead). */
interface Answered {
  user?: { id?: unknown };
  response_url?: unknown;
}

/**
 * Right after a request's answer went out: if its listener saved something and the answer may have come too late for
 * Slack (which then showed the person an error), the person is told it was saved, through the outbox: an ephemeral
 * where they clicked, or a DM (a modal's submission, the App Home). A failure to queue it is logged, never thrown:
 * the listener goes on.
 */
export async function tellIfLate(
  deps: { replies: Pick<Replies, 'ephemeral'>; logger: Logger; now: number },
  request: SlackRequest,
  body: Answered,
): Promise<void> {
  if (request.saved === undefined || !answeredLate(request, deps.now)) return;
  const userId = typeof body.user?.id === 'string' ? body.user.id : undefined;
  const responseUrl = typeof body.response_url === 'string' ? body.response_url : undefined;
  deps.logger.warn(
    {
      answeredAfterMs: Math.round(deps.now - request.arrivedAt),
      answeredByBolt: request.answeredByBolt === true,
    },
    'a Slack request that saved was answered late: its person is told it was saved',
  );
  await deps.replies
    .ephemeral(responseUrl, savedLateNote(request.saved), userId)
    .catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'could not tell a person that what they did was saved'),
    );
}
