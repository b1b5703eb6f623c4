import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { wakeChannel } from '../db/repositories/outboxChannels.js';
import {
  addAlias,
  aliasesOf,
  bindChannel,
  bindWorkspace,
  channelBindingByName,
  channelsOf,
  findChannelBinding,
  findPartner,
  findWorkspace,
  heldOrUnboundChannels,
  listPartners,
  mergePartners,
  openCounts,
  type PartnerChannelRow,
  type PartnerRow,
  partnerByName,
  renamePartner,
  setPartnerDomain,
  workspacesOf,
} from '../db/repositories/partners.js';
import { accountDomain } from '../domain/accountMatch.js';
import { may } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import { type Directory, DirectoryUnavailableError } from '../services/directory.js';
import type { RequestContext } from '../services/requestContext.js';
import { createChannelSharing } from './channelSharing.js';
import type { InternalChannels } from './internalChannels.js';
import type { PartnerListing } from './listing.js';

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
  const mayEdit = (ctx: RequestContext) => may(deps, ctx, 'partners');
  const mayBindChannels = (ctx: RequestContext) => may(deps, ctx, 'partnerChannels');
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
      open: open.get(partner.id) ?? { undecided: 0, expired: 0, inProgress: 0 },
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
    if (!mayBindChannels(ctx)) return { kind: 'forbidden' };
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
    if (!mayBindChannels(ctx)) return { kind: 'forbidden' as const };
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

  const sharing = createChannelSharing(deps);

  return {
    list,
    rename,
    alias,
    merge,
    setDomain,
    assignChannel,
    confirmChannel,
    sharingChanged: sharing.sharingChanged,
    recheckSharing: sharing.recheckSharing,
  };
}

export type PartnerDirectory = ReturnType<typeof createPartnerDirectory>;
