import { accountKey } from './accountMatch.js';

/**
 * Whether a packet may name a channel as its partner channel: one partner, one channel. Pure: the directory's
 * records and Slack's facts about the channel come in, a verdict goes out (refused with a message for the channel
 * field, or allowed with what to bind and what the author must confirm first).
 */

export interface PartnerRef {
  id: number;
  name: string;
}

/** Slack's facts about the channel (conversations.info), with the directory's records for it. */
export interface ChannelFacts {
  id: string;
  name: string;
  /** Workspaces in the channel that are not ours, with their names (team.info) and their directory record. */
  external: { teamId: string; teamName: string | undefined; partner: PartnerRef | undefined }[];
  /** The directory's binding of this channel, if any. */
  binding:
    | { partner: PartnerRef | undefined; status: 'active' | 'held'; heldReason: string | null }
    | undefined;
}

export interface PacketPartner {
  /** The name as typed in the packet. */
  name: string;
  /** The directory record that name resolves to (by alias), if any. */
  known: PartnerRef | undefined;
}

export type ChannelVerdict =
  | { kind: 'none' }
  | { kind: 'refused'; message: string }
  | {
      kind: 'allowed';
      /** The partner the handoff belongs to once sent: the channel's owner, or the packet's partner. */
      owner: PartnerRef | undefined;
      /** What the author must confirm in the review before sending. */
      confirm:
        | { kind: 'alias'; typed: string; partner: PartnerRef }
        | { kind: 'workspace'; teamName: string; partnerName: string }
        | undefined;
      /** Bind the channel, and these workspaces, to the handoff's partner when sent. */
      bindChannel: boolean;
      bindTeams: { teamId: string; teamName: string | undefined }[];
    };

const possessive = (name: string) => (/s$/i.test(name) ? `${name}'` : `${name}'s`);

/** Whether a workspace's name and the packet's partner name are the same company (match keys, or a known alias). */
function sameName(
  teamName: string | undefined,
  partner: PacketPartner,
  aliasKeysOf: (id: number) => string[],
) {
  if (!teamName) return false;
  const key = accountKey(teamName);
  if (key === accountKey(partner.name)) return true;
  return partner.known !== undefined && aliasKeysOf(partner.known.id).includes(key);
}

export interface VerdictInput {
  partner: PacketPartner;
  channel: ChannelFacts | undefined;
  /** Match keys of a partner's names. */
  aliasKeysOf: (partnerId: number) => string[];
  /** The partner a workspace's name is known by, if any (a name nobody bound yet can still be a known partner's). */
  partnerNamed: (name: string) => PartnerRef | undefined;
}

export function channelVerdict({
  partner,
  channel,
  aliasKeysOf,
  partnerNamed,
}: VerdictInput): ChannelVerdict {
  if (!channel) return { kind: 'none' };
  const label = `#${channel.name}`;
  const leaveEmpty = 'or leave the partner channel empty (the partner then hears nothing in Slack)';
  if (channel.binding?.status === 'held') {
    return {
      kind: 'refused',
      message: `${label} is on hold (${channel.binding.heldReason ?? 'waiting for an admin'}). An admin can release it with /handoff partners confirm. Choose another channel, ${leaveEmpty}.`,
    };
  }
  if (channel.external.length === 0) {
    return {
      kind: 'refused',
      message: `${label} is not shared with any partner organization, so ${partner.name} would never read it. Choose the Slack Connect channel you share with them, ${leaveEmpty}.`,
    };
  }
  if (channel.external.length > 1) {
    const names = channel.external.map((t) => t.teamName ?? t.teamId).join(', ');
    return {
      kind: 'refused',
      message: `${label} is shared with several organizations (${names}), and each would read this partner's updates. Choose a channel shared with ${partner.name} alone, ${leaveEmpty}.`,
    };
  }
  const team = channel.external[0] as ChannelFacts['external'][number];
  const byName = team.teamName ? partnerNamed(team.teamName) : undefined;
  const owner = channel.binding?.partner ?? team.partner ?? byName;
  const bindTeams = team.partner ? [] : [{ teamId: team.teamId, teamName: team.teamName }];
  const bindChannel = channel.binding?.partner === undefined;
  if (channel.binding?.partner && team.partner && channel.binding.partner.id !== team.partner.id) {
    return {
      kind: 'refused',
      message: `${label} belongs to ${channel.binding.partner.name} but is shared with ${possessive(team.partner.name)} workspace. An admin must correct the partner directory (/handoff partners) first; choose another channel, ${leaveEmpty}.`,
    };
  }
  if (owner) {
    if (partner.known && partner.known.id !== owner.id) {
      return {
        kind: 'refused',
        message: `${label} is ${possessive(owner.name)} channel, not ${possessive(partner.known.name)}. Choose ${possessive(partner.known.name)} own channel, ${leaveEmpty}.`,
      };
    }
    // A name the directory does not know yet, in a channel of a known partner: the same partner under another name?
    const confirm = partner.known
      ? undefined
      : { kind: 'alias' as const, typed: partner.name, partner: owner };
    return { kind: 'allowed', owner, confirm, bindChannel, bindTeams };
  }
  const confirm = sameName(team.teamName, partner, aliasKeysOf)
    ? undefined
    : {
        kind: 'workspace' as const,
        teamName: team.teamName ?? team.teamId,
        partnerName: partner.known?.name ?? partner.name,
      };
  return { kind: 'allowed', owner: partner.known, confirm, bindChannel, bindTeams };
}
