import type { HandoffRow } from '../db/schema.js';
import { awaitsAe, lapsed } from '../domain/lifecycle.js';
import { dueOrPaused } from './asks.js';
import type { SlackMessage } from './message.js';
import { aeDeadline, counted, mention, slackDate, userText } from './mrkdwn.js';
import { context, handoffTitle, notifyText, section } from './parts.js';

/**
 * The AE's request for more time, once per handoff: the owner's notice (their one click, "Give N more
 * days", is among the owner's buttons on it while it waits), and the AE's when it is given. Internal: the partner
 * hears nothing of it.
 */

/** Who gave the more time, and when: the owner or an admin, or nobody (given at once: MORE_TIME_APPROVAL=auto). */
export interface MoreTimeGrant {
  by: string | null;
  at: Date;
}

const daysOf = (h: HandoffRow, days: number | undefined) =>
  counted(h.moreTimeDays ?? days ?? 0, 'more business day');

/** The deadline now, for the owner: "They now have until …", or the pause. */
function nowFor(h: HandoffRow, reader: string | undefined): string | undefined {
  if (!awaitsAe(h.status)) return undefined;
  if (h.pausedAt) return `Now: ${dueOrPaused(h, reader, '')}.`;
  return `${mention(h.aeUserId)} now has until *${aeDeadline(h.dueAt, h.aeTimeZone)}* to answer.`;
}

/** To the AE once it is given: by whom, and their deadline now. */
function toTheAe(h: HandoffRow, days: string, grant: MoreTimeGrant | undefined): SlackMessage {
  const given = grant?.by ? `${mention(grant.by)} gave you *${days}*` : `You have *${days}*, given at once,`;
  const due =
    awaitsAe(h.status) && !h.pausedAt ? ` Please answer by *${slackDate(h.dueAt, h.aeTimeZone)}*.` : '';
  return {
    text: notifyText(h, `${days} to answer.`),
    blocks: [section(`:calendar: ${given} on handoff ${handoffTitle(h)}.${due}`)],
  };
}

/** To the owner (or an admin reading it): the request while it waits, then who gave it. */
function toTheOwner(
  h: HandoffRow,
  days: string,
  grant: MoreTimeGrant | undefined,
  reader: string | undefined,
): SlackMessage {
  const ae = mention(h.aeUserId);
  const name = userText(h.aeName, 100);
  const now = nowFor(h, reader);
  if (h.moreTime === 'asked') {
    const ask = lapsed(h.status)
      ? `It has expired since: giving them now opens it again, ${days} from now.`
      : awaitsAe(h.status)
        ? `Give them with one click; until you do, ${h.pausedAt ? 'the deadline is as it was' : `they have until *${aeDeadline(h.dueAt, h.aeTimeZone)}*`}.`
        : '';
    return {
      text: notifyText(h, `${name} asks for ${days} to answer.`),
      blocks: [
        section(
          `:hourglass_flowing_sand: ${ae} asks for *${days}* to answer handoff ${handoffTitle(h)}. ${ask}`,
        ),
      ],
    };
  }
  const by = !grant?.by
    ? 'given at once'
    : grant.by === reader
      ? 'you gave them'
      : `${mention(grant.by)} gave them`;
  const when = grant ? ` ${slackDate(grant.at, h.aeTimeZone)}` : '';
  return {
    text: notifyText(h, grant?.by ? `more time given to ${name}.` : `${name} took ${days} to answer.`),
    blocks: [
      section(`:calendar: ${ae} asked for *${days}* to answer handoff ${handoffTitle(h)}: ${by}${when}.`),
      ...(now ? [context(now)] : []),
    ],
  };
}

/**
 * The request for more time as one reader reads it (`to`): the AE who asked, once it is given; the owner (and admins)
 * from the request on.
 */
export function moreTimeMessage(
  h: HandoffRow,
  to: { role: 'ae' | 'owner'; reader: string | undefined },
  days: number | undefined,
  grant: MoreTimeGrant | undefined,
): SlackMessage {
  const count = daysOf(h, days);
  return to.role === 'ae' ? toTheAe(h, count, grant) : toTheOwner(h, count, grant, to.reader);
}
