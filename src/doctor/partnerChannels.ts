import type { DirectoryChannel } from '../core/directory.js';
import {
  channelsOf,
  findWorkspace,
  heldOrUnboundChannels,
  listPartners,
  type PartnerChannelRow,
  type PartnerRow,
} from '../db/repositories/partners.js';
import { strangersIn } from './internalChannels.js';
import { lookupFailure } from './lookups.js';
import { type Check, type DoctorContext, type Finding, installationDb, noteFound } from './types.js';

interface Entry {
  row: PartnerChannelRow;
  partner: PartnerRow | undefined;
}

/** Every channel of the partner directory, with its partner (none: bound to nobody). */
async function directoryChannels(ctx: DoctorContext): Promise<Entry[]> {
  const db = await installationDb(ctx);
  if (!db) return [];
  const entries = new Map<string, Entry>();
  for (const partner of await listPartners(db)) {
    for (const row of await channelsOf(db, partner.id)) entries.set(row.channelId, { row, partner });
  }
  for (const row of await heldOrUnboundChannels(db)) {
    if (!entries.has(row.channelId)) entries.set(row.channelId, { row, partner: undefined });
  }
  return [...entries.values()];
}

/** What the directory says of the channel: bound to its partner and not held, or what an admin must do. */
function bindingProblem({ row, partner }: Entry, label: string): Finding | undefined {
  const name = row.channelName ? `#${row.channelName}` : row.channelId;
  if (!partner) {
    return {
      status: 'fail',
      text: `${label} is bound to no partner${row.heldReason ? ` (${row.heldReason})` : ''}: partner updates wait there.`,
      fix: `An admin says whose channel it is: /handoff partners channel ${name} | <partner>.`,
    };
  }
  if (row.status === 'held') {
    return {
      status: 'fail',
      text: `${label} is on hold${row.heldReason ? ` (${row.heldReason})` : ''}: ${partner.name}'s updates wait there.`,
      fix: `Once you know everyone in it may read ${partner.name}'s updates, an admin releases it: /handoff partners confirm ${name}.`,
    };
  }
  return undefined;
}

/** What Slack says of a bound channel: it exists, the app is in it, and it is shared with the partner's workspaces. */
async function slackProblem(
  ctx: DoctorContext,
  entry: Entry & { partner: PartnerRow },
  channel: DirectoryChannel,
  label: string,
): Promise<Finding> {
  const slack = ctx.slack;
  const db = await installationDb(ctx);
  if (!slack || !db) return { status: 'skip', text: label };
  if (!channel.isMember) {
    return {
      status: 'fail',
      text: `${label}: the app is not a member, so ${entry.partner.name}'s updates wait.`,
      fix: `Invite it: type /invite @${slack.identity.botName} in #${channel.name}.`,
    };
  }
  const teams = strangersIn(channel, slack.identity);
  if (teams.length === 0) {
    return {
      status: 'fail',
      text: `${label} is not shared with any other organization: ${entry.partner.name} never reads it.`,
      fix: `Share it with ${entry.partner.name} through Slack Connect, or have the next handoff name their Slack Connect channel.`,
    };
  }
  const named: string[] = [];
  const unknown: string[] = [];
  for (const teamId of teams) {
    const teamName = `${(await slack.directory.teamName(teamId).catch(() => undefined)) ?? '?'} (${teamId})`;
    const owner = (await findWorkspace(db, teamId))?.partnerId;
    if (owner !== undefined && owner !== null && owner !== entry.partner.id) {
      return {
        status: 'fail',
        text: `${label} is shared with ${teamName}, the workspace of another partner.`,
        fix: 'Correct the partner directory (/handoff partners), or remove that organization from the channel.',
      };
    }
    (owner === entry.partner.id ? named : unknown).push(teamName);
  }
  const text = `${label}: the app is a member, shared with ${[...named, ...unknown].join(', ')}`;
  if (unknown.length === 0) return { status: 'pass', text: `${text}.` };
  return {
    status: 'warn',
    text: `${text}; the directory does not know ${unknown.join(', ')} as ${entry.partner.name}'s.`,
    fix: `If it is not ${entry.partner.name}'s workspace, remove it from the channel: it would read ${entry.partner.name}'s updates.`,
  };
}

/**
 * The partner directory's channels: each bound to its partner and not held, visible to the app with the app in it,
 * and shared with that partner's workspaces (never another partner's).
 */
async function checkPartnerChannels(ctx: DoctorContext): Promise<Finding[]> {
  const slack = ctx.slack;
  if (!slack) return [];
  const entries = await directoryChannels(ctx);
  if (entries.length === 0) {
    return [
      {
        status: 'pass',
        text: 'No partner channel yet: the first handoff sent to a Slack Connect channel binds it to its partner.',
      },
    ];
  }
  const findings: Finding[] = [];
  for (const entry of entries) {
    const { row, partner } = entry;
    const label = `${row.channelName ? `#${row.channelName} ` : ''}(${row.channelId}) → ${partner?.name ?? 'no partner'}`;
    const binding = bindingProblem(entry, label);
    if (binding) findings.push(binding);
    let channel: DirectoryChannel | undefined;
    try {
      channel = await slack.directory.lookupChannel(row.channelId);
    } catch (error) {
      findings.push(lookupFailure(label, error));
      continue;
    }
    if (!channel) {
      findings.push({
        status: 'fail',
        text: `${label}: Slack has no channel with this id that the app can see (channel_not_found).`,
        fix: `The channel was deleted, or it is private and the app was removed: invite it again (/invite @${slack.identity.botName}).`,
      });
      continue;
    }
    noteFound(
      ctx.found.channels,
      { id: channel.id, name: `#${channel.name}` },
      `partner channel of ${partner?.name ?? 'no partner'}`,
    );
    if (!binding && partner) findings.push(await slackProblem(ctx, { row, partner }, channel, label));
  }
  return findings;
}

export const partnerChannelsCheck: Check = {
  title: 'Partner channels (the partner directory)',
  needs: ['settings', 'slack', 'database'],
  run: checkPartnerChannels,
};
