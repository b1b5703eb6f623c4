import { internalChannelShared, partnerChannelHeldAdmin } from '../blocks/partnerReplies.js';
import type { Clock } from '../clock.js';
import { refreshWaiting } from '../core/channelAccess.js';
import type { Directory } from '../core/directory.js';
import type { Db, Executor } from '../db/client.js';
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

/**
 * What Slack said of a channel's organizations (absent: the re-check asks again), and when it happened (the event's
 * `event_ts`).
 */
type SharingEvent = { joined?: string; left?: string; stillShared?: boolean; at?: string };

/** A Slack timestamp (`seconds.micros`) as microseconds, compared exactly; undefined when it is not one. */
function slackMicros(ts: string | undefined): bigint | undefined {
  const parts = ts === undefined ? undefined : /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(ts);
  if (!parts) return undefined;
  return BigInt(parts[1] ?? '0') * 1_000_000n + BigInt((parts[2] ?? '').padEnd(6, '0'));
}

/** Whether two records of when each organization was last heard of agree (in any key order: jsonb sorts them). */
const sameWords = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([id, at]) => b[id] === at);

/**
 * Slack's word on one organization, applied to what is stored: it joined (`told` gains it) or left (loses it), and
 * when. Slack does not promise to deliver events in order: an event no newer than the last word
 * heard of that organization changes nothing (a join delivered after its own leave held the channel for good).
 * Returns false for such an event.
 */
function applyWord(told: Set<string>, heardAt: Record<string, string>, event: SharingEvent): boolean {
  const team = event.joined ?? event.left;
  if (team === undefined) return true;
  const at = slackMicros(event.at);
  const last = slackMicros(heardAt[team]);
  if (at !== undefined && last !== undefined && at <= last) return false;
  if (event.joined) told.add(team);
  else told.delete(team);
  if (at !== undefined && event.at !== undefined) heardAt[team] = event.at;
  return true;
}

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
    /** Whether the re-check has a channel to ask about: one held for its sharing, or internal and not confirmed. */
    sharingToRecheck: async (): Promise<boolean> =>
      (await channelsHeldForSharing(deps.db, 1)).length > 0 ||
      (await deps.internalChannels.unconfirmed()).length > 0,
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
      : await deps.internalChannels.sharingChanged(channelId, externallyShared);
  if (switched.sources?.length)
    await toAdmins(deps, `internal_shared:${channelId}`, internalChannelShared(channelId, switched.sources));

  const binding = await findChannelBinding(deps.db, channelId);
  if (binding?.partnerId == null) return;
  const partnerId = binding.partnerId;
  const now = deps.clock.now();
  const theirs = async (exec: Executor, teamId: string) =>
    ours.has(teamId) || (await findWorkspace(exec, teamId))?.partnerId === partnerId;
  /** The organizations among `teamIds` that are neither ours nor the partner's, in order. */
  const strangersAmong = async (exec: Executor, teamIds: readonly string[]) => {
    const found: string[] = [];
    for (const id of teamIds) if (!(await theirs(exec, id))) found.push(id);
    return found;
  };
  // Slack's word on who joined and left, kept until Slack says otherwise: a lagging answer cannot undo a join, nor a
  // late event a newer word. Read and written back in one transaction, the binding locked: a join and a leave a few
  // milliseconds apart (two events handled side by side, on Postgres or between a lookup's awaits) must not each
  // write over the other's change.
  const recorded = await deps.db.transaction(async (tx) => {
    const row = await findChannelBinding(tx, channelId, { lock: true });
    const current = row?.strangerTeamIds ?? [];
    const told = new Set(current);
    const heardAt: Record<string, string> = { ...row?.strangersHeardAt };
    if (!applyWord(told, heardAt, event))
      deps.logger.info(
        { channelId, event },
        'Slack event about a partner channel older than the last word on that organization: nothing changes',
      );
    const kept = await strangersAmong(tx, [...told]);
    const strangersHeard = new Set(await strangersAmong(tx, Object.keys(heardAt)));
    const keptHeard = Object.fromEntries(Object.entries(heardAt).filter(([id]) => strangersHeard.has(id)));
    if (kept.join() !== current.join() || !sameWords(keptHeard, row?.strangersHeardAt ?? {}))
      await setStrangers(tx, channelId, { teamIds: kept, heardAt: keptHeard }, now);
    return kept;
  });
  await holdOrRelease(deps, channelId, partnerId, info, recorded, now);
}

/**
 * After an event's word is recorded: hold the partner channel when anyone but its partner is in it (Slack's word
 * recorded, or Slack's answer now), or release it when Slack's answer shows its partner alone. `recorded`: the
 * organizations Slack's words say are in it, as this event left them.
 */
async function holdOrRelease(
  deps: ChannelSharingDeps,
  channelId: string,
  partnerId: number,
  info: Awaited<ReturnType<ChannelSharingDeps['directory']['lookupChannel']>> | undefined,
  recorded: readonly string[],
  now: Date,
): Promise<void> {
  const ours = new Set(deps.internalTeamIds);
  const theirs = async (exec: Executor, teamId: string) =>
    ours.has(teamId) || (await findWorkspace(exec, teamId))?.partnerId === partnerId;
  const strangersAmong = async (exec: Executor, teamIds: readonly string[]) => {
    const found: string[] = [];
    for (const id of teamIds) if (!(await theirs(exec, id))) found.push(id);
    return found;
  };
  // The names of the organizations to hold for, asked of Slack outside any transaction (no lock held over a call).
  const candidates = [
    ...new Set([...recorded, ...(await strangersAmong(deps.db, info?.sharedTeamIds ?? []))]),
  ];
  const names = new Map<string, string>();
  for (const id of candidates) {
    const name = await deps.directory.teamName(id).catch(() => undefined);
    if (name) names.set(id, name);
  }
  const partner = await findPartner(deps.db, partnerId);
  const partnerName = partner?.name ?? 'its partner';
  // Hold or release, decided on the row as it is now, locked: two events handled side by side each record their
  // word first, and whichever decides last decides on both words (a join's hold committed after a leave looked at a
  // stale status kept a channel held that nobody shares, found by channelSharingOrder on Postgres).
  const decided = await deps.db.transaction(async (tx) => {
    const row = await findChannelBinding(tx, channelId, { lock: true });
    if (!row) return { kind: 'none' as const };
    const strangers = [
      ...new Set([
        ...(await strangersAmong(tx, row.strangerTeamIds ?? [])),
        ...(await strangersAmong(tx, info?.sharedTeamIds ?? [])),
      ]),
    ];
    if (strangers.length > 0) {
      if (row.status === 'held') return { kind: 'none' as const };
      const who = strangers.map((id) => names.get(id) ?? id).join(', ');
      await holdChannel(tx, channelId, `shared with ${who} as well as ${partnerName}`, now);
      // Their decision notices may say the partner reads of the answer: now it waits for an admin.
      await refreshWaiting(tx, channelId, now);
      return { kind: 'held' as const, strangers, who };
    }
    if (row.status !== 'held' || !row.heldReason?.startsWith('shared with')) return { kind: 'none' as const };
    if (!info) return { kind: 'unanswered' as const };
    await bindChannel(tx, { id: channelId, name: info.name }, partnerId, 'slack', now);
    await wakeChannel(tx, channelId, now);
    await refreshWaiting(tx, channelId, now);
    return { kind: 'released' as const };
  });
  if (decided.kind === 'held') {
    deps.logger.warn(
      { channelId, partnerId, strangers: decided.strangers },
      'partner channel held: another organization joined',
    );
    await toAdmins(
      deps,
      `partner_channel_held:${channelId}`,
      partnerChannelHeldAdmin(channelId, partnerName, decided.who),
    );
  } else if (decided.kind === 'unanswered') {
    deps.logger.info(
      { channelId },
      'held partner channel not released: Slack did not answer; asking again later',
    );
  } else if (decided.kind === 'released') {
    deps.onOutboxWrite();
    deps.logger.info({ channelId }, 'partner channel released: Slack shows only its partner in it');
  }
}

/**
 * Asks Slack again about every partner channel held for sharing, and every internal channel not confirmed now
 * (switched off when shared, or not confirmed at start: Slack failing then, or the app not yet invited): an answer
 * that failed or lagged is not the last word. Scheduled; a few channels a minute.
 */
async function recheckSharing(deps: ChannelSharingDeps, limit: number): Promise<void> {
  const held = (await channelsHeldForSharing(deps.db, limit)).map((c) => c.channelId);
  const internal = (await deps.internalChannels.unconfirmed()).filter((id) => !held.includes(id));
  for (const channelId of [...held, ...internal].slice(0, limit)) await sharingChanged(deps, channelId);
}

async function toAdmins(
  deps: ChannelSharingDeps,
  key: string,
  message: { text: string; blocks: unknown[] },
): Promise<void> {
  const now = deps.clock.now();
  const messages = deps.adminUserIds.map((admin) => ({
    method: 'chat.postMessage' as const,
    dedupeKey: `${key}:${now.getTime()}:${admin}`,
    channel: admin,
    payload: { text: message.text, blocks: message.blocks },
  }));
  await deps.db.transaction((tx) => enqueue(tx, messages, now));
  deps.onOutboxWrite();
}
