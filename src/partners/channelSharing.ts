import { internalChannelShared, partnerChannelHeldAdmin } from '../blocks/partnerReplies.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { enqueue } from '../db/repositories/outbox.js';
import { wakeChannel } from '../db/repositories/outboxChannels.js';
import {
  bindChannel,
  channelsHeldForSharing,
  findChannelBinding,
  findPartner,
  findWorkspace,
  holdChannel,
  setStrangers,
} from '../db/repositories/partners.js';
import type { Logger } from '../logger.js';
import type { Directory } from '../services/directory.js';
import { refreshWaiting } from './channelAccess.js';
import type { InternalChannels, SwitchedOff } from './internalChannels.js';

export interface ChannelSharingDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Pick<Directory, 'lookupChannel' | 'teamName'>;
  internalChannels: Pick<InternalChannels, 'sharingChanged' | 'unconfirmed'>;
  adminUserIds: readonly string[];
  /** The workspaces whose members are ours (resolved at start). */
  internalTeamIds: readonly string[];
  onOutboxWrite: () => void;
}

/** What Slack said of a channel's organizations (absent: the re-check asks again). */
type SharingEvent = { joined?: string; left?: string; stillShared?: boolean };

/**
 * Who is in a channel, as Slack says it (channel_shared / channel_unshared, and a re-check every minute): a partner
 * channel shared with anyone but its partner is held until Slack's answer frees it, and an internal channel the app
 * posts to is switched off while it is shared (partners/internalChannels.ts).
 */
export function createChannelSharing(deps: ChannelSharingDeps) {
  return {
    sharingChanged: (channelId: string, event: SharingEvent = {}): Promise<void> =>
      sharingChanged(deps, channelId, event),
    recheckSharing: (limit = 20): Promise<void> => recheckSharing(deps, limit),
  };
}

/**
 * Slack says organizations joined or left a channel (or the re-check asks again). A partner channel shared with
 * anyone but its partner is held (updates wait, admins are told). Only Slack's current answer can release it: one
 * that shows the partner's own workspaces alone, while no organization Slack said joined has been said to leave.
 * Without an answer (Slack failing, the channel out of sight) nothing is released and the re-check asks again.
 * An internal channel that became shared is switched off at once, and on again only on Slack's answer too.
 */
async function sharingChanged(
  deps: ChannelSharingDeps,
  channelId: string,
  event: SharingEvent = {},
): Promise<void> {
  const info = await deps.directory.lookupChannel(channelId).catch(() => undefined);
  const ours = new Set(deps.internalTeamIds);
  // Without Slack's answer, a join or a channel the event says is still shared counts as shared (fail closed).
  const externallyShared = info
    ? info.isExternallyShared
    : event.joined || event.stillShared
      ? true
      : undefined;
  const switched: SwitchedOff =
    externallyShared === undefined
      ? { kinds: [] }
      : deps.internalChannels.sharingChanged(channelId, externallyShared);
  if (switched.sources?.length)
    toAdmins(deps, `internal_shared:${channelId}`, internalChannelShared(channelId, switched.sources));

  const binding = findChannelBinding(deps.db, channelId);
  if (binding?.partnerId == null) return;
  const partnerId = binding.partnerId;
  const now = deps.clock.now();
  const theirs = (teamId: string) =>
    ours.has(teamId) || findWorkspace(deps.db, teamId)?.partnerId === partnerId;
  // Slack's word on who joined and left, kept until Slack says otherwise: a lagging answer cannot undo a join.
  const told = new Set(binding.strangerTeamIds);
  if (event.joined) told.add(event.joined);
  if (event.left) told.delete(event.left);
  const recorded = [...told].filter((id) => !theirs(id));
  if (recorded.join() !== binding.strangerTeamIds.join()) setStrangers(deps.db, channelId, recorded, now);
  const strangers = [...new Set([...recorded, ...(info?.sharedTeamIds ?? []).filter((id) => !theirs(id))])];
  const partner = findPartner(deps.db, partnerId);

  if (strangers.length > 0) {
    if (binding.status === 'held') return;
    const names = await Promise.all(
      strangers.map((id) => deps.directory.teamName(id).catch(() => undefined)),
    );
    const who = strangers.map((id, i) => names[i] ?? id).join(', ');
    deps.db.transaction((tx) => {
      holdChannel(tx, channelId, `shared with ${who} as well as ${partner?.name ?? 'its partner'}`, now);
      // Their decision notices may say the partner reads of the answer: now it waits for an admin.
      refreshWaiting(tx, channelId, now);
    });
    deps.logger.warn(
      { channelId, partnerId, strangers },
      'partner channel held: another organization joined',
    );
    toAdmins(
      deps,
      `partner_channel_held:${channelId}`,
      partnerChannelHeldAdmin(channelId, partner?.name ?? 'its partner', who),
    );
    return;
  }
  if (binding.status !== 'held' || !binding.heldReason?.startsWith('shared with')) return;
  if (!info) {
    deps.logger.info(
      { channelId },
      'held partner channel not released: Slack did not answer; asking again later',
    );
    return;
  }
  deps.db.transaction((tx) => {
    bindChannel(tx, { id: channelId, name: info.name }, partnerId, 'slack', now);
    wakeChannel(tx, channelId, now);
    refreshWaiting(tx, channelId, now);
  });
  deps.onOutboxWrite();
  deps.logger.info({ channelId }, 'partner channel released: Slack shows only its partner in it');
}

/**
 * Asks Slack again about every partner channel held for sharing, and every internal channel not confirmed now
 * (switched off when shared, or not confirmed at start: Slack failing then, or the app not yet invited): an answer
 * that failed or lagged is not the last word. Scheduled; a few channels a minute.
 */
async function recheckSharing(deps: ChannelSharingDeps, limit: number): Promise<void> {
  const held = channelsHeldForSharing(deps.db, limit).map((c) => c.channelId);
  const internal = deps.internalChannels.unconfirmed().filter((id) => !held.includes(id));
  for (const channelId of [...held, ...internal].slice(0, limit)) await sharingChanged(deps, channelId);
}

function toAdmins(deps: ChannelSharingDeps, key: string, message: { text: string; blocks: unknown[] }) {
  const now = deps.clock.now();
  enqueue(
    deps.db,
    deps.adminUserIds.map((admin) => ({
      method: 'chat.postMessage' as const,
      dedupeKey: `${key}:${now.getTime()}:${admin}`,
      channel: admin,
      payload: { text: message.text, blocks: message.blocks },
    })),
    now,
  );
  deps.onOutboxWrite();
}
