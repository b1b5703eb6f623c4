import type { DirectoryChannel } from '../core/directory.js';
import { internalChannelSources } from '../partners/internalChannels.js';
import { placeOfVariable, settingPlace, settingsInForce } from './inForce.js';
import { lookupFailure } from './lookups.js';
import {
  type Check,
  type DoctorContext,
  type Finding,
  HOW_TO_FIND,
  noteFound,
  type SlackIdentity,
} from './types.js';

/** Whose workspaces besides ours are in a channel (Slack's shared_team_ids). */
export const strangersIn = (channel: DirectoryChannel, identity: SlackIdentity) =>
  channel.sharedTeamIds.filter((team) => !identity.internalTeamIds.includes(team));

function verdict(
  channel: DirectoryChannel,
  where: string,
  identity: SlackIdentity,
  others: readonly string[],
): Finding {
  const label = `#${channel.name} (${channel.id}, ${where})`;
  if (channel.isArchived) {
    return { status: 'fail', text: `${label} is archived.`, fix: 'Unarchive it, or name another channel.' };
  }
  if (channel.isExternallyShared || others.length > 0) {
    return {
      status: 'fail',
      text: `${label} is shared with another organization${others.length > 0 ? ` (${others.join(', ')})` : ''}: the app posts nothing internal there.`,
      fix: 'Name a channel only your company is in: internal posts carry internal people, numbers and buttons.',
    };
  }
  if (!channel.isMember) {
    return {
      status: 'fail',
      text: `${label}: the app is not a member, so it cannot post there.`,
      fix: `Invite it: type /invite @${identity.botName} in #${channel.name}.`,
    };
  }
  return { status: 'pass', text: `${label}: internal, the app is a member.` };
}

/**
 * Every internal channel the app will post to (one list with the app's, src/partners/internalChannels.ts): the
 * program's settings and policies once it holds them, else the settings and the policy file. Each exists, the app is
 * a member, no other organization is in it.
 */
async function checkInternalChannels(ctx: DoctorContext): Promise<Finding[]> {
  const { config, slack } = ctx;
  if (!config || !slack) return [];
  const sources = internalChannelSources(settingsInForce(ctx, config), ctx.book);
  if (sources.length === 0) {
    const settings = (['escalationChannelId', 'partnerHelpChannelId', 'digestChannelId'] as const).map(
      (key) => settingPlace(ctx, key),
    );
    return [
      {
        status: 'pass',
        text: `No internal channel is named (${settings.join(', ')} unset; no channel: target in ${ctx.program?.holds('policy') ? "the program's policies" : 'a policy file'}).`,
      },
    ];
  }
  const placesOf = new Map<string, string[]>();
  for (const { channelId, name } of sources)
    placesOf.set(channelId, [...(placesOf.get(channelId) ?? []), placeOfVariable(ctx, name)]);
  const findings: Finding[] = [];
  for (const [channelId, places] of placesOf) {
    const where = places.join(', ');
    let channel: DirectoryChannel | undefined;
    try {
      channel = await slack.directory.lookupChannel(channelId);
    } catch (error) {
      findings.push(lookupFailure(`${channelId} (${where})`, error));
      continue;
    }
    if (!channel) {
      findings.push({
        status: 'fail',
        text: `${channelId} (${where}): Slack has no channel with this id that the app can see (channel_not_found).`,
        fix: `The id is wrong, or the channel is private and the app is not in it (invite it: /invite @${slack.identity.botName}). ${HOW_TO_FIND.channel}`,
      });
      continue;
    }
    for (const place of places)
      noteFound(ctx.found.channels, { id: channel.id, name: `#${channel.name}` }, place);
    const others: string[] = [];
    for (const teamId of strangersIn(channel, slack.identity)) {
      const name = await slack.directory.teamName(teamId).catch(() => undefined);
      others.push(name ? `${name}, ${teamId}` : teamId);
    }
    findings.push(verdict(channel, where, slack.identity, others));
  }
  return findings;
}

export const internalChannelsCheck: Check = {
  title: 'Internal channels',
  needs: ['settings', 'slack'],
  run: checkInternalChannels,
};
