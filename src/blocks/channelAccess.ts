import type { HandoffRow } from '../db/schema.js';
import type { InternalChannelKind, InternalChannelSource } from '../partners/internalChannels.js';
import type { SlackMessage } from './message.js';
import { channelLink, counted, slackDate, userText } from './mrkdwn.js';
import { handoffTitle, section } from './parts.js';

const PURPOSE: Record<InternalChannelKind, string> = {
  escalation: 'escalations (ESCALATION_CHANNEL_ID)',
  partnerHelp: 'partner-help requests (PARTNER_HELP_CHANNEL_ID)',
  digest: 'the weekly digest (DIGEST_CHANNEL_ID)',
};

/**
 * To admins: the app was removed from an internal channel it posts to (or Slack refused a post there because it is
 * not in it). What would go there waits; an invite sends it.
 */
export function appRemovedFromChannel(
  channelId: string,
  sources: readonly InternalChannelSource[],
): SlackMessage {
  const purposes = sources.map((s) =>
    s.kind ? PURPOSE[s.kind] : `escalations of the policy file (${s.name})`,
  );
  const what = purposes.length > 0 ? purposes.join(' and ') : 'internal messages';
  return {
    text: `I can no longer post in ${channelLink(channelId)}: invite me back with /invite @Handoff.`,
    blocks: [
      section(
        `:warning: I was removed from ${channelLink(channelId)} (or can no longer see it), where I post ${what}.\nWhat would go there is kept, and goes out as soon as someone types \`/invite @Handoff\` in that channel.`,
      ),
    ],
  };
}

/** The first words of a warning edited once the app is back in the channel: since when, in the reader's zone. */
const backIn = (channelId: string, at: Date, timeZone: string) =>
  `:white_check_mark: I am back in ${channelLink(channelId)} since ${slackDate(at, timeZone)}`;

/**
 * An admin's warning that the app was removed from an internal channel, once it is back (the invite, or the re-check):
 * what waited there went out; nothing is left to do.
 */
export function appBackInChannel(
  channelId: string,
  at: Date,
  timeZone: string,
  waited: number,
): SlackMessage {
  const what =
    waited > 0 ? `: ${counted(waited, 'post')} that waited there went out.` : '. Nothing had to wait there.';
  return {
    text: `I am back in ${channelLink(channelId)}.`,
    blocks: [section(`${backIn(channelId, at, timeZone)}${what}`)],
  };
}

/**
 * An owner's warning that their handoff's partner update could not be posted (the app not in the channel), once the
 * app is back: the update that waited went out (or nothing of the handoff waits there any more).
 */
export function partnerUpdateReleased(
  h: HandoffRow,
  channelId: string,
  at: Date,
  timeZone: string,
  waited: boolean,
): SlackMessage {
  const what = waited
    ? `: the partner-safe update for handoff ${handoffTitle(h)} that waited there was posted.`
    : `. Nothing for handoff ${handoffTitle(h)} waits there now.`;
  return {
    text: `I am back in ${channelLink(channelId)}: the partner update for ${userText(h.accountName, 150)} is not held any more.`,
    blocks: [section(`${backIn(channelId, at, timeZone)}${what}`)],
  };
}
