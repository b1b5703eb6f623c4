import type { Clock } from '../clock.js';
import { refreshWaiting } from '../core/channelAccess.js';
import { type Directory, DirectoryUnavailableError } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
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
import {
  carryManagers,
  type PartnerManagersDeps,
  partnerPartOf,
  setManagers,
  setNotify,
} from '../program/partnerManagers.js';
import { createChannelSharing } from './channelSharing.js';
import type { InternalChannels } from './internalChannels.js';
import type { PartnerListing } from './listing.js';

export type DirectoryResult<T = undefined> =
  | { kind: 'done'; value: T }
  | { kind: 'forbidden' }
  | { kind: 'invalid'; message: string };

const invalid = (message: string) => ({ kind: 'invalid' as const, message });
const done = <T>(value: T) => ({ kind: 'done' as const, value });

export interface PartnerDirectoryDeps {
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
  /** Partner managers, kept in the program; absent in a directory made for a test of its channels. */
  managers?: PartnerManagersDeps;
}

/**
 * The partner directory as RevOps and admins keep it (`/handoff partners …`), and the channels' shared status as
 * Slack reports it at run time (channel_shared / channel_unshared).
 */
export function createPartnerDirectory(deps: PartnerDirectoryDeps) {
  const sharing = createChannelSharing(deps);
  return {
    list: (ctx: RequestContext) => list(deps, ctx),
    rename: (ctx: RequestContext, from: string, to: string) => rename(deps, ctx, from, to),
    alias: (ctx: RequestContext, name: string, aliasName: string) => alias(deps, ctx, name, aliasName),
    merge: (ctx: RequestContext, fromName: string, intoName: string) => merge(deps, ctx, fromName, intoName),
    setDomain: (ctx: RequestContext, name: string, domain: string) => setDomain(deps, ctx, name, domain),
    assignChannel: (ctx: RequestContext, typedChannel: string, name: string) =>
      assignChannel(deps, ctx, typedChannel, name),
    confirmChannel: (ctx: RequestContext, typedChannel: string) => confirmChannel(deps, ctx, typedChannel),
    setManagers: (ctx: RequestContext, name: string, people: string) => setManagers(deps, ctx, name, people),
    setNotify: (ctx: RequestContext, name: string, choice: string) => setNotify(deps, ctx, name, choice),
    sharingChanged: sharing.sharingChanged,
    recheckSharing: sharing.recheckSharing,
    sharingToRecheck: sharing.sharingToRecheck,
  };
}

const mayEdit = (deps: PartnerDirectoryDeps, ctx: RequestContext) => may(deps, ctx, 'partners');
const mayBindChannels = (deps: PartnerDirectoryDeps, ctx: RequestContext) =>
  may(deps, ctx, 'partnerChannels');
const named = async (deps: PartnerDirectoryDeps, name: string) =>
  name.trim() ? partnerByName(deps.db, name) : undefined;
const unknown = (name: string) => invalid(`No partner goes by “${name}” (see /handoff partners).`);

/** A channel as typed: `<#C123|name>`, `C123`, or `#name` of a channel the directory knows. */
async function channelOf(
  deps: PartnerDirectoryDeps,
  typed: string,
): Promise<{ id: string; binding: PartnerChannelRow | undefined } | undefined> {
  const text = typed.trim();
  const escaped = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text);
  const id = escaped?.[1] ?? (/^[CG][A-Z0-9]{2,}$/.test(text) ? text : undefined);
  if (id) return { id, binding: await findChannelBinding(deps.db, id) };
  const binding = await channelBindingByName(deps.db, text);
  return binding ? { id: binding.channelId, binding } : undefined;
}

async function list(
  deps: PartnerDirectoryDeps,
  ctx: RequestContext,
): Promise<DirectoryResult<{ partners: PartnerListing[]; loose: PartnerChannelRow[] }>> {
  if (!mayEdit(deps, ctx)) return { kind: 'forbidden' };
  const open = await openCounts(deps.db);
  const partners: PartnerListing[] = [];
  for (const partner of await listPartners(deps.db)) {
    partners.push({
      partner,
      aliases: (await aliasesOf(deps.db, partner.id)).filter((a) => a !== partner.name),
      workspaces: await workspacesOf(deps.db, partner.id),
      channels: await channelsOf(deps.db, partner.id),
      open: open.get(partner.id) ?? { undecided: 0, expired: 0, inProgress: 0 },
      managers: deps.managers ? partnerPartOf(deps.managers, partner.id) : undefined,
    });
  }
  const loose = (await heldOrUnboundChannels(deps.db)).filter((c) => c.partnerId === null);
  return done({ partners, loose });
}

async function rename(
  deps: PartnerDirectoryDeps,
  ctx: RequestContext,
  from: string,
  to: string,
): Promise<DirectoryResult<PartnerRow>> {
  if (!mayEdit(deps, ctx)) return { kind: 'forbidden' };
  const partner = await named(deps, from);
  if (!partner) return unknown(from);
  const other = await named(deps, to);
  if (other && other.id !== partner.id) {
    return invalid(
      `“${to}” is already ${other.name}. To make them one partner: /handoff partners merge ${partner.name} | ${other.name}`,
    );
  }
  if (!to.trim() || to.trim().length > 150) return invalid('Give the new name (at most 150 characters).');
  await deps.db.transaction((tx) => renamePartner(tx, partner.id, to, deps.clock.now()));
  deps.logger.info(
    { partnerId: partner.id, from: partner.name, to, by: ctx.actor.userId },
    'partner renamed',
  );
  return done((await findPartner(deps.db, partner.id)) as PartnerRow);
}

async function alias(
  deps: PartnerDirectoryDeps,
  ctx: RequestContext,
  name: string,
  aliasName: string,
): Promise<DirectoryResult<PartnerRow>> {
  if (!mayEdit(deps, ctx)) return { kind: 'forbidden' };
  const partner = await named(deps, name);
  if (!partner) return unknown(name);
  const other = await named(deps, aliasName);
  if (other && other.id !== partner.id) {
    return invalid(
      `“${aliasName}” is already ${other.name}. To make them one partner: /handoff partners merge ${other.name} | ${partner.name}`,
    );
  }
  if (!aliasName.trim() || aliasName.trim().length > 150)
    return invalid('Give the other name (at most 150 characters).');
  await deps.db.transaction((tx) => addAlias(tx, partner.id, aliasName));
  deps.logger.info({ partnerId: partner.id, alias: aliasName, by: ctx.actor.userId }, 'partner alias added');
  return done(partner);
}

async function merge(
  deps: PartnerDirectoryDeps,
  ctx: RequestContext,
  fromName: string,
  intoName: string,
): Promise<DirectoryResult<PartnerRow>> {
  if (!mayEdit(deps, ctx)) return { kind: 'forbidden' };
  const from = await named(deps, fromName);
  const into = await named(deps, intoName);
  if (!from) return unknown(fromName);
  if (!into) return unknown(intoName);
  if (from.id === into.id) return invalid(`“${fromName}” and “${intoName}” are already one partner.`);
  await deps.db.transaction((tx) => mergePartners(tx, from, into, deps.clock.now()));
  await carryManagers(deps, ctx.actor.userId, from, into);
  deps.logger.info({ from: from.id, into: into.id, by: ctx.actor.userId }, 'partners merged');
  return done(into);
}

async function setDomain(
  deps: PartnerDirectoryDeps,
  ctx: RequestContext,
  name: string,
  domain: string,
): Promise<DirectoryResult<PartnerRow>> {
  if (!mayEdit(deps, ctx)) return { kind: 'forbidden' };
  const partner = await named(deps, name);
  if (!partner) return unknown(name);
  const registrable = domain.trim() ? accountDomain(domain) : null;
  if (registrable === undefined) return invalid("Use the partner's web domain, like meridian.example.");
  await deps.db.transaction((tx) => setPartnerDomain(tx, partner.id, registrable, deps.clock.now()));
  return done((await findPartner(deps.db, partner.id)) as PartnerRow);
}

/** Corrects whose channel it is: later updates of other partners' handoffs never go there. */
async function assignChannel(
  deps: PartnerDirectoryDeps,
  ctx: RequestContext,
  typedChannel: string,
  name: string,
): Promise<DirectoryResult<{ channelId: string; partner: PartnerRow }>> {
  if (!mayBindChannels(deps, ctx)) return { kind: 'forbidden' };
  const channel = await channelOf(deps, typedChannel);
  if (!channel) return invalid('Name the channel as #channel (type # and pick it) or by its id.');
  const partner = await named(deps, name);
  if (!partner) return unknown(name);
  const info = await deps.directory.lookupChannel(channel.id).catch((error: unknown) => {
    if (error instanceof DirectoryUnavailableError) return 'unknown' as const;
    throw error;
  });
  if (info === 'unknown') return invalid('I could not check the channel with Slack just now. Try again.');
  if (!info) return invalid('I cannot see that channel. Invite the app to it first.');
  const teams = info.sharedTeamIds.filter((id) => !ctx.internalTeamIds.includes(id));
  let foreign: Awaited<ReturnType<typeof findWorkspace>>;
  for (const id of teams) {
    const w = await findWorkspace(deps.db, id);
    if (w && w.partnerId !== partner.id) {
      foreign = w;
      break;
    }
  }
  if (foreign) {
    const other = await findPartner(deps.db, foreign.partnerId);
    return invalid(
      `That channel is shared with ${other?.name ?? 'another partner'}'s workspace, so it cannot be ${partner.name}'s.`,
    );
  }
  const now = deps.clock.now();
  const woken = await deps.db.transaction(async (tx) => {
    await bindChannel(tx, { id: channel.id, name: info.name }, partner.id, ctx.actor.userId, now);
    for (const teamId of teams) {
      if (!(await findWorkspace(tx, teamId)))
        await bindWorkspace(tx, { teamId, teamName: undefined }, partner.id, ctx.actor.userId, now);
    }
    // Their decision notices said the partner's update waits for an admin: they say now that it goes out.
    await refreshWaiting(tx, channel.id, now);
    return wakeChannel(tx, channel.id, now);
  });
  if (woken > 0) deps.onOutboxWrite();
  deps.logger.info(
    { channelId: channel.id, partnerId: partner.id, by: ctx.actor.userId },
    'partner channel assigned',
  );
  return done({ channelId: channel.id, partner });
}

/** An admin confirms a held channel: every organization now in it is the partner's, and what waited goes out. */
async function confirmChannel(deps: PartnerDirectoryDeps, ctx: RequestContext, typedChannel: string) {
  if (!mayBindChannels(deps, ctx)) return { kind: 'forbidden' as const };
  const channel = await channelOf(deps, typedChannel);
  if (!channel?.binding)
    return invalid('That is not a partner channel the directory knows. Name it as #channel.');
  if (channel.binding.partnerId === null) {
    return invalid(
      'Nobody owns that channel yet: say whose it is with /handoff partners channel #channel | <partner>.',
    );
  }
  const partner = (await findPartner(deps.db, channel.binding.partnerId)) as PartnerRow;
  return assignChannel(deps, ctx, channel.id, partner.name);
}

export type PartnerDirectory = ReturnType<typeof createPartnerDirectory>;
