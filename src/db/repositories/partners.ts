import { and, asc, type Column, eq, inArray, isNull, like, ne, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { accountKey } from '../../domain/accountMatch.js';
import { HANDOFF_STATUSES, type HandoffStatus } from '../../domain/lifecycle.js';
import type { PartnerRef } from '../../domain/partnerChannel.js';
import type { Executor, Tx } from '../client.js';
import { changed, first, forUpdate, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { PartnerChannelRow, PartnerRow, PartnerWorkspaceRow } from '../schema.js';

export type { PartnerChannelRow, PartnerRow, PartnerWorkspaceRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

const ref = (p: PartnerRow): PartnerRef => ({ id: p.id, name: p.name });

/** A select of the executor's installation's rows of the directory's `table` where `condition` holds (none: all). */
const rowsOf = <T extends SQLiteTable & { installationId: Column }>(
  exec: Executor,
  table: T,
  condition?: SQL,
) =>
  exec
    .select()
    .from(table)
    .where(and(own(exec, table), condition));

export async function findPartner(exec: Executor, id: number): Promise<PartnerRow | undefined> {
  const { partners } = tablesOf(exec);
  return first(rowsOf(exec, partners, eq(partners.id, id)));
}

/** The partner a name resolves to: its own name or any alias, compared by match key. */
export async function partnerByName(exec: Executor, name: string): Promise<PartnerRow | undefined> {
  const key = accountKey(name);
  if (!key) return undefined;
  const { partners, partnerAliases } = tablesOf(exec);
  const row = await first(
    exec
      .select({ partner: partners })
      .from(partnerAliases)
      .innerJoin(partners, and(eq(partners.id, partnerAliases.partnerId), own(exec, partners)))
      .where(and(own(exec, partnerAliases), eq(partnerAliases.aliasKey, key))),
  );
  return row?.partner;
}

export const partnerRefByName = async (exec: Executor, name: string) => {
  const p = await partnerByName(exec, name);
  return p ? ref(p) : undefined;
};

export async function aliasKeysOf(exec: Executor, partnerId: number): Promise<string[]> {
  const { partnerAliases } = tablesOf(exec);
  const rows = await exec
    .select({ key: partnerAliases.aliasKey })
    .from(partnerAliases)
    .where(and(own(exec, partnerAliases), eq(partnerAliases.partnerId, partnerId)));
  return rows.map((r) => r.key);
}

export async function aliasesOf(exec: Executor, partnerId: number): Promise<string[]> {
  const { partnerAliases } = tablesOf(exec);
  const rows = await exec
    .select({ alias: partnerAliases.alias })
    .from(partnerAliases)
    .where(and(own(exec, partnerAliases), eq(partnerAliases.partnerId, partnerId)))
    .orderBy(asc(partnerAliases.alias));
  return rows.map((r) => r.alias);
}

/** Adds a name to a partner unless another partner already goes by it; returns whether it is now this partner's. */
export async function addAlias(exec: Tx, partnerId: number, alias: string): Promise<boolean> {
  const key = accountKey(alias);
  if (!key) return false;
  const { partnerAliases } = tablesOf(exec);
  await exec
    .insert(partnerAliases)
    .values(ownRow(exec, { aliasKey: key, alias: alias.trim(), partnerId }))
    .onConflictDoNothing();
  const row = await first(rowsOf(exec, partnerAliases, eq(partnerAliases.aliasKey, key)));
  return row?.partnerId === partnerId;
}

/**
 * The partner a packet names, created (with its name as the first alias) when the directory does not know it. Two
 * packets naming the same new partner at once (on Postgres, where transactions run side by side) both find none:
 * the second's insert waits for the first's commit and then adds nothing, and it takes the partner the first created.
 */
export async function ensurePartner(exec: Tx, name: string, at: Date): Promise<PartnerRow> {
  const known = await partnerByName(exec, name);
  if (known) return known;
  const key = accountKey(name);
  const { partners } = tablesOf(exec);
  const created =
    (await first(
      exec
        .insert(partners)
        .values(ownRow(exec, { name: name.trim(), key, domain: null, createdAt: at, updatedAt: at }))
        .onConflictDoNothing()
        .returning(),
    )) ?? (await first(rowsOf(exec, partners, eq(partners.key, key))));
  if (!created) throw new Error(`partner ${name} not stored`);
  await addAlias(exec, created.id, name);
  return created;
}

export async function findChannelBinding(
  exec: Executor,
  channelId: string,
  /** In a transaction that will write it back: locked until it commits (Postgres; SQLite's writer is alone). */
  opts: { lock?: boolean } = {},
): Promise<PartnerChannelRow | undefined> {
  const { partnerChannels } = tablesOf(exec);
  const query = rowsOf(exec, partnerChannels, eq(partnerChannels.channelId, channelId));
  return first(opts.lock ? forUpdate(exec, query, 'update') : query);
}

/**
 * Whether partner updates for a channel wait for an admin (`/handoff partners confirm` or `channel`): the directory
 * holds it (another organization joined it), or binds it to no partner. The delivery guard holds them so
 * (partners/channelGuard.ts), and a decision notice says so (core/surfaces.ts).
 */
export function holdsPartnerUpdates(binding: PartnerChannelRow | undefined): boolean {
  return !binding || binding.partnerId === null || binding.status === 'held';
}

/** Whether the directory holds the partner updates for the channel (holdsPartnerUpdates). */
export async function isChannelHeld(exec: Executor, channelId: string): Promise<boolean> {
  return holdsPartnerUpdates(await findChannelBinding(exec, channelId));
}

export async function findWorkspace(
  exec: Executor,
  teamId: string,
): Promise<PartnerWorkspaceRow | undefined> {
  const { partnerWorkspaces } = tablesOf(exec);
  return first(rowsOf(exec, partnerWorkspaces, eq(partnerWorkspaces.teamId, teamId)));
}

export async function workspacesOf(exec: Executor, partnerId: number): Promise<PartnerWorkspaceRow[]> {
  const { partnerWorkspaces } = tablesOf(exec);
  return rowsOf(exec, partnerWorkspaces, eq(partnerWorkspaces.partnerId, partnerId));
}

export async function channelsOf(exec: Executor, partnerId: number): Promise<PartnerChannelRow[]> {
  const { partnerChannels } = tablesOf(exec);
  return rowsOf(exec, partnerChannels, eq(partnerChannels.partnerId, partnerId));
}

/** Binds a channel to a partner (active), replacing any earlier binding. */
export async function bindChannel(
  exec: Tx,
  channel: { id: string; name: string | undefined },
  partnerId: number,
  byUserId: string,
  at: Date,
) {
  const set = {
    partnerId,
    status: 'active' as const,
    heldReason: null,
    strangerTeamIds: [],
    boundByUserId: byUserId,
    updatedAt: at,
    ...(channel.name ? { channelName: channel.name } : {}),
  };
  const { partnerChannels } = tablesOf(exec);
  await exec
    .insert(partnerChannels)
    .values(ownRow(exec, { channelId: channel.id, channelName: channel.name ?? null, ...set }))
    .onConflictDoUpdate({ target: [partnerChannels.installationId, partnerChannels.channelId], set });
}

/** A partner channel by the name the app last saw (`#ext-meridian` or `ext-meridian`). */
export async function channelBindingByName(
  exec: Executor,
  name: string,
): Promise<PartnerChannelRow | undefined> {
  const bare = name.trim().replace(/^#/, '').toLowerCase();
  const { partnerChannels } = tablesOf(exec);
  return first(rowsOf(exec, partnerChannels, eq(sql`lower(${partnerChannels.channelName})`, bare)).limit(1));
}

export async function heldOrUnboundChannels(exec: Executor): Promise<PartnerChannelRow[]> {
  const { partnerChannels } = tablesOf(exec);
  return rowsOf(
    exec,
    partnerChannels,
    or(eq(partnerChannels.status, 'held'), isNull(partnerChannels.partnerId)),
  );
}

export async function holdChannel(exec: Tx, channelId: string, reason: string, at: Date): Promise<void> {
  const { partnerChannels } = tablesOf(exec);
  await exec
    .update(partnerChannels)
    .set({ status: 'held', heldReason: reason, updatedAt: at })
    .where(and(own(exec, partnerChannels), eq(partnerChannels.channelId, channelId)));
}

/**
 * The other organizations Slack said joined a partner channel and has not said left, and when Slack last said
 * anything of each (its `event_ts`: see the columns).
 */
export async function setStrangers(
  exec: Tx,
  channelId: string,
  strangers: { teamIds: readonly string[]; heardAt: Readonly<Record<string, string>> },
  at: Date,
): Promise<void> {
  const { partnerChannels } = tablesOf(exec);
  await exec
    .update(partnerChannels)
    .set({
      strangerTeamIds: [...strangers.teamIds],
      strangersHeardAt: { ...strangers.heardAt },
      updatedAt: at,
    })
    .where(and(own(exec, partnerChannels), eq(partnerChannels.channelId, channelId)));
}

/** Partner channels held because another organization is in them: asked about again until Slack's answer frees them. */
export async function channelsHeldForSharing(exec: Executor, limit: number): Promise<PartnerChannelRow[]> {
  const { partnerChannels } = tablesOf(exec);
  return rowsOf(
    exec,
    partnerChannels,
    // lower(): SQLite's LIKE ignores ASCII case, Postgres's does not.
    and(eq(partnerChannels.status, 'held'), like(sql`lower(${partnerChannels.heldReason})`, 'shared with%')),
  )
    .orderBy(asc(partnerChannels.updatedAt))
    .limit(limit);
}

export async function unbindChannel(exec: Tx, channelId: string): Promise<boolean> {
  const { partnerChannels } = tablesOf(exec);
  const deleted = await exec
    .delete(partnerChannels)
    .where(and(own(exec, partnerChannels), eq(partnerChannels.channelId, channelId)));
  return changed(deleted) > 0;
}

/** Binds a Slack Connect workspace to a partner, replacing any earlier binding. */
export async function bindWorkspace(
  exec: Tx,
  ws: { teamId: string; teamName: string | undefined },
  partnerId: number,
  byUserId: string,
  at: Date,
): Promise<void> {
  const { partnerWorkspaces } = tablesOf(exec);
  const teamName = ws.teamName ?? null;
  await exec
    .insert(partnerWorkspaces)
    .values(ownRow(exec, { teamId: ws.teamId, teamName, partnerId, boundByUserId: byUserId, boundAt: at }))
    .onConflictDoUpdate({
      target: [partnerWorkspaces.installationId, partnerWorkspaces.teamId],
      set: { partnerId, teamName, boundByUserId: byUserId, boundAt: at },
    });
}

export async function listPartners(exec: Executor): Promise<PartnerRow[]> {
  const { partners } = tablesOf(exec);
  return rowsOf(exec, partners).orderBy(asc(sql`lower(${partners.name})`));
}

/** Open handoffs per partner (sent, accepted or expired), for the directory listing. */
/**
 * A partner's handoffs still going: waiting for an AE's answer (sent), expired (its owner to reassign, extend or
 * withdraw), and accepted with no final outcome.
 */
export interface OpenCounts {
  undecided: number;
  expired: number;
  inProgress: number;
}

/** The count each state is in (null: none of them), one entry per state so that a new one must be placed. */
const OPEN_COUNT_OF: Readonly<Record<HandoffStatus, keyof OpenCounts | null>> = {
  sent: 'undecided',
  accepted: 'inProgress',
  declined: null,
  expired: 'expired',
  withdrawn: null,
  taken_back: null,
};
const countedIn = (count: keyof OpenCounts) =>
  HANDOFF_STATUSES.filter((status) => OPEN_COUNT_OF[status] === count);
const COUNTED = HANDOFF_STATUSES.filter((status) => OPEN_COUNT_OF[status] !== null);

export async function openCounts(exec: Executor): Promise<Map<number, OpenCounts>> {
  const { handoffs } = tablesOf(exec);
  // case ... then 1 else 0: Postgres does not sum booleans; the sums are bigints there (text to the driver).
  const rows = await exec
    .select({
      partnerId: handoffs.partnerId,
      undecided: sql<number>`sum(case when ${inArray(handoffs.status, countedIn('undecided'))} then 1 else 0 end)`,
      expired: sql<number>`sum(case when ${inArray(handoffs.status, countedIn('expired'))} then 1 else 0 end)`,
      inProgress: sql<number>`sum(case when ${inArray(handoffs.status, countedIn('inProgress'))} and coalesce(${handoffs.outcome}, '') not in ('won', 'lost') then 1 else 0 end)`,
    })
    .from(handoffs)
    .where(and(own(exec, handoffs), inArray(handoffs.status, COUNTED)))
    .groupBy(handoffs.partnerId);
  return new Map(
    rows
      .filter((r) => r.partnerId !== null)
      .map((r) => [
        r.partnerId as number,
        { undecided: Number(r.undecided), expired: Number(r.expired), inProgress: Number(r.inProgress) },
      ]),
  );
}

export async function renamePartner(exec: Tx, partnerId: number, name: string, at: Date): Promise<void> {
  const { partners, metricFacts } = tablesOf(exec);
  await exec
    .update(partners)
    .set({ name: name.trim(), updatedAt: at })
    .where(and(own(exec, partners), eq(partners.id, partnerId)));
  await addAlias(exec, partnerId, name);
  const p = await findPartner(exec, partnerId);
  if (p)
    await exec
      .update(metricFacts)
      .set({ partnerOrg: p.name })
      .where(and(own(exec, metricFacts), eq(metricFacts.partnerKey, p.key)));
}

export async function setPartnerDomain(
  exec: Tx,
  partnerId: number,
  domain: string | null,
  at: Date,
): Promise<void> {
  const { partners } = tablesOf(exec);
  await exec
    .update(partners)
    .set({ domain, updatedAt: at })
    .where(and(own(exec, partners), eq(partners.id, partnerId)));
}

/**
 * Folds `from` into `into`: its names, workspaces, channels and handoffs become `into`'s, and the metrics count them
 * as one partner from now on (the metric rows are rewritten; the touch log itself is append-only and untouched).
 */
export async function mergePartners(exec: Tx, from: PartnerRow, into: PartnerRow, at: Date): Promise<void> {
  const { partners, partnerAliases, partnerWorkspaces, partnerChannels } = tablesOf(exec);
  const { handoffs, metricFacts, helpRequests } = tablesOf(exec);
  await exec
    .update(partnerAliases)
    .set({ partnerId: into.id })
    .where(and(own(exec, partnerAliases), eq(partnerAliases.partnerId, from.id)));
  await exec
    .update(partnerWorkspaces)
    .set({ partnerId: into.id })
    .where(and(own(exec, partnerWorkspaces), eq(partnerWorkspaces.partnerId, from.id)));
  await exec
    .update(partnerChannels)
    .set({ partnerId: into.id, updatedAt: at })
    .where(and(own(exec, partnerChannels), eq(partnerChannels.partnerId, from.id)));
  await exec
    .update(handoffs)
    .set({ partnerId: into.id, partnerKey: into.key })
    .where(and(own(exec, handoffs), eq(handoffs.partnerId, from.id)));
  await exec
    .update(metricFacts)
    .set({ partnerKey: into.key, partnerOrg: into.name })
    .where(and(own(exec, metricFacts), eq(metricFacts.partnerKey, from.key)));
  await exec
    .update(helpRequests)
    .set({ partnerKey: into.key })
    .where(and(own(exec, helpRequests), eq(helpRequests.partnerKey, from.key)));
  await exec
    .delete(partners)
    .where(and(own(exec, partners), eq(partners.id, from.id), ne(partners.id, into.id)));
  await exec
    .update(partners)
    .set({ updatedAt: at })
    .where(and(own(exec, partners), eq(partners.id, into.id)));
}
