import type { Config } from '../config.js';
import { type PolicyBook, policyChannelTargets } from '../domain/policyFile.js';
import type { Logger } from '../logger.js';
import type { Directory } from '../services/directory.js';

/**
 * The settings that name a channel the app posts internal text to (internal people, numbers, owners' buttons). A new
 * one is one entry here: start checks it, the delivery guard lets internal posts into it only while it is confirmed
 * internal, and a `channel_shared` event switches it off, as for every other source of `internalChannelSources`.
 */
const INTERNAL_CHANNEL_SETTINGS = [
  {
    kind: 'escalation',
    setting: 'ESCALATION_CHANNEL_ID',
    channelOf: (c: Config) => c.responseWindow.escalationChannelId,
  },
  {
    kind: 'partnerHelp',
    setting: 'PARTNER_HELP_CHANNEL_ID',
    channelOf: (c: Config) => c.partnerHelpChannelId,
  },
  {
    kind: 'digest',
    setting: 'DIGEST_CHANNEL_ID',
    channelOf: (c: Config) => c.revopsReporting.digestChannelId,
  },
] as const;

export type InternalChannelKind = (typeof INTERNAL_CHANNEL_SETTINGS)[number]['kind'];

/** One place that names a channel the app posts internal text to. */
export interface InternalChannelSource {
  /** The place, as an admin finds it: the setting (`DIGEST_CHANNEL_ID`) or the policy file's `policies.x[1].to[0]`. */
  readonly name: string;
  readonly channelId: string;
  /** The setting's purpose; absent for a `channel:` target of the escalation policy file. */
  readonly kind?: InternalChannelKind;
  /** A `channel:` target's policy, by its name in the file (its escalations go there). */
  readonly policy?: string;
}

/**
 * Every place a channel the app posts internal text to is named: the settings above, then each `channel:` target of
 * the escalation policy file. Start checks exactly these, and at run time only these (while confirmed) may receive
 * an internal post.
 */
export function internalChannelSources(
  config: Config,
  book: PolicyBook | undefined,
): readonly InternalChannelSource[] {
  const sources: InternalChannelSource[] = [];
  for (const { kind, setting, channelOf } of INTERNAL_CHANNEL_SETTINGS) {
    const channelId = channelOf(config);
    if (channelId) sources.push({ name: setting, channelId, kind });
  }
  for (const { place, channelId, policy } of book ? policyChannelTargets(book) : []) {
    sources.push({ name: place, channelId, policy });
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

/**
 * The internal channels the app posts to (escalations, partner-help requests, the digest, the policies' channels).
 * They name internal people and numbers, so each is used only while it is confirmed internal: as the start-time
 * check found it, switched off the moment Slack says it was shared with another organization (on again when Slack
 * says it no longer is). A channel no source names is never confirmed.
 */
export function createInternalChannels(deps: {
  /** The sources start checked (`internalChannelSources`). */
  configured: readonly InternalChannelSource[];
  checked: InternalChannelCheck;
  logger: Logger;
}) {
  const sourcesOf = (channelId: string) => deps.configured.filter((s) => s.channelId === channelId);
  /** Channels confirmed internal now: named by a source, found internal at start, not shared since. */
  const confirmed = new Set<string>(deps.checked.confirmed.filter((id) => sourcesOf(id).length > 0));
  /** Channels known to be shared externally: the outbox drops internal posts still queued for them. */
  const shared = new Set<string>(deps.checked.shared);

  /** Slack says a channel gained or lost organizations. Returns what it switched off (nothing when it was off). */
  function sharingChanged(channelId: string, externallyShared: boolean): SwitchedOff {
    const sources = sourcesOf(channelId);
    const names = sources.map((s) => s.name);
    if (externallyShared) {
      shared.add(channelId);
      if (confirmed.delete(channelId)) {
        deps.logger.error(
          { channelId, sources: names },
          'an internal channel was shared with another organization; nothing internal is posted there any more',
        );
        return { kinds: sources.flatMap((s) => (s.kind ? [s.kind] : [])), sources };
      }
      return { kinds: [], sources: [] };
    }
    shared.delete(channelId);
    if (sources.length > 0 && !confirmed.has(channelId)) {
      confirmed.add(channelId);
      deps.logger.info({ channelId, sources: names }, 'internal channel no longer shared; in use again');
    }
    return { kinds: [], sources: [] };
  }

  return {
    sharingChanged,
    /** The channel for this purpose, while it is confirmed internal. */
    channelId(kind: InternalChannelKind): string | undefined {
      const id = deps.configured.find((s) => s.kind === kind)?.channelId;
      return id && confirmed.has(id) ? id : undefined;
    },
    /** Whether internal text may go into this channel now (the delivery guard asks before each post). */
    isConfirmed: (channelId: string): boolean => confirmed.has(channelId),
    shared: (): ReadonlySet<string> => shared,
    /** Channels a source names that are not confirmed internal now: the re-check asks Slack about them again. */
    unconfirmed: (): string[] => [
      ...new Set(deps.configured.map((s) => s.channelId).filter((id) => !confirmed.has(id))),
    ],
  };
}

export type InternalChannels = ReturnType<typeof createInternalChannels>;
