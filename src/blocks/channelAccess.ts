import type { HandoffRow } from '../db/schema.js';
import { readablePolicyName } from '../domain/escalation.js';
import type { InternalChannelKind, InternalChannelSource } from '../domain/internalChannels.js';
import type { SlackMessage } from './message.js';
import { channelLink, counted, mention, slackDate, userText } from './mrkdwn.js';
import { handoffTitle, notifyText, section } from './parts.js';

/** What the app posts in an internal channel, by the setting's purpose, in the order it is listed. */
const PURPOSE: Record<InternalChannelKind, string> = {
  escalation: 'escalations',
  partnerHelp: 'partner-help requests',
  digest: 'the weekly digest',
};

/** `a`, `a and b`, `a, b and c`. */
const listed = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * What the app posts in a channel, for a person: each purpose once, escalations saying where they come from when a
 * policy sends them there ("escalations (from the settings and the Meridian policy)"), by the policy's name as people
 * read it, never its id. No setting name or place in the policy file: the log has those, for the operator.
 */
export function whatIPostThere(sources: readonly InternalChannelSource[]): string {
  const named = sources.flatMap((s) =>
    s.policy ? [userText(s.policyName ?? readablePolicyName(s.policy), 80)] : [],
  );
  const policies = [...new Set(named)];
  const settings = new Set(sources.flatMap((s) => (s.kind ? [s.kind] : [])));
  const policyText = `the ${listed(policies)} ${policies.length === 1 ? 'policy' : 'policies'}`;
  const escalations =
    policies.length === 0
      ? PURPOSE.escalation
      : settings.has('escalation')
        ? `${PURPOSE.escalation} (from the settings and ${policyText})`
        : `${PURPOSE.escalation} of ${policyText}`;
  const purposes = (Object.keys(PURPOSE) as InternalChannelKind[]).flatMap((kind) => {
    if (kind === 'escalation') return settings.has(kind) || policies.length > 0 ? [escalations] : [];
    return settings.has(kind) ? [PURPOSE[kind]] : [];
  });
  return purposes.length > 0 ? listed(purposes) : 'internal messages';
}

/** How the app learned it is not in the channel: who removed it, when Slack's event names them. */
export type Removal = { how: 'event'; by?: string } | { how: 'refused' };

const HOW: Record<Removal['how'], (channel: string, by?: string) => string> = {
  event: (channel, by) =>
    by ? `${mention(by)} removed me from ${channel}` : `I was removed from ${channel}`,
  refused: (channel) => `I am no longer in ${channel} (Slack refused my post there)`,
};

/** What waits there now, and what sends it. */
function waitingLine(waiting: number): string {
  const invite = 'as soon as someone types `/invite @Handoff` in that channel.';
  if (waiting === 0) return `What would go there is kept, and goes out ${invite}`;
  if (waiting === 1) return `1 post waits there now. It goes out ${invite}`;
  return `${waiting} posts wait there now. They go out ${invite}`;
}

/**
 * To admins: the app was removed from an internal channel it posts to (or Slack refused a post there because it is
 * not in it): who removed it, when Slack said, what it posts there, how many posts wait, and the invite that sends
 * them.
 */
export function appRemovedFromChannel(
  channelId: string,
  sources: readonly InternalChannelSource[],
  removal: Removal,
  waiting: number,
): SlackMessage {
  const by = removal.how === 'event' ? removal.by : undefined;
  return {
    text: `I can no longer post in ${channelLink(channelId)}: invite me back with /invite @Handoff.`,
    blocks: [
      section(
        `:warning: ${HOW[removal.how](channelLink(channelId), by)}, where I post ${whatIPostThere(sources)}.\n${waitingLine(waiting)}`,
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
    text: notifyText(h, `I am back in ${channelLink(channelId)}: the partner update is not held any more.`),
    blocks: [section(`${backIn(channelId, at, timeZone)}${what}`)],
  };
}
