import type { Logger } from '../logger.js';
import type { Directory } from './directory.js';

export type InternalChannelKind = 'escalation' | 'partnerHelp' | 'digest';

const SETTING: Record<InternalChannelKind, string> = {
  escalation: 'ESCALATION_CHANNEL_ID',
  partnerHelp: 'PARTNER_HELP_CHANNEL_ID',
  digest: 'DIGEST_CHANNEL_ID',
};

/** What the start-time check found: channels not confirmed internal (unused), and those known shared externally. */
export interface InternalChannelCheck {
  readonly off: readonly string[];
  readonly shared: readonly string[];
}

/**
 * Start: each configured internal channel is looked up; one shared externally, or not confirmed internal, is refused
 * (fail closed) and the log says why.
 */
export async function checkInternalChannels(deps: {
  configured: Partial<Record<InternalChannelKind, string>>;
  directory: Pick<Directory, 'lookupChannel'>;
  logger: Logger;
}): Promise<InternalChannelCheck> {
  const off = new Set<string>();
  const shared = new Set<string>();
  for (const kind of Object.keys(deps.configured) as InternalChannelKind[]) {
    const channelId = deps.configured[kind];
    if (!channelId || off.has(channelId)) continue;
    const channel = await deps.directory.lookupChannel(channelId).catch(() => 'unknown' as const);
    if (channel === 'unknown' || !channel || channel.isExternallyShared) {
      // Slack answers channel_not_found for a private channel the app is not in, which could be a shared one.
      const reason =
        channel === 'unknown'
          ? 'lookup failed'
          : !channel
            ? 'not visible to the app (invite it, then restart)'
            : 'shared externally';
      if (channel !== 'unknown' && channel?.isExternallyShared) shared.add(channelId);
      off.add(channelId);
      deps.logger.error(
        { channelId, reason },
        `${SETTING[kind]} is not confirmed internal; nothing will be posted there`,
      );
      continue;
    }
    if (!channel.isMember) {
      deps.logger.warn({ channelId }, `invite the app to ${SETTING[kind]}, or nothing can be posted there`);
    }
  }
  return Object.freeze({ off: Object.freeze([...off]), shared: Object.freeze([...shared]) });
}

/**
 * The internal channels the app posts to (escalations, partner-help requests, the digest). They name internal people
 * and numbers, so each is used only while it is confirmed internal: as the start-time check found it, and switched
 * off the moment Slack says it was shared with another organization (on again when Slack says it no longer is).
 */
export function createInternalChannels(deps: {
  configured: Partial<Record<InternalChannelKind, string>>;
  checked: InternalChannelCheck;
  logger: Logger;
}) {
  const off = new Set<string>(deps.checked.off);
  /** Channels known to be shared externally: the outbox drops internal posts still queued for them. */
  const shared = new Set<string>(deps.checked.shared);
  const kindsOf = (channelId: string) =>
    (Object.keys(deps.configured) as InternalChannelKind[]).filter((k) => deps.configured[k] === channelId);

  /** Slack says a channel gained or lost organizations. Returns the settings switched off (or on) by it. */
  function sharingChanged(channelId: string, externallyShared: boolean): { kinds: InternalChannelKind[] } {
    const kinds = kindsOf(channelId);
    if (externallyShared) {
      shared.add(channelId);
      if (kinds.length > 0 && !off.has(channelId)) {
        off.add(channelId);
        deps.logger.error(
          { channelId, settings: kinds.map((k) => SETTING[k]) },
          'an internal channel was shared with another organization; nothing internal is posted there any more',
        );
        return { kinds };
      }
      return { kinds: [] };
    }
    shared.delete(channelId);
    if (kinds.length > 0 && off.has(channelId)) {
      off.delete(channelId);
      deps.logger.info(
        { channelId, settings: kinds.map((k) => SETTING[k]) },
        'internal channel no longer shared; in use again',
      );
    }
    return { kinds: [] };
  }

  return {
    sharingChanged,
    /** The channel for this purpose, while it is confirmed internal. */
    channelId(kind: InternalChannelKind): string | undefined {
      const id = deps.configured[kind];
      return id && !off.has(id) ? id : undefined;
    },
    shared: (): ReadonlySet<string> => shared,
  };
}

export type InternalChannels = ReturnType<typeof createInternalChannels>;
