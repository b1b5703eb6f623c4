import { setTimeout as sleep } from 'node:timers/promises';
import { type DirectoryChannel, DirectoryUnavailableError } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Executor, Tx } from '../db/client.js';
import {
  addAlias,
  aliasKeysOf,
  bindChannel,
  bindWorkspace,
  findChannelBinding,
  findPartner,
  findWorkspace,
  partnerRefByName,
} from '../db/repositories/partners.js';
import {
  type ChannelFacts,
  type ChannelVerdict,
  channelVerdict,
  type PartnerRef,
} from '../domain/partnerChannel.js';
import type { PacketServiceDeps, SlackChannelFacts } from './types.js';

/**
 * The packet's partner channel and the partner directory: the verdict on the channel (whose it is, what the author
 * must confirm), what sending binds, and what `/handoff` typed in a channel preselects.
 */

/** The longest `/handoff` waits for Slack to say what the channel it was typed in is, before opening the modal. */
const PACKET_DEFAULTS_WAIT_MS = 1000;

/**
 * The verdict on the partner channel, from Slack's facts and the directory as it is now. The verdict itself is pure
 * and synchronous: what of the directory it may ask about (the partner's alias keys, the partner a workspace's name is
 * known by, only for a channel shared with one organization) is read before.
 */
export async function verdictFor(
  exec: Executor,
  partnerName: string,
  facts: SlackChannelFacts | null,
): Promise<ChannelVerdict> {
  const known = await partnerRefByName(exec, partnerName);
  const ref = async (id: number | null | undefined) => {
    const p = id == null ? undefined : await findPartner(exec, id);
    return p ? { id: p.id, name: p.name } : undefined;
  };
  let channel: ChannelFacts | undefined;
  const aliasKeys = new Map<number, string[]>();
  const byName = new Map<string, PartnerRef | undefined>();
  if (facts) {
    const binding = await findChannelBinding(exec, facts.id);
    const external: ChannelFacts['external'] = [];
    for (const t of facts.external)
      external.push({ ...t, partner: await ref((await findWorkspace(exec, t.teamId))?.partnerId) });
    channel = {
      id: facts.id,
      name: facts.name,
      external,
      binding: binding
        ? { partner: await ref(binding.partnerId), status: binding.status, heldReason: binding.heldReason }
        : undefined,
    };
    const team = facts.external.length === 1 ? facts.external[0] : undefined;
    if (team?.teamName) {
      byName.set(team.teamName, await partnerRefByName(exec, team.teamName));
      if (known) aliasKeys.set(known.id, await aliasKeysOf(exec, known.id));
    }
  }
  return channelVerdict({
    partner: { name: partnerName, known },
    channel,
    aliasKeysOf: (id) => aliasKeys.get(id) ?? [],
    partnerNamed: (name) => byName.get(name),
  });
}

/** What the author confirmed becomes the directory: the channel and its workspace are the partner's from now on. */
export async function bindPartner(
  tx: Tx,
  verdict: ChannelVerdict,
  channel: { id: string; name: string } | null,
  partnerId: number,
  byUserId: string,
  at: Date,
): Promise<void> {
  if (verdict.kind !== 'allowed' || !channel) return;
  if (verdict.confirm?.kind === 'alias') await addAlias(tx, partnerId, verdict.confirm.typed);
  if (verdict.bindChannel) await bindChannel(tx, channel, partnerId, byUserId, at);
  for (const team of verdict.bindTeams) {
    if (team.teamId === 'unknown') continue;
    await bindWorkspace(tx, team, partnerId, byUserId, at);
    // The workspace's own name finds this partner next time (unless another partner already goes by it).
    if (team.teamName) await addAlias(tx, partnerId, team.teamName);
  }
}

/** The channel `/handoff` was typed in, as Slack says within the wait (undefined: not known in time). */
async function lookupQuickly(
  deps: Pick<PacketServiceDeps, 'directory'>,
  channelId: string,
): Promise<DirectoryChannel | undefined> {
  // The wait is cancelled once the lookup answers (its rejection is the race's, already settled).
  const done = new AbortController();
  try {
    return await Promise.race([
      deps.directory.lookupChannel(channelId),
      sleep(PACKET_DEFAULTS_WAIT_MS, undefined, { ref: false, signal: done.signal }),
    ]);
  } finally {
    done.abort();
  }
}

/**
 * What `/handoff` typed in a channel preselects: that channel, when it is one the app can post in and is shared
 * with exactly one other organization (a DM, an internal channel, a channel shared with several organizations or
 * held for review is not a partner channel to offer), and its partner when the directory knows whose it is.
 * Nothing when Slack cannot say quickly: the modal must open within the trigger's few seconds.
 */
export async function packetDefaults(
  deps: Pick<PacketServiceDeps, 'db' | 'directory' | 'logger'>,
  channelId: string | undefined,
  ctx: Pick<RequestContext, 'internalTeamIds'>,
): Promise<{ partnerChannelId?: string; prefill?: { partnerOrg: string } }> {
  const { unknownTeamId: _, ...defaults } = await channelDefaults(deps, channelId, ctx);
  return defaults;
}

/**
 * `packetDefaults`, and the organization the channel is shared with when the directory does not know whose the
 * channel is (not bound, its workspace not recorded): its team id, for Slack to name (`partnerNamedBySlack`).
 */
export async function channelDefaults(
  deps: Pick<PacketServiceDeps, 'db' | 'directory' | 'logger'>,
  channelId: string | undefined,
  ctx: Pick<RequestContext, 'internalTeamIds'>,
): Promise<{ partnerChannelId?: string; prefill?: { partnerOrg: string }; unknownTeamId?: string }> {
  if (!channelId || !/^[CG][A-Z0-9]{2,}$/.test(channelId)) return {};
  let channel: DirectoryChannel | undefined;
  try {
    channel = await lookupQuickly(deps, channelId);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    deps.logger.warn({ err: error.cause, channelId }, 'Slack lookup failed for the packet defaults');
    return {};
  }
  if (!channel?.isMember || channel.isArchived || !channel.isExternallyShared) return {};
  const external = channel.sharedTeamIds.filter((id) => !ctx.internalTeamIds.includes(id));
  if (external.length > 1) return {};
  const { db } = deps;
  const binding = await findChannelBinding(db, channel.id);
  if (binding?.status === 'held') return {};
  const partnerId =
    binding?.partnerId ?? (external[0] ? (await findWorkspace(db, external[0]))?.partnerId : undefined);
  const partner = partnerId == null ? undefined : await findPartner(db, partnerId);
  if (partner) return { partnerChannelId: channel.id, prefill: { partnerOrg: partner.name } };
  return { partnerChannelId: channel.id, ...(external[0] ? { unknownTeamId: external[0] } : {}) };
}

/**
 * The partner of a channel the directory does not know yet, as Slack names the organization it is shared with
 * (team.info), and the directory's partner of that name or alias, if there is one. Undefined when Slack will not say.
 */
export async function partnerNamedBySlack(
  deps: Pick<PacketServiceDeps, 'db' | 'directory'>,
  teamId: string,
): Promise<{ slackName: string; partner?: PartnerRef } | undefined> {
  const slackName = (await deps.directory.teamName(teamId))?.trim();
  if (!slackName) return undefined;
  const partner = await partnerRefByName(deps.db, slackName);
  return { slackName, ...(partner ? { partner } : {}) };
}
