/**
 * Events API deliveries of the fake Slack: event envelopes in Slack's shape (`event_callback`), POSTed as JSON to
 * the app's events URL and signed as Slack signs them (`x-slack-signature`, `x-slack-request-timestamp`), once a
 * test subscribed that URL (`FakeSlack.subscribeEvents`).
 */
import { randomBytes } from 'node:crypto';
import { postEvent } from '../signing.js';

/** https://docs.slack.dev/reference/events/channel_shared */
export interface ChannelSharedEvent {
  type: 'channel_shared';
  connected_team_id: string;
  channel: string;
  event_ts: string;
}

/** https://docs.slack.dev/reference/events/channel_unshared */
export interface ChannelUnsharedEvent {
  type: 'channel_unshared';
  previously_connected_team_id: string;
  channel: string;
  /** Whether the channel is still shared with another organization after this one left. */
  is_ext_shared: boolean;
  event_ts: string;
}

/**
 * https://docs.slack.dev/reference/events/user_status_changed: sent for everyone in the workspace whose status
 * changes (scope users:read); the user's profile carries the status.
 */
export interface UserStatusChangedEvent {
  type: 'user_status_changed';
  user: {
    id: string;
    team_id: string;
    name: string;
    profile: {
      status_text: string;
      status_emoji: string;
      /** Unix seconds; 0: no expiration. */
      status_expiration: number;
      real_name: string;
      display_name: string;
    };
    /** Unix seconds. */
    updated: number;
  };
  cache_ts: number;
  event_ts: string;
}

/**
 * https://docs.slack.dev/reference/events/channel_left (scope channels:read) and group_left (groups:read): sent to
 * the app when someone removes it from a public or a private channel.
 */
export interface ChannelLeftEvent {
  type: 'channel_left' | 'group_left';
  channel: string;
  /** Who removed the app. */
  actor_id: string;
  event_ts: string;
}

/** https://docs.slack.dev/reference/events/member_joined_channel: for the app, when someone invites it. */
export interface MemberJoinedChannelEvent {
  type: 'member_joined_channel';
  user: string;
  channel: string;
  /** `C`: public, `G`: private. */
  channel_type: 'C' | 'G';
  team: string;
  inviter?: string;
  event_ts: string;
}

/** https://docs.slack.dev/reference/events/app_uninstalled (no scope): the inner event is its type alone. */
export interface AppUninstalledEvent {
  type: 'app_uninstalled';
  event_ts?: string;
}

/**
 * https://docs.slack.dev/reference/events/tokens_revoked (no scope): the user ids whose user (`oauth`) and bot
 * (`bot`) tokens of the app were revoked.
 */
export interface TokensRevokedEvent {
  type: 'tokens_revoked';
  tokens: { oauth?: string[]; bot?: string[] };
  event_ts?: string;
}

/**
 * https://docs.slack.dev/reference/events/team_access_granted and team_access_revoked (no scope): sent to an
 * org-wide app when its token is given access to workspaces of the org, or loses it.
 */
export interface TeamAccessEvent {
  type: 'team_access_granted' | 'team_access_revoked';
  team_ids: string[];
  event_ts?: string;
}

export type FakeEvent =
  | ChannelSharedEvent
  | ChannelUnsharedEvent
  | UserStatusChangedEvent
  | ChannelLeftEvent
  | MemberJoinedChannelEvent
  | AppUninstalledEvent
  | TokensRevokedEvent
  | TeamAccessEvent;

let lastTs = 0;
/** An event timestamp (`seconds.micros`), increasing across calls, as Slack's are. */
function nextEventTs(): string {
  lastTs = Math.max(lastTs + 1, Date.now() * 1000);
  return `${Math.floor(lastTs / 1_000_000)}.${String(lastTs % 1_000_000).padStart(6, '0')}`;
}

/** The events Slack sends about people, channels and the install, as tests deliver them (`EventSender.deliver`). */
export const slackEvent = {
  /**
   * A person set (or cleared: empty text and emoji) their status; `expiration` null: none. `ts`: the event's time
   * (default: now, real time), e.g. a fake Slack's own clock.
   */
  userStatusChanged(
    user: { id: string; team_id: string; name: string; real_name?: string },
    status: { text: string; emoji: string; expiration?: Date | null },
    ts: string = nextEventTs(),
  ): UserStatusChangedEvent {
    const seconds = Math.floor(Number(ts));
    return {
      type: 'user_status_changed',
      user: {
        id: user.id,
        team_id: user.team_id,
        name: user.name,
        profile: {
          status_text: status.text,
          status_emoji: status.emoji,
          status_expiration: status.expiration ? Math.floor(status.expiration.getTime() / 1000) : 0,
          real_name: user.real_name ?? user.name,
          display_name: user.name,
        },
        updated: seconds,
      },
      cache_ts: seconds,
      event_ts: ts,
    };
  },
  /** The app removed from a channel (`private`: group_left); `ts` as for userStatusChanged. */
  channelLeft(
    channel: string,
    actorId: string,
    opts: { private?: boolean; ts?: string } = {},
  ): ChannelLeftEvent {
    return {
      type: opts.private ? 'group_left' : 'channel_left',
      channel,
      actor_id: actorId,
      event_ts: opts.ts ?? nextEventTs(),
    };
  },
  /**
   * Someone (`inviter`) invited `user` (the app's bot user, for the app's own invite) to a channel (`private`: G);
   * `ts` as for userStatusChanged.
   */
  memberJoinedChannel(
    user: string,
    channel: string,
    team: string,
    inviter?: string,
    opts: { private?: boolean; ts?: string } = {},
  ): MemberJoinedChannelEvent {
    return {
      type: 'member_joined_channel',
      user,
      channel,
      channel_type: opts.private ? 'G' : 'C',
      team,
      ...(inviter ? { inviter } : {}),
      event_ts: opts.ts ?? nextEventTs(),
    };
  },
  appUninstalled: (): AppUninstalledEvent => ({ type: 'app_uninstalled' }),
  tokensRevoked: (tokens: { oauth?: string[]; bot?: string[] }): TokensRevokedEvent => ({
    type: 'tokens_revoked',
    tokens,
  }),
};

/**
 * One installation the event is visible to. A workspace install names its team (and its org on Enterprise
 * Grid); an org-wide install names its org, with `team_id: null` ("installations may only have one or two, not
 * all three, defined": Slack's Events API reference for `authorizations`).
 */
export interface EventAuthorization {
  enterprise_id?: string;
  team_id: string | null;
  user_id: string;
  is_bot: true;
  is_enterprise_install: boolean;
}

/**
 * The workspace an event is delivered as (`EventSender.deliver`): its team, the app's bot user there, and for a
 * workspace of an Enterprise Grid org, the org and whether the app is installed org-wide. `muted`: the app was
 * uninstalled from that workspace, so the event is recorded but not sent.
 */
export interface EventTarget {
  teamId: string;
  botUserId: string;
  enterpriseId?: string;
  orgWide?: boolean;
  muted?: boolean;
}

/** The outer event of an Events API delivery. */
export interface EventEnvelope<E extends FakeEvent = FakeEvent> {
  token: string;
  team_id: string;
  /** Set for a workspace of an Enterprise Grid org, as are the two `context_` ids. */
  enterprise_id?: string;
  context_team_id?: string;
  context_enterprise_id?: string;
  api_app_id: string;
  event: E;
  type: 'event_callback';
  /** `Ev` + 10 uppercase letters or digits, unique per fake Slack. */
  event_id: string;
  /** Unix seconds: the whole seconds of the event's `event_ts` (now, for an event without one). */
  event_time: number;
  /** One installation the event is visible to; apps.event.authorizations.list gives them all for `event_context`. */
  authorizations: EventAuthorization[];
  /** Opaque: names this event to apps.event.authorizations.list. */
  event_context: string;
  /** Whether the event happened in a channel shared with another organization (Slack Connect). */
  is_ext_shared_channel: boolean;
}

/**
 * Who else sees an event (its channel shared with other installed workspaces), as the fake's workspaces say:
 * `shared` whether its channel is shared with another organization, `others` the other installations in it.
 */
export type EventVisibility = (
  event: FakeEvent,
  target: EventTarget | undefined,
) => { shared: boolean; others: EventTarget[] };

/** An event the fake Slack produced, and what came of delivering it. */
export interface EventDelivery<E extends FakeEvent = FakeEvent> {
  envelope: EventEnvelope<E>;
  /** The events URL it was POSTed to; absent when no URL was subscribed (the event was not delivered). */
  url?: string;
  /** HTTP status the app answered with; absent when the event was not delivered. */
  status?: number;
  /** The body the app answered with (text); absent when the event was not delivered. */
  body?: string;
}

/** The verification token Slack puts in `token` (deprecated; the same string as test/support/payloads.ts). */
export const VERIFICATION_TOKEN = 'legacy-verification-token';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class EventSender {
  /** Every event produced, in order (delivered or not). */
  readonly log: EventDelivery[] = [];
  private subscription: { url: string; signingSecret: string } | undefined;
  private readonly eventIds = new Set<string>();
  /** Every installation each event was visible to, by its `event_context` (apps.event.authorizations.list). */
  private readonly contexts = new Map<string, EventAuthorization[]>();
  /** Set by the fake's workspaces (fakeSlack/tenants.ts); without it an event is visible to its target alone. */
  visibility: EventVisibility | undefined;

  constructor(private readonly identity: { teamId: string; botUserId: string; appId: string }) {}

  get url(): string | undefined {
    return this.subscription?.url;
  }

  subscribe(url: string, signingSecret: string): void {
    this.subscription = { url, signingSecret };
  }

  /** Stops delivering; given a URL, only when that URL is the subscribed one. */
  unsubscribe(url?: string): void {
    if (url === undefined || this.subscription?.url === url) this.subscription = undefined;
  }

  reset(): void {
    this.log.length = 0;
    this.contexts.clear();
  }

  /**
   * The envelope of an event for the app. Without `target`: the fake's own workspace, in the shape it always had.
   * With one: that workspace's `team_id` and bot, and on Enterprise Grid the org ids Slack adds.
   */
  envelope<E extends FakeEvent>(event: E, target?: EventTarget): EventEnvelope<E> {
    const { teamId } = target ?? this.identity;
    const enterpriseId = target?.enterpriseId;
    const seen = this.visibility?.(event, target) ?? { shared: false, others: [] };
    const eventId = this.newEventId();
    const eventContext = `4-${Buffer.from(JSON.stringify({ id: eventId })).toString('base64url')}`;
    const own = this.authorizationOf(target);
    // Each installation once (an org-wide install is one, however many of its workspaces are in the channel).
    const visible = new Map<string, EventAuthorization>();
    for (const a of [own, ...seen.others.map((t) => this.authorizationOf(t))])
      visible.set(JSON.stringify(a), a);
    this.contexts.set(eventContext, [...visible.values()]);
    return {
      token: VERIFICATION_TOKEN,
      team_id: teamId,
      ...(enterpriseId
        ? { enterprise_id: enterpriseId, context_team_id: teamId, context_enterprise_id: enterpriseId }
        : {}),
      api_app_id: this.identity.appId,
      event,
      type: 'event_callback',
      event_id: eventId,
      // Slack's app_uninstalled and tokens_revoked carry no event_ts: the envelope's time is now.
      event_time: Math.floor(Number(event.event_ts ?? Date.now() / 1000)),
      // Slack names one installation however many see the event.
      authorizations: [own],
      event_context: eventContext,
      is_ext_shared_channel: seen.shared,
    };
  }

  /**
   * apps.event.authorizations.list's answer (app-level token checked by the caller): every installation that saw the
   * event, a page of `limit` (default 100, at most 1000) from `cursor`; `invalid_event_context` for an unknown one.
   */
  authorizationsList(args: {
    event_context?: unknown;
    cursor?: unknown;
    limit?: unknown;
  }): Record<string, unknown> {
    const all = typeof args.event_context === 'string' ? this.contexts.get(args.event_context) : undefined;
    if (!all) return { ok: false, error: 'invalid_event_context' };
    const from = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64url').toString()) : 0;
    if (!Number.isInteger(from) || from < 0 || from > all.length)
      return { ok: false, error: 'invalid_cursor' };
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 1000);
    const next = from + limit < all.length ? Buffer.from(String(from + limit)).toString('base64url') : '';
    return {
      ok: true,
      authorizations: all.slice(from, from + limit),
      response_metadata: { next_cursor: next },
    };
  }

  /** The authorization naming a target's installation (the own workspace's without one). */
  private authorizationOf(target: EventTarget | undefined): EventAuthorization {
    const { teamId, botUserId } = target ?? this.identity;
    const enterpriseId = target?.enterpriseId;
    const orgWide = enterpriseId !== undefined && target?.orgWide === true;
    return {
      ...(enterpriseId ? { enterprise_id: enterpriseId } : {}),
      team_id: orgWide ? null : teamId,
      user_id: botUserId,
      is_bot: true,
      is_enterprise_install: orgWide,
    };
  }

  /**
   * Wraps the event in an envelope and, when a URL is subscribed, POSTs it there signed; resolves once the app
   * answered. Rejects when the app cannot be reached (the state change that caused the event stays). `target`: the
   * workspace it comes from (see `envelope`); a muted one's event is only recorded.
   */
  async deliver<E extends FakeEvent>(event: E, target?: EventTarget): Promise<EventDelivery<E>> {
    const envelope = this.envelope(event, target);
    const delivery: EventDelivery<E> = { envelope };
    this.log.push(delivery as EventDelivery);
    const subscription = this.subscription;
    if (!subscription || target?.muted) return { ...delivery };
    delivery.url = subscription.url;
    let response: Response;
    try {
      response = await postEvent(subscription.url, subscription.signingSecret, envelope);
    } catch (error) {
      throw new Error(`fake Slack could not deliver ${event.type} to ${subscription.url}: ${String(error)}`, {
        cause: error,
      });
    }
    delivery.body = await response.text();
    delivery.status = response.status;
    return { ...delivery };
  }

  private newEventId(): string {
    let id: string;
    do id = `Ev${[...randomBytes(10)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
    while (this.eventIds.has(id));
    this.eventIds.add(id);
    return id;
  }
}
