/**
 * Slack's Web API rate limits, as the fake Slack enforces them when asked (`rateLimits` option): per method and
 * workspace by tier (Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min: the documented floors, a
 * minute's worth usable as a burst), and chat.postMessage at about one message per second per channel with short
 * bursts. Over the limit, Slack answers HTTP 429 with `Retry-After` in seconds.
 */

/** A token bucket: `burst` calls at once, refilled at `perSecond`. */
export interface Limit {
  burst: number;
  perSecond: number;
}

const perMinute = (n: number): Limit => ({ burst: n, perSecond: n / 60 });
export const TIERS = { 1: perMinute(1), 2: perMinute(20), 3: perMinute(50), 4: perMinute(100) } as const;

/**
 * The tiers of the methods the app calls (Slack's method reference) outside Tier 3: the others (chat.update,
 * conversations.info/history/replies, users.lookupByEmail, reactions.add, team.info, files.delete, …) count as Tier 3.
 */
export const METHOD_TIERS: Record<string, keyof typeof TIERS> = {
  'auth.test': 4,
  'chat.postEphemeral': 4,
  'chat.getPermalink': 4,
  'users.info': 4,
  'users.profile.get': 4,
  'usergroups.users.list': 2,
  'usergroups.list': 2,
  'views.open': 4,
  'views.push': 4,
  'views.update': 4,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'files.info': 4,
  // Slack lists "Special" limits for it; an install is rare, so Tier 4 keeps it out of the way.
  'oauth.v2.access': 4,
  // Socket Mode's link: Tier 1 (a reconnect storm is what it limits).
  'apps.connections.open': 1,
};

/** chat.postMessage: about one per second per channel, short bursts allowed. */
export const POST_PER_CHANNEL: Limit = { burst: 3, perSecond: 1 };

export interface RateLimitOptions {
  /** Per-method limits replacing the tiers (e.g. a small burst to see 429s in a short test). */
  methods?: Record<string, Limit>;
  /** chat.postMessage per channel, replacing POST_PER_CHANNEL. */
  postPerChannel?: Limit;
  /** The clock the buckets refill on (epoch ms; real time by default): a test steps it with the app's clock. */
  now?: () => number;
}

class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: Limit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  /** Takes a token: 0 when allowed, else the whole seconds until one is there (Retry-After). */
  take(now: number): number {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.limit.perSecond));
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions = {}) {}

  /** 0 when the call may go through, else the Retry-After (seconds) of a 429. */
  check(method: string, channel: string | undefined, now = this.options.now?.() ?? Date.now()): number {
    if (method === 'chat.postMessage') {
      // Its own special limit, per channel (a post without a channel is refused by the method itself).
      return channel ? this.bucket(`chat.postMessage:${channel}`, this.postLimit(), now).take(now) : 0;
    }
    return this.bucket(method, this.methodLimit(method), now).take(now);
  }

  reset(): void {
    this.buckets.clear();
  }

  private postLimit(): Limit {
    return this.options.postPerChannel ?? POST_PER_CHANNEL;
  }

  private methodLimit(method: string): Limit {
    return this.options.methods?.[method] ?? TIERS[METHOD_TIERS[method] ?? 3];
  }

  private bucket(key: string, limit: Limit, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(limit, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
