import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import type { Db } from '../db/client.js';
import { recordSharing, sharingOf } from '../db/repositories/internalChannels.js';
import type { InternalChannelKind, InternalChannelSource } from '../domain/internalChannels.js';
import { type PolicyBook, policyChannelTargets } from '../domain/policyFile.js';
import type { Logger } from '../logger.js';
import { SETTINGS, type SettingKey, type Settings } from '../program/settings.js';

/**
 * The settings that name a channel the app posts internal text to (internal people, numbers, owners' buttons). A new
 * one is one entry here (and its kind in domain/internalChannels.ts): start checks it, the delivery guard lets
 * internal posts into it only while it is confirmed internal, and a `channel_shared` event switches it off, as for
 * every other source of `internalChannelSources`.
 */
const INTERNAL_CHANNEL_SETTINGS = [
  { kind: 'escalation', key: 'escalationChannelId' },
  { kind: 'partnerHelp', key: 'partnerHelpChannelId' },
  { kind: 'digest', key: 'digestChannelId' },
] as const satisfies readonly { kind: InternalChannelKind; key: SettingKey }[];

/** A setting's purpose, and one place naming a channel: in domain/internalChannels.ts, where renderers read them. */
export type { InternalChannelKind, InternalChannelSource } from '../domain/internalChannels.js';

/**
 * Every place a channel the app posts internal text to is named: the settings above, then each `channel:` target of
 * the escalation policy file. Start checks exactly these, and at run time only these (while confirmed) may receive
 * an internal post.
 */
export function internalChannelSources(
  settings: Pick<Settings, 'get'>,
  book: PolicyBook | undefined,
): readonly InternalChannelSource[] {
  const sources: InternalChannelSource[] = [];
  for (const { kind, key } of INTERNAL_CHANNEL_SETTINGS) {
    const channelId = settings.get(key);
    // Named by the variable it was, or by its place in Slack.
    const name = SETTINGS[key].env ?? `Settings → ${SETTINGS[key].label}`;
    if (channelId) sources.push({ name, channelId, kind });
  }
  for (const { place, channelId, policy, policyName } of book ? policyChannelTargets(book) : []) {
    sources.push({ name: place, channelId, policy, policyName });
  }
  return Object.freeze(sources.map((s) => Object.freeze(s)));
}

/** What the start-time check found. */
export interface InternalChannelCheck {
  /** Channels conversations.info showed to the app as not shared with another organization: the only ones used. */
  readonly confirmed: readonly string[];
  /** Channels Slack showed shared with another organization. */
  readonly shared: readonly string[];
}

/**
 * Start: each channel named by a source is looked up (once); one shared externally, or not confirmed internal (not
 * visible to the app, the lookup failing), is refused (fail closed) and the log names each place that names it.
 */
export async function checkInternalChannels(deps: {
  configured: readonly InternalChannelSource[];
  directory: Pick<Directory, 'lookupChannel'>;
  logger: Logger;
}): Promise<InternalChannelCheck> {
  const confirmed = new Set<string>();
  const shared = new Set<string>();
  const looked = new Map<string, Awaited<ReturnType<Directory['lookupChannel']>> | 'unknown'>();
  for (const source of deps.configured) {
    const { channelId } = source;
    let channel = looked.get(channelId);
    if (!looked.has(channelId)) {
      channel = await deps.directory.lookupChannel(channelId).catch(() => 'unknown' as const);
      looked.set(channelId, channel);
    }
    if (channel === 'unknown' || !channel || channel.isExternallyShared) {
      // Slack answers channel_not_found for a private channel the app is not in, which could be a shared one.
      const reason =
        channel === 'unknown'
          ? 'lookup failed'
          : !channel
            ? 'not visible to the app (invite it, then restart)'
            : 'shared externally';
      if (channel !== 'unknown' && channel?.isExternallyShared) shared.add(channelId);
      deps.logger.error(
        { channelId, reason },
        `${source.name} is not confirmed internal; nothing will be posted there`,
      );
      continue;
    }
    confirmed.add(channelId);
    if (!channel.isMember) {
      deps.logger.warn({ channelId }, `invite the app to ${source.name}, or nothing can be posted there`);
    }
  }
  return Object.freeze({ confirmed: Object.freeze([...confirmed]), shared: Object.freeze([...shared]) });
}

/** What a sharing change switched off. */
export interface SwitchedOff {
  /** The settings among the places (their purpose, for the admins' notice). */
  readonly kinds: InternalChannelKind[];
  /** Every place that names the channel, the policy file's targets included (absent: none). */
  readonly sources?: readonly InternalChannelSource[];
}

interface InternalChannelsDeps {
  /** The sources as the settings and the program name them now (`internalChannelSources`). */
  configured: () => readonly InternalChannelSource[];
  checked: InternalChannelCheck;
  logger: Logger;
  db: Db;
  clock: Clock;
}

/** This process's view of the channels: what it heard and read last. */
interface View {
  /** Channels confirmed internal now: named by a source, found internal, not shared since. */
  confirmed: Set<string>;
  /** Channels known to be shared externally: the outbox drops internal posts still queued for them. */
  shared: Set<string>;
  sourcesOf(channelId: string): InternalChannelSource[];
  /** Follows a word on the channel (from Slack, or read from the database). */
  learn(channelId: string, isShared: boolean): void;
}

function viewOf(deps: InternalChannelsDeps): View {
  const sourcesOf = (channelId: string) => deps.configured().filter((s) => s.channelId === channelId);
  const confirmed = new Set<string>(deps.checked.confirmed.filter((id) => sourcesOf(id).length > 0));
  const shared = new Set<string>(deps.checked.shared);
  return {
    confirmed,
    shared,
    sourcesOf,
    learn(channelId, isShared) {
      if (isShared) {
        shared.add(channelId);
        confirmed.delete(channelId);
        return;
      }
      shared.delete(channelId);
      if (sourcesOf(channelId).length > 0) confirmed.add(channelId);
    },
  };
}

/** The newest word any process recorded on the channel, learned by this process (undefined: none recorded). */
async function recordedWord(deps: InternalChannelsDeps, view: View, channelId: string) {
  const recorded = await sharingOf(deps.db, channelId);
  if (recorded !== undefined) view.learn(channelId, recorded);
  return recorded;
}

/**
 * Slack says a channel gained or lost organizations. Returns what it switched off: the places that name it, when
 * it was confirmed internal by the newest word before this one (nothing when it was off, or another process
 * already heard it).
 */
async function sharingChanged(
  deps: InternalChannelsDeps,
  view: View,
  channelId: string,
  externallyShared: boolean,
): Promise<SwitchedOff> {
  const sources = view.sourcesOf(channelId);
  const names = sources.map((s) => s.name);
  const wasConfirmed = view.confirmed.has(channelId);
  const { was, now } = await deps.db.transaction((tx) =>
    recordSharing(tx, channelId, externallyShared, deps.clock.now()),
  );
  view.learn(channelId, now);
  const before = was === undefined ? !wasConfirmed : was;
  if (now && !before && sources.length > 0) {
    deps.logger.error(
      { channelId, sources: names },
      'an internal channel was shared with another organization; nothing internal is posted there any more',
    );
    return { kinds: sources.flatMap((s) => (s.kind ? [s.kind] : [])), sources };
  }
  if (!now && before && sources.length > 0)
    deps.logger.info({ channelId, sources: names }, 'internal channel no longer shared; in use again');
  return { kinds: [], sources: [] };
}

/** Records what the start-time check found, as Slack's word at this moment (a newer word of another process stays). */
async function recordStart(deps: InternalChannelsDeps, view: View): Promise<void> {
  const at = deps.clock.now();
  const { confirmed, shared } = deps.checked;
  await deps.db.transaction(async (tx) => {
    for (const id of confirmed) if (view.sourcesOf(id).length > 0) await recordSharing(tx, id, false, at);
    for (const id of shared) await recordSharing(tx, id, true, at);
  });
  for (const id of [...confirmed, ...shared]) await recordedWord(deps, view, id);
}

/**
 * The internal channels the app posts to (escalations, partner-help requests, the digest, the policies' channels).
 * They name internal people and numbers, so each is used only while it is confirmed internal: as the start-time
 * check found it, switched off the moment Slack says it was shared with another organization (on again when Slack
 * says it no longer is). A channel no source names is never confirmed.
 *
 * Slack's newest word on each channel is kept in the database (`internal_channel_sharing`), whichever process heard
 * it, and the delivery guard reads it before each internal post: with several processes on one database, a channel
 * one of them hears was shared gets nothing internal from any of them. This process's own view (`channelId`, which
 * only chooses where a post is queued) follows what it hears and reads.
 */
export function createInternalChannels(deps: InternalChannelsDeps) {
  const view = viewOf(deps);
  /** Whether internal text may go into this channel now: a source names it and the newest word says internal. */
  const isConfirmed = async (channelId: string): Promise<boolean> => {
    if (view.sourcesOf(channelId).length === 0) return false;
    const recorded = await recordedWord(deps, view, channelId);
    return recorded === undefined ? view.confirmed.has(channelId) : !recorded;
  };
  return {
    recordStart: () => recordStart(deps, view),
    sharingChanged: (channelId: string, externallyShared: boolean) =>
      sharingChanged(deps, view, channelId, externallyShared),
    /** The channel for this purpose, while this process sees it confirmed internal (the guard checks again). */
    channelId(kind: InternalChannelKind): string | undefined {
      const id = deps.configured().find((s) => s.kind === kind)?.channelId;
      return id && view.confirmed.has(id) ? id : undefined;
    },
    /** Whether internal text may go into this channel now (the delivery guard asks before each post). */
    isConfirmed,
    /** Whether the channel is known shared externally now: the outbox drops internal posts queued for it. */
    isShared: async (channelId: string): Promise<boolean> =>
      (await recordedWord(deps, view, channelId)) ?? view.shared.has(channelId),
    /** Channels a source names that are not confirmed internal now: the re-check asks Slack about them again. */
    async unconfirmed(): Promise<string[]> {
      const found: string[] = [];
      for (const id of new Set(deps.configured().map((s) => s.channelId)))
        if (!(await isConfirmed(id))) found.push(id);
      return found;
    },
  };
}

export type InternalChannels = ReturnType<typeof createInternalChannels>;
