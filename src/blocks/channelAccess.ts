import type { InternalChannelKind, InternalChannelSource } from '../partners/internalChannels.js';
import type { SlackMessage } from './message.js';
import { channelLink } from './mrkdwn.js';
import { section } from './parts.js';

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
