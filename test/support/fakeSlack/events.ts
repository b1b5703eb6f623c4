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

export type FakeEvent = ChannelSharedEvent | ChannelUnsharedEvent;

export interface EventAuthorization {
  team_id: string;
  user_id: string;
  is_bot: true;
  is_enterprise_install: false;
}

/** The outer event of an Events API delivery. */
export interface EventEnvelope<E extends FakeEvent = FakeEvent> {
  token: string;
  team_id: string;
  api_app_id: string;
  event: E;
  type: 'event_callback';
  /** `Ev` + 10 uppercase letters or digits, unique per fake Slack. */
  event_id: string;
  /** Unix seconds: the whole seconds of the event's `event_ts`. */
  event_time: number;
  authorizations: EventAuthorization[];
}

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
  }

  envelope<E extends FakeEvent>(event: E): EventEnvelope<E> {
    const { teamId, botUserId, appId } = this.identity;
    return {
      token: VERIFICATION_TOKEN,
      team_id: teamId,
      api_app_id: appId,
      event,
      type: 'event_callback',
      event_id: this.newEventId(),
      event_time: Math.floor(Number(event.event_ts)),
      authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    };
  }

  /**
   * Wraps the event in an envelope and, when a URL is subscribed, POSTs it there signed; resolves once the app
   * answered. Rejects when the app cannot be reached (the state change that caused the event stays).
   */
  async deliver<E extends FakeEvent>(event: E): Promise<EventDelivery<E>> {
    const envelope = this.envelope(event);
    const delivery: EventDelivery<E> = { envelope };
    this.log.push(delivery as EventDelivery);
    const subscription = this.subscription;
    if (!subscription) return { ...delivery };
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
