import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { Surfaces } from '../core/surfaces.js';
import type { CrmDelivery } from '../crm/delivery.js';
import type { Db, Tx } from '../db/client.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import type { HomeRenderer } from '../home/homeViews.js';
import type { Logger } from '../logger.js';
import type { Timers } from '../runtime/timers.js';

/** What a Home republish renders with (home/homeViews.ts). */
export type { HomeRenderer } from '../home/homeViews.js';

export type DeliveryVerdict =
  | { kind: 'send' }
  /** `reason`: kept as the row's last error; `log`: what the hold is and what ends it, for the operator. */
  | { kind: 'hold'; reason: string; log: string }
  /** Not yet: due again at `until` (its reader may not be reached before, core/reach.ts); not a failed attempt. */
  | { kind: 'wait'; until: Date; reason: string }
  | { kind: 'drop'; reason: string };

/** Where a post landed in Slack. */
export interface PostedMessage {
  channelId: string;
  ts: string;
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
  /**
   * This process, as the holder of the conversations it delivers in (runtime/jobClaims.ts `processHolder`, the value
   * its slot claims use). Default: a new one.
   */
  holder?: string;
  /** How long a claim holds a conversation for this process (OUTBOX_LEASE_MS; default 60 s): see outbox/leases.ts. */
  leaseMs?: number;
  /**
   * The clock the leases are stamped and compared on, read inside the claim's transaction: the database's own on
   * Postgres (db/engine.ts `databaseNow`), which every replica reads alike; undefined (this process's real time) on
   * SQLite. A test of replicas on stepped real time gives its steps.
   */
  leaseNow?: (tx: Tx) => Promise<Date | undefined>;
  /**
   * This process is the only one on its database (SQLite's file, locked to one process: db/lock.ts): it delivers in
   * every conversation without leases, whatever leases a previous process left (a crash, a restored backup). Default:
   * false, leases as with several replicas.
   */
  alone?: boolean;
  /** A partner-channel post Slack refused because the app cannot post there: it waits; this tells someone. */
  onPartnerChannelBlocked?: (row: OutboxRow, error: string) => Promise<void> | void;
  /** A write parked at once because the CRM's own rules refused it (crm/refused.ts): this tells the owner. */
  onRefusedByRules?: (row: OutboxRow, error: string) => Promise<void> | void;
  /**
   * Asked right before each delivery whether the conversation may still receive it (the partner directory and the
   * channels' shared status change at run time): send it, hold it (it waits, like a channel the app left), or drop
   * it for good (a partner update aimed at another partner's channel, an internal post into a shared channel).
   */
  guard?: (row: OutboxRow) => DeliveryVerdict | Promise<DeliveryVerdict>;
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
   * The deployment's secret the posts' delivery ids are keyed with (kinds/earlierPost.ts): on OAuth, SLACK_TOKEN_KEY
   * (the client has no token of its own there). Default: the client's bot token.
   */
  deliverySecret?: string;
  /**
   * Resolves when a delivery step may use the CPU: the app gives Slack requests being answered the turn first
   * (runtime/requestActivity.ts). Default: the next turn of the event loop.
   */
  turn?: () => Promise<void>;
  /**
   * Rows of local kinds committed, which may have queued more (a change expanded into its messages): the other
   * processes on the database are told (the outbox's bell, db/pg/bell.ts), as after a request's commit.
   */
  onQueued?: () => void;
}
