import { internalChannelShared, partnerChannelHeldAdmin } from '../blocks/partnerReplies.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { enqueue, wakeChannel } from '../db/repositories/outbox.js';
import {
  addAlias,
  aliasesOf,
  bindChannel,
  bindWorkspace,
  channelBindingByName,
  channelsHeldForSharing,
  channelsOf,
  findChannelBinding,
  findPartner,
  findWorkspace,
  heldOrUnboundChannels,
  holdChannel,
  listPartners,
  mergePartners,
  type OpenCounts,
  openCounts,
  type PartnerChannelRow,
  type PartnerRow,
  type PartnerWorkspaceRow,
  partnerByName,
  renamePartner,
  setPartnerDomain,
  setStrangers,
  workspacesOf,
} from '../db/repositories/partners.js';
import { accountDomain } from '../domain/accountMatch.js';
import { isInternalActor, isRevopsActor } from '../domain/actor.js';
import type { Logger } from '../logger.js';
import { type Directory, DirectoryUnavailableError } from './directory.js';
import type { RequestContext } from './handoffs.js';
import type { InternalChannels, SwitchedOff } from './internalChannels.js';

export interface PartnerListing {
  partner: PartnerRow;
  aliases: string[];
  workspaces: PartnerWorkspaceRow[];
  channels: PartnerChannelRow[];
  open: OpenCounts;
}

export type DirectoryResult<T = undefined> =
  | { kind: 'done'; value: T }
  | { kind: 'forbidden' }
  | { kind: 'invalid'; message: string };

const invalid = (message: string) => ({ kind: 'invalid' as const, message });
const done = <T>(value: T) => ({ kind: 'done' as const, value });

/**
 * The partner directory as RevOps and admins keep it (`/handoff partners …`), and the channels' shared status as
 * Slack reports it at run time (channel_shared / channel_unshared).
 */
export function createPartnerDirectory(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Pick<Directory, 'lookupChannel' | 'teamName'>;
  internalChannels: Pick<InternalChannels, 'sharingChanged' | 'unconfirmed'>;
  revopsUserIds: readonly string[];
  adminUserIds: readonly string[];
  /** The workspaces whose members are ours (resolved at start). */
  internalTeamIds: readonly string[];
  onOutboxWrite: () => void;
}) {
  const { db, clock, logger } = deps;
  const roles = { revopsUserIds: deps.revopsUserIds, adminUserIds: deps.adminUserIds };
  const mayEdit = (ctx: RequestContext) => isRevopsActor(ctx.actor, ctx.internalTeamIds, roles);
  const isAdmin = (ctx: RequestContext) =>
    isInternalActor(ctx.actor, ctx.internalTeamIds) && deps.adminUserIds.includes(ctx.actor.userId);
  const named = (name: string) => (name.trim() ? partnerByName(db, name) : undefined);
  const unknown = (name: string) => invalid(`No partner goes by “${name}” (see /handoff partners).`);

  /** A channel as typed: `<#C123|name>`, `C123`, or `#name` of a channel the directory knows. */
  function channelOf(typed: string): { id: string; binding: PartnerChannelRow | undefined } | undefined {
    const text = typed.trim();
    const escaped = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text);
    const id = escaped?.[1] ?? (/^[CG][A-Z0-9]{2,}$/.test(text) ? text : undefined);
    if (id) return { id, binding: findChannelBinding(db, id) };
    const binding = channelBindingByName(db, text);
    return binding ? { id: binding.channelId, binding } : undefined;
  }

  function list(
    ctx: RequestContext,
  ): DirectoryResult<{ partners: PartnerListing[]; loose: PartnerChannelRow[] }> {
    if (!mayEdit(ctx)) return { kind: 'forbidden' };
    const open = openCounts(db);
    const partners = listPartners(db).map((partner) => ({
      partner,
      aliases: aliasesOf(db, partner.id).filter((a) => a !== partner.name),
      workspaces: workspacesOf(db, partner.id),
      channels: channelsOf(db, partner.id),
      open: open.get(partner.id) ?? { undecided: 0, inProgress: 0 },
    }));
    return done({ partners, loose: heldOrUnboundChannels(db).filter((c) => c.partnerId === null) });
  }

  function rename(ctx: RequestContext, from: string, to: string): DirectoryResult<PartnerRow> {
    if (!mayEdit(ctx)) return { kind: 'forbidden' };
    const partner = named(from);
    if (!partner) return unknown(from);
    const other = named(to);
    if (other && other.id !== partner.id) {
      return invalid(
        `“${to}” is already ${other.name}. To make them one partner: /handoff partners merge ${partner.name} | ${other.name}`,
      );
    }
    if (!to.trim() || to.trim().length > 150) return invalid('Give the new name (at most 150 characters).');
    db.transaction((tx) => renamePartner(tx, partner.id, to, clock.now()));
    logger.info({ partnerId: partner.id, from: partner.name, to, by: ctx.actor.userId }, 'partner renamed');
    return done(findPartner(db, partner.id) as PartnerRow);
  }

  function alias(ctx: RequestContext, name: string, aliasName: string): DirectoryResult<PartnerRow> {
    if (!mayEdit(ctx)) return { kind: 'forbidden' };
    const partner = named(name);
    if (!partner) return unknown(name);
    const other = named(aliasName);
    if (other && other.id !== partner.id) {
      return invalid(
        `“${aliasName}” is already ${other.name}. To make them one partner: /handoff partners merge ${other.name} | ${partner.name}`,
      );
    }
    if (!aliasName.trim() || aliasName.trim().length > 150)
      return invalid('Give the other name (at most 150 characters).');
    addAlias(db, partner.id, aliasName);
    logger.info({ partnerId: partner.id, alias: aliasName, by: ctx.actor.userId }, 'partner alias added');
    return done(partner);
  }

  function merge(ctx: RequestContext, fromName: string, intoName: string): DirectoryResult<PartnerRow> {
    if (!mayEdit(ctx)) return { kind: 'forbidden' };
    const from = named(fromName);
    const into = named(intoName);
    if (!from) return unknown(fromName);
    if (!into) return unknown(intoName);
    if (from.id === into.id) return invalid(`“${fromName}” and “${intoName}” are already one partner.`);
    db.transaction((tx) => mergePartners(tx, from, into, clock.now()));
    logger.info({ from: from.id, into: into.id, by: ctx.actor.userId }, 'partners merged');
    return done(into);
  }

  function setDomain(ctx: RequestContext, name: string, domain: string): DirectoryResult<PartnerRow> {
    if (!mayEdit(ctx)) return { kind: 'forbidden' };
    const partner = named(name);
    if (!partner) return unknown(name);
    const registrable = domain.trim() ? accountDomain(domain) : null;
    if (registrable === undefined) return invalid("Use the partner's web domain, like meridian.example.");
    setPartnerDomain(db, partner.id, registrable, clock.now());
    return done(findPartner(db, partner.id) as PartnerRow);
  }

  /** Corrects whose channel it is: later updates of other partners' handoffs never go there. */
  async function assignChannel(
    ctx: RequestContext,
    typedChannel: string,
    name: string,
  ): Promise<DirectoryResult<{ channelId: string; partner: PartnerRow }>> {
    if (!isAdmin(ctx)) return { kind: 'forbidden' };
    const channel = channelOf(typedChannel);
    if (!channel) return invalid('Name the channel as #channel (type # and pick it) or by its id.');
    const partner = named(name);
    if (!partner) return unknown(name);
    const info = await deps.directory.lookupChannel(channel.id).catch((error: unknown) => {
      if (error instanceof DirectoryUnavailableError) return 'unknown' as const;
      throw error;
    });
    if (info === 'unknown') return invalid('I could not check the channel with Slack just now. Try again.');
    if (!info) return invalid('I cannot see that channel. Invite the app to it first.');
    const teams = info.sharedTeamIds.filter((id) => !ctx.internalTeamIds.includes(id));
    const foreign = teams.map((id) => findWorkspace(db, id)).find((w) => w && w.partnerId !== partner.id);
    if (foreign) {
      const other = findPartner(db, foreign.partnerId);
      return invalid(
        `That channel is shared with ${other?.name ?? 'another partner'}'s workspace, so it cannot be ${partner.name}'s.`,
      );
    }
    const now = clock.now();
    const woken = db.transaction((tx) => {
      bindChannel(tx, { id: channel.id, name: info.name }, partner.id, ctx.actor.userId, now);
      for (const teamId of teams) {
        if (!findWorkspace(tx, teamId))
          bindWorkspace(tx, { teamId, teamName: undefined }, partner.id, ctx.actor.userId, now);
      }
      return wakeChannel(tx, channel.id, now);
    });
    if (woken > 0) deps.onOutboxWrite();
    logger.info(
      { channelId: channel.id, partnerId: partner.id, by: ctx.actor.userId },
      'partner channel assigned',
    );
    return done({ channelId: channel.id, partner });
  }

  /** An admin confirms a held channel: every organization now in it is the partner's, and what waited goes out. */
  async function confirmChannel(ctx: RequestContext, typedChannel: string) {
    if (!isAdmin(ctx)) return { kind: 'forbidden' as const };
    const channel = channelOf(typedChannel);
    if (!channel?.binding)
      return invalid('That is not a partner channel the directory knows. Name it as #channel.');
    if (channel.binding.partnerId === null) {
      return invalid(
        'Nobody owns that channel yet: say whose it is with /handoff partners channel #channel | <partner>.',
      );
    }
    const partner = findPartner(db, channel.binding.partnerId) as PartnerRow;
    return assignChannel(ctx, channel.id, partner.name);
  }

  /**
   * Slack says organizations joined or left a channel (or the re-check asks again). A partner channel shared with
   * anyone but its partner is held (updates wait, admins are told). Only Slack's current answer can release it: one
   * that shows the partner's own workspaces alone, while no organization Slack said joined has been said to leave.
   * Without an answer (Slack failing, the channel out of sight) nothing is released and the re-check asks again.
   * An internal channel that became shared is switched off at once, and on again only on Slack's answer too.
   */
  async function sharingChanged(
    channelId: string,
    event: { joined?: string; left?: string; stillShared?: boolean } = {},
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
      toAdmins(`internal_shared:${channelId}`, internalChannelShared(channelId, switched.sources));

    const binding = findChannelBinding(db, channelId);
    if (binding?.partnerId == null) return;
    const partnerId = binding.partnerId;
    const now = clock.now();
    const theirs = (teamId: string) => ours.has(teamId) || findWorkspace(db, teamId)?.partnerId === partnerId;
    // Slack's word on who joined and left, kept until Slack says otherwise: a lagging answer cannot undo a join.
    const told = new Set(binding.strangerTeamIds);
    if (event.joined) told.add(event.joined);
    if (event.left) told.delete(event.left);
    const recorded = [...told].filter((id) => !theirs(id));
    if (recorded.join() !== binding.strangerTeamIds.join()) setStrangers(db, channelId, recorded, now);
    const strangers = [...new Set([...recorded, ...(info?.sharedTeamIds ?? []).filter((id) => !theirs(id))])];
    const partner = findPartner(db, partnerId);

    if (strangers.length > 0) {
      if (binding.status === 'held') return;
      const names = await Promise.all(
        strangers.map((id) => deps.directory.teamName(id).catch(() => undefined)),
      );
      const who = strangers.map((id, i) => names[i] ?? id).join(', ');
      holdChannel(db, channelId, `shared with ${who} as well as ${partner?.name ?? 'its partner'}`, now);
      logger.warn({ channelId, partnerId, strangers }, 'partner channel held: another organization joined');
      toAdmins(
        `partner_channel_held:${channelId}`,
        partnerChannelHeldAdmin(channelId, partner?.name ?? 'its partner', who),
      );
      return;
    }
    if (binding.status !== 'held' || !binding.heldReason?.startsWith('shared with')) return;
    if (!info) {
      logger.info(
        { channelId },
        'held partner channel not released: Slack did not answer; asking again later',
      );
      return;
    }
    db.transaction((tx) => {
      bindChannel(tx, { id: channelId, name: info.name }, partnerId, 'slack', now);
      wakeChannel(tx, channelId, now);
    });
    deps.onOutboxWrite();
    logger.info({ channelId }, 'partner channel released: Slack shows only its partner in it');
  }

  /**
   * Asks Slack again about every partner channel held for sharing, and every internal channel not confirmed now
   * (switched off when shared, or not confirmed at start: Slack failing then, or the app not yet invited): an answer
   * that failed or lagged is not the last word. Scheduled; a few channels a minute.
   */
  async function recheckSharing(limit = 20): Promise<void> {
    const held = channelsHeldForSharing(db, limit).map((c) => c.channelId);
    const internal = deps.internalChannels.unconfirmed().filter((id) => !held.includes(id));
    for (const channelId of [...held, ...internal].slice(0, limit)) await sharingChanged(channelId);
  }

  function toAdmins(key: string, message: { text: string; blocks: unknown[] }) {
    const now = clock.now();
    enqueue(
      db,
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

  return {
    list,
    rename,
    alias,
    merge,
    setDomain,
    assignChannel,
    confirmChannel,
    sharingChanged,
    recheckSharing,
  };
}

export type PartnerDirectory = ReturnType<typeof createPartnerDirectory>;
