import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HomeView } from '@slack/types';
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import { PERMALINK_TOKEN } from '../blocks/windowNotices.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  dueAfterClockStep,
  dueHeads,
  findOutboxByRecordAs,
  findPostedMessage,
  markCancelled,
  markDead,
  markDelivered,
  markRetry,
  markSending,
  type OutboxRow,
  rearm,
  stillPending,
} from '../db/repositories/outbox.js';
import {
  attemptedVersion,
  queueSurfaceUpdate,
  surfaceAttempted,
  surfaceShown,
} from '../db/repositories/surfaces.js';
import type { Logger } from '../logger.js';
import { SLACK_AUTH_ERRORS } from '../runtime/health.js';
import { realTimers, type TimerHandle, type Timers } from '../runtime/timers.js';
import type { CrmDelivery } from './crm/delivery.js';
import { CrmError } from './crm/types.js';
import type { Surfaces } from './surfaces.js';

/** Renders a person's App Home for a republish, with the hash of the view they were last published. */
export interface HomeRenderer {
  /** The Home as it is now, the hash of the view last published, and the change count it shows. */
  render(userId: string): Promise<{ view: HomeView; hash: string | null; version: number } | undefined>;
  /** Records the published view's hash (null: forget it); true when a change came in meanwhile. */
  published(userId: string, hash: string | null, version?: number): boolean;
}

export interface OutboxWorkerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** A client that throws on rate limits and does not retry by itself: the outbox owns retries. */
  client: WebClient;
  pollIntervalMs: number;
  /** Minimum gap between two chat.postMessage calls to the same conversation (Slack allows about 1 per second). */
  channelIntervalMs: number;
  /** Attempts before a message Slack refuses for good (e.g. channel_not_found) is parked as dead. */
  maxAttempts: number;
  /**
   * How long after an uncertain post (a timeout, a 5xx, a crash) to wait before looking for it in Slack: a request
   * Slack is still working on can land after the client gave up, and looking too early would post it twice.
   */
  uncertainWaitMs: number;
  /** A partner-channel post Slack refused because the app cannot post there: it waits; this tells someone. */
  onPartnerChannelBlocked?: (row: OutboxRow, error: string) => void;
  /**
   * Asked right before each delivery whether the conversation may still receive it (the partner directory and the
   * channels' shared status change at run time): send it, hold it (it waits, like a channel the app left), or drop
   * it for good (a partner update aimed at another partner's channel, an internal post into a shared channel).
   */
  guard?: (row: OutboxRow) => DeliveryVerdict;
  fetch?: typeof fetch;
  /** Real elapsed time: pacing, the wait before looking for a lost post, Slack's clock. Default: the process's. */
  timers?: Timers;
  /** Renders rows that carry a surface (a message about a handoff) from the handoff's state at delivery. */
  surfaces?: Pick<Surfaces, 'render'>;
  /** Renders App Home republishes (`views.publish` rows). */
  homes?: HomeRenderer;
  /** Writes CRM activities (`crm.activity` rows); absent: such rows are refused (and parked) as not connected. */
  crm?: CrmDelivery;
  /**
   * Resolves when a delivery step may use the CPU: the app gives Slack requests being answered the turn first
   * (runtime/requestActivity.ts). Default: the next turn of the event loop.
   */
  turn?: () => Promise<void>;
}

export type DeliveryVerdict =
  | { kind: 'send' }
  | { kind: 'hold'; reason: string }
  | { kind: 'drop'; reason: string };

/** Refusals a person can fix by inviting the app (or unarchiving): partner updates wait for that, not park. */
const WAITS_FOR_ACCESS = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);
const MAX_WAIT_BACKOFF_MS = 60 * 60_000;

const MAX_BACKOFF_MS = 5 * 60_000;
/**
 * Methods paced per conversation: posts (Slack allows about one per second in a conversation) and a person's App
 * Home (republished after changes: at most one a second each, the latest state).
 */
const PACED = new Set<string>(['chat.postMessage', 'views.publish']);
const BATCH = 20;

/** What a rate limit holds back: a Slack method in this workspace, or everything for one CRM. */
function limitKey(row: Pick<OutboxRow, 'method' | 'channelKey'>): string {
  return row.method === 'crm.activity' ? row.channelKey.split(':', 2).join(':') : row.method;
}
/** How long a wake-up after a commit waits for more commits to deliver with it. */
const WAKE_COALESCE_MS = 5;

/** Every post carries this metadata, so a post whose answer was lost can be found instead of sent twice. */
export const OUTBOX_EVENT_TYPE = 'cosell_handoff_delivery';

/** An opaque id for the row's message (its dedupe key hashed): partner channels see nothing about the handoff. */
export function deliveryId(row: Pick<OutboxRow, 'dedupeKey'>): string {
  return createHash('sha256').update(row.dedupeKey).digest('hex').slice(0, 24);
}

/** Refusals that mean we cannot look for an earlier post (no history scope, no access): post again instead. */
const CANNOT_LOOK = new Set([
  'missing_scope',
  'not_in_channel',
  'channel_not_found',
  'not_allowed_token_type',
]);
const LOOK_BACK_S = 120;
const LOOK_PAGES = 5;

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly uncertain = false,
  ) {
    super(message);
  }
}

/** What an attempt met, and what the outbox does about it (see `classifyFailure`). */
export interface Failure {
  /** Retried with backoff for as long as it lasts; never parked as dead. */
  transient: boolean;
  /** Slack may have processed the call anyway: the retry of a post looks for its earlier copy before posting again. */
  uncertain: boolean;
  /**
   * No usable answer from Slack's API: an HTML page, a body that is not JSON or is cut short, a 5xx, or Slack's own
   * "something broke on our side" codes. Logged as an edge failure.
   */
  edge: boolean;
  retryAfterMs?: number;
  /** The row's last error and the log's: short and readable (never a whole HTML page). */
  message: string;
  /** The start of a non-200 answer's body (a proxy's page), for the log. */
  answer?: string;
}

/** Slack's error codes are short snake_case words (`channel_not_found`); anything else in `error` is not Slack's. */
const SLACK_ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** Slack errors that Slack documents may have partly succeeded: retried, and a post is looked for first. */
const MAY_HAVE_SUCCEEDED = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Slack errors that mean "try again later" and that Slack did not act on. */
const RETRY_LATER = new Set([
  'ratelimited',
  'team_added_to_org',
  // A Home publish raced with another: rendered again from the current state and published with the newer hash.
  'hash_conflict',
]);

/** Failures of the connection itself, not wrapped by the client (a body cut off while it was read). */
const TRANSPORT_CODE = /^(UND_ERR|ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)/;

/** The first `max` characters of an answer, on one line: enough to recognise it, never a whole page in the log. */
export function snippet(text: string, max = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function isTransportError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.message === 'terminated')
    return true;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && TRANSPORT_CODE.test(code);
}

/** What @slack/web-api makes of a 200 whose body is not Slack's JSON: `{ ok: false, error: <the body text> }`. */
function edgeAnswer(error: unknown): string {
  if (typeof error !== 'string') return "edge failure: an answer without Slack's ok/error";
  if (error.trim() === '') return 'edge failure: an empty answer';
  if (error.trimStart().startsWith('<'))
    return `edge failure: an HTML page instead of Slack's answer: ${snippet(error)}`;
  return `edge failure: not Slack's JSON (cut short or garbled): ${snippet(error)}`;
}

/**
 * Sorts a failed attempt:
 * - 429 with Retry-After: transient, Slack did not act on it; the method waits that long.
 * - a request that failed (timeout, connection reset, a body cut off): transient and uncertain.
 * - any other HTTP status than 200 (502/503/504, other 5xx, a proxy's 4xx page): Slack's API answers only 200 and
 *   429, so this came from something in front of it, which proves nothing about whether Slack processed the call: an
 *   edge failure, transient and uncertain.
 * - a 200 whose body is not Slack's JSON (an HTML page, a truncated or empty body: the client turns it into a
 *   platform error whose `error` is the body text): an edge failure, transient and uncertain.
 * - Slack's internal_error, fatal_error, service_unavailable, request_timeout (documented as possibly partly done):
 *   transient and uncertain.
 * - ratelimited, team_added_to_org, hash_conflict: transient, Slack did not act on it.
 * - any other Slack error code (channel_not_found, invalid_blocks, …): a refusal, parked after the attempts allowed.
 * - anything else is a bug on our side: retried a bounded number of times, then parked for a person to look at.
 */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof WebAPIRateLimitedError) {
    return {
      transient: true,
      uncertain: false,
      edge: false,
      retryAfterMs: error.retryAfter * 1000,
      message: `rate limited for ${error.retryAfter}s`,
    };
  }
  if (error instanceof WebAPIRequestError)
    return { transient: true, uncertain: true, edge: false, message: `request failed: ${error.message}` };
  if (error instanceof WebAPIHTTPError) {
    if (error.statusCode === 429)
      return { transient: true, uncertain: false, edge: false, message: 'HTTP 429' };
    const body: unknown = error.body;
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    // A 5xx or a timeout page may hide a processed call and passes; another 4xx (a misconfigured SLACK_API_URL, a
    // proxy refusing the request) will not pass by itself: retried, then parked for an admin like a refusal.
    const passes = error.statusCode >= 500 || error.statusCode === 408;
    return {
      transient: passes,
      uncertain: passes,
      edge: true,
      message: `HTTP ${error.statusCode}`,
      ...(text ? { answer: snippet(text) } : {}),
    };
  }
  if (error instanceof WebAPIPlatformError) {
    const code: unknown = error.data.error;
    if (typeof code !== 'string' || !SLACK_ERROR_CODE.test(code))
      return { transient: true, uncertain: true, edge: true, message: edgeAnswer(code) };
    if (MAY_HAVE_SUCCEEDED.has(code)) return { transient: true, uncertain: true, edge: true, message: code };
    // The token itself is refused (revoked, uninstalled): every message waits until Slack accepts it again (a
    // reinstall), rather than being parked one by one for an admin to retry (/healthz says disconnected).
    if (SLACK_AUTH_ERRORS.has(code)) return { transient: true, uncertain: false, edge: false, message: code };
    return { transient: RETRY_LATER.has(code), uncertain: false, edge: false, message: code };
  }
  if (error instanceof DeliveryError)
    return { transient: error.transient, uncertain: error.uncertain, edge: false, message: error.message };
  // A CRM call, classified by the connector (a refused credential waits like a refused Slack token).
  if (error instanceof CrmError)
    return {
      transient: error.opts.transient,
      uncertain: error.opts.uncertain ?? false,
      edge: false,
      message: error.message,
      ...(error.opts.retryAfterMs === undefined ? {} : { retryAfterMs: error.opts.retryAfterMs }),
    };
  if (isTransportError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { transient: true, uncertain: true, edge: false, message: `request failed: ${message}` };
  }
  return {
    transient: false,
    uncertain: false,
    edge: false,
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Delivers outbox rows to Slack after their transaction committed: one conversation at a time and in order,
 * paced per channel, retried with exponential backoff (honouring Retry-After). Survives restarts because every
 * attempt is recorded in the row.
 */
export class OutboxWorker {
  private timer: TimerHandle | undefined;
  private wakeTimer: TimerHandle | undefined;
  private wakeDue = 0;
  private wakeSoon: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly lastPostAt = new Map<string, number>();
  /** Uncertain posts waiting (monotonic ms) before their earlier copy is looked for. */
  private readonly notBefore = new Map<number, number>();
  /** When each uncertain post's mark was set (monotonic ms): the wait before looking for it counts from there. */
  private readonly markedAt = new Map<number, number>();
  /**
   * Slack rate-limits per method and workspace: after a 429 the whole method waits. The wait ends when its real
   * duration has passed (monotonic: a wall-clock step back cannot stretch it) or the clock the rows are scheduled on
   * has passed its end, whichever comes first.
   */
  private readonly methodBlockedUntil = new Map<string, { monotonic: number; clock: number }>();
  /** The latest business time this worker saw: a later look at the clock that reads earlier saw it step back. */
  private latestNow: number | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly turn: () => Promise<void>;
  private readonly timers: Timers;
  /** Home publishes that a change overtook while they were in flight: published again. */
  private readonly homesBehind = new Set<number>();

  constructor(private readonly opts: OutboxWorkerOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
    this.turn = opts.turn ?? (() => nextTurn());
    this.timers = opts.timers ?? realTimers;
  }

  start(): void {
    this.stopped = false;
    this.timer = this.timers.setInterval(() => this.kick(), this.opts.pollIntervalMs);
    this.timer.unref?.();
    this.kick();
  }

  /**
   * After a commit that wrote to the outbox: deliver soon. Commits within a few milliseconds share one look for
   * what is due: under load, one look per Accept was a tenth of the app's CPU, for rows a later look finds anyway.
   */
  wake(): void {
    if (this.stopped || this.wakeSoon) return;
    this.wakeSoon = this.timers.setTimeout(() => {
      this.wakeSoon = undefined;
      this.kick();
    }, WAKE_COALESCE_MS);
  }

  /** Deliver what is due now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error) => this.opts.logger.error({ err: error }, 'outbox drain failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no delivery is in progress (tests step time, then wait for what it set off). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking new work and waits for deliveries in flight. */
  async stop(): Promise<void> {
    // A wake-up still waiting for company starts now, as it did before coalescing: what was just committed goes out.
    if (this.wakeSoon) {
      this.timers.clearTimeout(this.wakeSoon);
      this.wakeSoon = undefined;
      this.kick();
    }
    this.stopped = true;
    this.timers.clearInterval(this.timer);
    this.timers.clearTimeout(this.wakeTimer);
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.now();
      const heads = dueHeads(this.opts.db, now, BATCH, this.pacedChannels()).filter((row) => this.paced(row));
      if (heads.length === 0 || this.stopped) return;
      await Promise.all(heads.map((row) => this.deliver(row)));
    }
  }

  /**
   * The business clock, watched for steps back: the first look (on start, for a clock that stepped back while the app
   * was down) and every look that reads earlier than one before make the rows scheduled on a clock ahead of it due
   * now (`dueAfterClockStep`). A step forward needs nothing: what was waiting is due sooner.
   */
  private now(): Date {
    const now = this.opts.clock.now();
    const at = now.getTime();
    if (this.latestNow === undefined || at < this.latestNow) {
      const stepped = this.latestNow === undefined ? undefined : this.latestNow - at;
      const due = dueAfterClockStep(this.opts.db, now);
      if (due > 0 || stepped !== undefined)
        this.opts.logger.warn(
          { due, ...(stepped === undefined ? {} : { steppedBackMs: stepped }) },
          stepped === undefined
            ? 'outbox messages scheduled on a clock ahead of this one (it stepped back) are due now'
            : 'the clock stepped back: outbox messages waiting on the clock as it was are due now',
        );
    }
    this.latestNow = at;
    return now;
  }

  /**
   * False (and a wake-up scheduled) when this conversation got a post too recently, the method is rate-limited, or an
   * uncertain post still waits before it is looked for. These are real elapsed time (Slack's rate limits, Slack
   * finishing a call), so they use the monotonic clock, which a wall-clock step cannot stretch or cut short.
   */
  private paced(row: OutboxRow): boolean {
    const now = this.timers.monotonic();
    const waitUntil = this.notBefore.get(row.id);
    if (waitUntil !== undefined && waitUntil > now) {
      this.wakeAt(waitUntil - now);
      return false;
    }
    const blocked = this.methodBlockedUntil.get(limitKey(row));
    if (blocked !== undefined) {
      if (blocked.monotonic > now && blocked.clock > this.opts.clock.now().getTime()) {
        this.wakeAt(blocked.monotonic - now);
        return false;
      }
      this.methodBlockedUntil.delete(limitKey(row));
    }
    const last = PACED.has(row.method) ? this.lastPostAt.get(row.channelKey) : undefined;
    const wait = last === undefined ? 0 : last + this.opts.channelIntervalMs - now;
    if (wait <= 0) return true;
    this.wakeAt(wait);
    return false;
  }

  /**
   * Conversations that got a post less than the pacing interval ago (forgetting older ones), with a wake-up for the
   * first of them to become free again.
   */
  private pacedChannels(): string[] {
    const now = this.timers.monotonic();
    const paced: string[] = [];
    let soonest = Number.POSITIVE_INFINITY;
    for (const [channel, at] of this.lastPostAt) {
      const wait = at + this.opts.channelIntervalMs - now;
      if (wait <= 0) this.lastPostAt.delete(channel);
      else {
        paced.push(channel);
        soonest = Math.min(soonest, wait);
      }
    }
    if (paced.length > 0) this.wakeAt(soonest);
    return paced;
  }

  /** Schedules a drain in `ms` unless one is already scheduled sooner. */
  private wakeAt(ms: number): void {
    const due = this.timers.monotonic() + ms;
    if (this.wakeTimer && this.wakeDue <= due) return;
    this.timers.clearTimeout(this.wakeTimer);
    this.wakeDue = due;
    this.wakeTimer = this.timers.setTimeout(() => {
      this.wakeTimer = undefined;
      this.kick();
    }, ms);
    this.wakeTimer.unref?.();
  }

  /**
   * When an uncertain post may be looked for (monotonic ms): `uncertainWaitMs` after its mark was set. A mark set in
   * this process is timed on the monotonic clock. A mark an earlier run left (a crash, a restart) is dated by the wall
   * clock, unless it is ahead of the wall clock (the clock stepped back since, so how long ago it was is unknown):
   * then it counts as set now, and the full wait runs.
   */
  private settlesAt(row: OutboxRow, since: Date): number {
    let marked = this.markedAt.get(row.id);
    if (marked === undefined) {
      marked = this.timers.monotonic() - Math.max(0, this.timers.now() - since.getTime());
      this.markedAt.set(row.id, marked);
    }
    return marked + this.opts.uncertainWaitMs;
  }

  /** A row that is finished (or parked): nothing to remember about its waits. */
  private forget(id: number): void {
    this.notBefore.delete(id);
    this.markedAt.delete(id);
  }

  /**
   * Whether the conversation may still receive this row (the delivery guard). When it may not, the row is handled
   * here (dropped for good, or held to be tried again) and the answer is false.
   */
  private cleared(row: OutboxRow): boolean {
    const { db, clock, logger } = this.opts;
    // A change committed while this delivery waited for its turn may have cancelled it (a reminder, once answered).
    if (!stillPending(db, row.id)) {
      this.forget(row.id);
      return false;
    }
    const verdict = this.opts.guard?.(row) ?? { kind: 'send' };
    if (verdict.kind === 'drop') {
      this.forget(row.id);
      markCancelled(db, row, verdict.reason);
      logger.error(
        { outboxId: row.id, handoffId: row.handoffId, channel: row.channelKey, reason: verdict.reason },
        'outbox message dropped: its conversation may not receive it',
      );
      return false;
    }
    if (verdict.kind === 'hold') {
      const wait = Math.min(1000 * 2 ** row.attempts, MAX_WAIT_BACKOFF_MS);
      const now = clock.now();
      this.forget(row.id);
      markRetry(db, row, {
        now,
        nextAttemptAt: new Date(now.getTime() + wait),
        error: verdict.reason,
        // A post that may have gone out before stays marked: once released, it is looked for before posting again.
        uncertainAt: row.uncertainSince ? new Date(this.timers.now()) : undefined,
      });
      logger.warn(
        { outboxId: row.id, handoffId: row.handoffId, channel: row.channelKey, reason: verdict.reason },
        'partner update held until an admin confirms the channel',
      );
      if (row.audience === 'partner') this.opts.onPartnerChannelBlocked?.(row, verdict.reason);
      return false;
    }
    return true;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { db, clock, logger } = this.opts;
    /**
     * A row marked uncertain stays so until its earlier copy was looked for and not found: a failure before that
     * (the look itself rate-limited or refused) says nothing about the earlier attempt, and clearing the mark would
     * post (or write) it a second time.
     */
    let looked = !row.uncertainSince;
    /** Whether this delivery let the event loop run since it was cleared (a turn, a lookup). */
    let waited = false;
    try {
      // Each delivery starts in a turn of its own, after the requests being answered (the guard reads the database).
      await this.turn();
      if (row.method === 'crm.activity') {
        await this.deliverCrm(row);
        return;
      }
      if (!this.cleared(row)) return;
      if (row.uncertainSince) {
        if (row.method === 'response_url') {
          // An ephemeral cannot be looked up: at most once is the lesser harm than a duplicate.
          this.forget(row.id);
          markCancelled(db, row, 'may have been delivered before a crash or timeout; not sent twice');
          logger.warn({ outboxId: row.id, dedupeKey: row.dedupeKey }, 'uncertain ephemeral not resent');
          return;
        }
        if (row.method === 'chat.postMessage') {
          const settlesAt = this.settlesAt(row, row.uncertainSince);
          if (this.timers.monotonic() < settlesAt) {
            // Not yet: this conversation waits (in order) until then, in real elapsed time.
            this.notBefore.set(row.id, settlesAt);
            return;
          }
          this.notBefore.delete(row.id);
          const found = await this.findEarlierPost(row, row.uncertainSince);
          looked = true;
          waited = true;
          if (found) {
            // A surface found this way shows what its lost attempt was rendered from; a change since is caught up.
            this.finish(row, found, row.surfaceKey ? attemptedVersion(db, row.surfaceKey) : undefined);
            logger.info(
              { outboxId: row.id, dedupeKey: row.dedupeKey, ts: found.ts },
              'outbox message was already posted; not posting it twice',
            );
            return;
          }
        }
      }
      // The lookup took time: a 429 or another post to this conversation may have happened meanwhile.
      if (row.uncertainSince && !this.paced(row)) return;
      // Rendering is synchronous work: it waits for a turn, so requests being answered go first.
      if (row.surfaceKey || row.method === 'views.publish') {
        await this.turn();
        waited = true;
      }
      // Asked again right before rendering and sending when a turn (or a lookup) let requests in since the first ask:
      // one of them may have changed who reads this conversation (a channel shared with another organization, given
      // to another partner). From here to a message's call there is no turn of the event loop in which that could
      // change again (a message renders synchronously; only an App Home, which no channel reads, may wait for its
      // figures).
      if (waited && !this.cleared(row)) return;
      const rendered = await this.render(row);
      if (rendered === 'nothing') {
        this.forget(row.id);
        if (row.method === 'chat.postMessage') markCancelled(db, row, 'nothing to show');
        else markDelivered(db, row, clock.now());
        return;
      }
      if (rendered?.skip) {
        this.finish(row, undefined, rendered.version);
        return;
      }
      if (PACED.has(row.method)) this.lastPostAt.set(row.channelKey, this.timers.monotonic());
      // Slack's clock, not the business clock: the lookup compares it with message timestamps.
      if (row.method === 'chat.postMessage' || row.method === 'response_url') {
        // The mark, and when it was set on the monotonic clock (a mark already there stays, as in the row).
        if (!row.uncertainSince) this.markedAt.set(row.id, this.timers.monotonic());
        markSending(db, row, new Date(this.timers.now()));
        if (row.surfaceKey && rendered?.version !== undefined)
          surfaceAttempted(db, row.surfaceKey, rendered.version);
      }
      const posted = await this.send(rendered?.row ?? row, rendered?.permalinkOf, rendered?.version);
      this.finish(row, posted, rendered?.version, rendered?.hash);
      logger.debug(
        { outboxId: row.id, method: row.method, dedupeKey: row.dedupeKey },
        'outbox message delivered',
      );
    } catch (error) {
      const failure = classifyFailure(error);
      const attempts = row.attempts + 1;
      const now = clock.now();
      if (row.audience === 'partner' && WAITS_FOR_ACCESS.has(failure.message)) {
        const wait = Math.min(1000 * 2 ** row.attempts, MAX_WAIT_BACKOFF_MS);
        this.forget(row.id);
        markRetry(db, row, { now, nextAttemptAt: new Date(now.getTime() + wait), error: failure.message });
        logger.warn(
          { outboxId: row.id, handoffId: row.handoffId, channel: row.channelKey, error: failure.message },
          'partner update waiting until the app can post in the partner channel',
        );
        this.opts.onPartnerChannelBlocked?.(row, failure.message);
        return;
      }
      // An edge failure (transient) is never parked: it lasts as long as the edge is broken, and then goes out.
      if (!failure.transient && attempts >= this.opts.maxAttempts) {
        this.forget(row.id);
        markDead(db, row, failure.message);
        logger.error(
          {
            outboxId: row.id,
            method: row.method,
            dedupeKey: row.dedupeKey,
            attempts,
            error: failure.message,
          },
          'outbox message parked after repeated refusals',
        );
        return;
      }
      if (failure.retryAfterMs !== undefined) {
        this.methodBlockedUntil.set(limitKey(row), {
          monotonic: this.timers.monotonic() + failure.retryAfterMs,
          clock: now.getTime() + failure.retryAfterMs,
        });
      }
      const backoff = failure.retryAfterMs ?? Math.min(1000 * 2 ** row.attempts, MAX_BACKOFF_MS);
      // A certain failure clears the mark (Slack refused it): a later send marks it afresh.
      // CRM rows look inside their delivery: a failed look comes back marked uncertain (services/crm/delivery.ts).
      const uncertain = failure.uncertain || (!looked && row.method !== 'crm.activity');
      if (!uncertain) this.forget(row.id);
      markRetry(db, row, {
        now,
        nextAttemptAt: new Date(now.getTime() + backoff),
        error: failure.message,
        uncertainAt: uncertain ? new Date(this.timers.now()) : undefined,
      });
      logger.warn(
        {
          outboxId: row.id,
          method: row.method,
          attempts,
          retryInMs: backoff,
          error: failure.message,
          ...(failure.answer ? { answer: failure.answer } : {}),
          // A post whose call Slack may have processed: the retry looks for it before posting again.
          ...(uncertain ? { uncertain: true } : {}),
        },
        failure.edge
          ? 'outbox delivery hit an edge failure (no usable answer from Slack); will retry'
          : 'outbox delivery failed; will retry',
      );
    }
  }

  /**
   * A CRM activity: like a post, an attempt is marked before it is made, so after a crash, a timeout or a 5xx the
   * next attempt waits for the CRM to settle and looks for the activity (by its marker) before writing it again.
   */
  private async deliverCrm(row: OutboxRow): Promise<void> {
    const { db, crm } = this.opts;
    if (!crm) throw new CrmError('no CRM is connected (its settings are not set)', { transient: false });
    if (row.uncertainSince) {
      const settlesAt = this.settlesAt(row, row.uncertainSince);
      if (this.timers.monotonic() < settlesAt) {
        this.notBefore.set(row.id, settlesAt);
        this.wakeAt(settlesAt - this.timers.monotonic());
        return;
      }
      this.notBefore.delete(row.id);
    } else {
      this.markedAt.set(row.id, this.timers.monotonic());
    }
    markSending(db, row, new Date(this.timers.now()));
    await crm.write(row, { lookFirst: Boolean(row.uncertainSince) });
    this.finish(row, undefined);
  }

  /**
   * A row that carries an intent, rendered from the current state: the row with its payload filled in, the change
   * count it shows, and the message to link to. 'nothing': there is nothing to send (the row is finished as is).
   */
  private async render(
    row: OutboxRow,
  ): Promise<
    | { row: OutboxRow; version?: number; hash?: string; permalinkOf?: string; skip?: boolean }
    | 'nothing'
    | undefined
  > {
    if (row.method === 'views.publish') {
      const userId = row.channelKey.replace(/^home:/, '');
      const home = await this.opts.homes?.render(userId);
      if (!home) return 'nothing';
      return {
        row: {
          ...row,
          payload: { user_id: userId, view: home.view, ...(home.hash ? { hash: home.hash } : {}) },
        },
        version: home.version,
      };
    }
    if (!row.surfaceKey) return undefined;
    const surface = this.opts.surfaces?.render(row.surfaceKey);
    if (!surface) return 'nothing';
    const { message, permalinkOf } = surface.rendered;
    // An update that would show what Slack already shows (a change this message does not reflect) is not sent.
    if (row.method === 'chat.update' && surface.unchanged)
      return { row, version: surface.version, skip: true };
    const payload =
      row.method === 'chat.postMessage'
        ? {
            ...row.payload,
            text: message.text,
            blocks: message.blocks,
            unfurl_links: false,
            unfurl_media: false,
          }
        : { text: message.text, blocks: message.blocks };
    return {
      row: { ...row, payload, ...(permalinkOf ? { targetMessageKey: permalinkOf } : {}) },
      version: surface.version,
      hash: surface.hash,
      ...(permalinkOf ? { permalinkOf } : {}),
    };
  }

  /**
   * Records a delivery (or a row with nothing to send) in one transaction. A surface remembers the change count it
   * shows; when a change came in while it was in flight, an update is kept (this row, due again) or queued.
   */
  private finish(
    row: OutboxRow,
    posted: { channelId: string; ts: string } | undefined,
    version?: number,
    renderedHash?: string,
  ): void {
    const { db, clock } = this.opts;
    const now = clock.now();
    this.forget(row.id);
    db.transaction((tx) => {
      if (row.method === 'views.publish') {
        if (this.homesBehind.delete(row.id)) rearm(tx, row, now);
        else markDelivered(tx, row, now);
        return;
      }
      const key = row.surfaceKey;
      if (!key || version === undefined) {
        markDelivered(tx, row, now, posted);
        return;
      }
      const { behind } = surfaceShown(tx, key, version, renderedHash);
      if (behind && row.method === 'chat.update') {
        rearm(tx, row, now);
        return;
      }
      markDelivered(tx, row, now, posted);
      if (behind) queueSurfaceUpdate(tx, key, now);
    });
  }

  /**
   * After a crash, a timeout or a 5xx, the post may be in Slack already: look for it by its delivery id among the
   * app's recent messages in that conversation (or thread). Undefined when it is not there, or when Slack will not
   * let us look (then it is posted again: at least once rather than never).
   */
  private async findEarlierPost(
    row: OutboxRow,
    since: Date,
  ): Promise<{ channelId: string; ts: string } | undefined> {
    const { client, logger } = this.opts;
    const id = deliveryId(row);
    try {
      let channel = row.channelKey;
      if (/^[UW]/.test(channel)) {
        const opened = await client.conversations.open({ users: channel });
        channel = opened.channel?.id ?? channel;
      }
      // Slack's timestamps are real time; the mark is this machine's clock, which may have stepped since. From the
      // earlier of the mark and now (a step back after the mark), and further back by as much as the mark is ahead
      // of now (a clock that was ahead and was corrected: the post was that much earlier than its mark says).
      const mark = since.getTime();
      const wall = this.timers.now();
      const from = Math.min(mark, wall) - Math.max(0, mark - wall);
      const oldest = String(Math.floor(from / 1000) - LOOK_BACK_S);
      const threadTs = row.threadOf ? this.targetOf(row.threadOf).ts : undefined;
      let cursor: string | undefined;
      for (let page = 0; page < LOOK_PAGES; page += 1) {
        const args = {
          channel,
          oldest,
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        };
        const result = threadTs
          ? await client.conversations.replies({ ...args, ts: threadTs })
          : await client.conversations.history(args);
        const hit = result.messages?.find(
          (m) =>
            m.metadata?.event_type === OUTBOX_EVENT_TYPE &&
            (m.metadata.event_payload as { delivery?: unknown } | undefined)?.delivery === id,
        );
        if (hit?.ts) return { channelId: channel, ts: hit.ts };
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    } catch (error) {
      if (error instanceof WebAPIPlatformError && CANNOT_LOOK.has(error.data.error)) {
        logger.warn(
          { outboxId: row.id, error: error.data.error },
          'cannot look for an earlier post of an uncertain message; posting it again',
        );
        return undefined;
      }
      throw error;
    }
  }

  /** The earlier message a row edits, links to or replies under; retried while that message is still pending. */
  private targetOf(key: string | null): { channelId: string; ts: string } {
    const { db } = this.opts;
    const target = key ? findPostedMessage(db, key) : undefined;
    if (target) return target;
    const original = key ? findOutboxByRecordAs(db, key) : undefined;
    // A missing or parked original can never be edited or linked to.
    throw new DeliveryError('target_message_not_posted', original?.status === 'pending');
  }

  private async send(
    row: OutboxRow,
    permalinkOf?: string,
    version?: number,
  ): Promise<{ channelId: string; ts: string } | undefined> {
    const { client } = this.opts;
    const payload = row.payload;
    switch (row.method) {
      case 'views.publish': {
        const userId = String(payload.user_id);
        try {
          const result = await client.views.publish(
            payload as unknown as Parameters<WebClient['views']['publish']>[0],
          );
          if (this.opts.homes?.published(userId, result.view?.hash ?? null, version))
            this.homesBehind.add(row.id);
        } catch (error) {
          // Another publish got there first, or one whose answer was lost changed the hash: this one renders the
          // state now, so the next attempt publishes it without a hash.
          if (error instanceof WebAPIPlatformError && error.data.error === 'hash_conflict')
            this.opts.homes?.published(userId, null);
          throw error;
        }
        return undefined;
      }
      case 'chat.postMessage': {
        let args = payload;
        if (row.threadOf) args = { ...args, thread_ts: this.targetOf(row.threadOf).ts };
        if (row.targetMessageKey) {
          const target = this.targetOf(row.targetMessageKey);
          const { permalink } = await client.chat.getPermalink({
            channel: target.channelId,
            message_ts: target.ts,
          });
          args = JSON.parse(JSON.stringify(args).replaceAll(PERMALINK_TOKEN, permalink ?? ''));
        }
        args = {
          ...args,
          metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { delivery: deliveryId(row) } },
        };
        const result = await client.chat.postMessage(
          args as unknown as Parameters<WebClient['chat']['postMessage']>[0],
        );
        return result.channel && result.ts ? { channelId: result.channel, ts: result.ts } : undefined;
      }
      case 'chat.update': {
        const target = this.targetOf(row.surfaceKey ?? row.targetMessageKey);
        let args = payload as Record<string, unknown>;
        if (permalinkOf) {
          const link = this.targetOf(permalinkOf);
          const { permalink } = await client.chat.getPermalink({
            channel: link.channelId,
            message_ts: link.ts,
          });
          args = JSON.parse(JSON.stringify(args).replaceAll(PERMALINK_TOKEN, permalink ?? ''));
        }
        await client.chat.update({
          ...args,
          channel: target.channelId,
          ts: target.ts,
        } as Parameters<WebClient['chat']['update']>[0]);
        return undefined;
      }
      case 'response_url': {
        const { response_url: url, ...body } = payload as { response_url: string } & Record<string, unknown>;
        const response = await this.fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        }).catch((error: unknown) => {
          throw new DeliveryError(`response_url request failed: ${String(error)}`, true, true);
        });
        // A 5xx (an edge's 502 page, Slack's own 500) may come after Slack showed the ephemeral: uncertain, like a
        // timeout, so it is not sent a second time (an ephemeral cannot be looked for).
        if (!response.ok)
          throw new DeliveryError(
            `response_url HTTP ${response.status}`,
            response.status >= 500,
            response.status >= 500,
          );
        return undefined;
      }
    }
  }
}
