import type { WebClient } from '@slack/web-api';
import type { Surfaces } from '../../core/surfaces.js';
import type { CrmDelivery } from '../../crm/delivery.js';
import type { Db, Tx } from '../../db/client.js';
import type { OutboxRow } from '../../db/repositories/outbox.js';
import type { Logger } from '../../logger.js';
import type { Timers } from '../../runtime/timers.js';
import type { HomeRenderer, PostedMessage } from '../types.js';

/** A delivery kind: the outbox row's `method`. */
export type OutboxMethod = OutboxRow['method'];

/** What an adapter may use: the database, Slack, real time, and the renderers and CRM the app was built with. */
export interface DeliveryContext {
  db: Db;
  client: WebClient;
  logger: Logger;
  timers: Timers;
  fetch: typeof fetch;
  surfaces?: Pick<Surfaces, 'render'>;
  homes?: HomeRenderer;
  crm?: CrmDelivery;
  /** What the delivery ids are keyed with (OutboxWorkerOptions `deliverySecret`; default the client's token). */
  deliverySecret?: string;
}

/** A row rendered from the current state: the row with its payload filled in, the change count it shows. */
export interface Rendered {
  row: OutboxRow;
  version?: number;
  hash?: string;
  /** The message whose permalink replaces PERMALINK_TOKEN. */
  permalinkOf?: string;
  /** Slack already shows exactly this: finished without a call. */
  skip?: boolean;
}

/** What a call gave back. */
export interface Sent {
  /** Where a post landed (recorded under the row's `recordAs`). */
  posted?: PostedMessage;
  /** A change came in while the call was in flight (an App Home): the row goes out again. */
  behind?: boolean;
}

/**
 * What an attempt that may have gone through (a timeout, a 5xx, a crash) means for the next one. The row keeps its
 * mark until the earlier attempt is known not to have landed.
 */
export type OnUncertain =
  /** Sending again is harmless (an edit, a publish of the current state): sent again; the mark stays until one succeeds. */
  | { do: 'resend' }
  /** Cannot be looked for: cancelled unsent (at most once is the lesser harm than a duplicate). */
  | { do: 'drop'; reason: string; log: string }
  /**
   * Waits for the service to settle (`uncertainWaitMs`), then looks for the earlier copy: found, the row is finished
   * as that copy; not found (or not allowed to look), sent again.
   */
  | {
      do: 'find';
      find(ctx: DeliveryContext, row: OutboxRow, since: Date): Promise<PostedMessage | undefined>;
    }
  /**
   * Waits to settle, then sent with the mark still set: the adapter looks before it writes, and a failed look comes
   * back as an uncertain failure.
   */
  | { do: 'sendLooksFirst' };

/** How a kind is rendered from state at delivery. */
export interface KindRenderer {
  /** Whether this row is rendered (it waits for a turn first: rendering is CPU that requests being answered go before). */
  fromState(row: OutboxRow): boolean;
  /** The row filled in from the current state; undefined: it carries its own payload; 'nothing': nothing to send. */
  render(ctx: DeliveryContext, row: OutboxRow): Promise<Rendered | 'nothing' | undefined>;
  /** What a row with nothing to send becomes: 'cancelled' (nothing was ever posted) or 'delivered' (nothing to change). */
  nothing: 'cancelled' | 'delivered';
  /** A change came in while it was in flight: 'rearm' this row (sent again from the latest), or 'queue' an update. */
  whenBehind: 'rearm' | 'queue';
}

/** One entry of the table of delivery kinds (kinds/table.ts): everything the worker does differently per kind. */
export interface DeliveryKind {
  /** At most one per conversation per `channelIntervalMs` (posts: Slack allows about one a second). */
  paced: boolean;
  /** What a rate limit (a 429 with Retry-After) on this row holds back. */
  limitKey(row: OutboxRow): string;
  /**
   * A Slack delivery: asked of the delivery guard (still pending? may its conversation receive it?) before it is sent
   * and again after any wait, and paced again after an uncertain one's wait. False: a write elsewhere (the CRM).
   */
  guarded: boolean;
  uncertain: OnUncertain;
  /**
   * The attempt is marked in the row (on Slack's clock) right before the call, so a crash or a lost answer leaves it
   * uncertain. False for calls that are harmless to repeat.
   */
  marksAttempt: boolean;
  /** Throws when this process cannot deliver the kind at all (a CRM row with no CRM connected): a refusal. */
  ready?(ctx: DeliveryContext): void;
  render?: KindRenderer;
  /**
   * A local kind's delivery: writes, in the transaction that records the row delivered (outbox/delivery.ts). No Slack
   * call, so several such rows can share one transaction (`deliverWrites`).
   */
  writes?(tx: Tx, row: OutboxRow): Promise<void>;
  /** Makes the call. Throws what the call threw; `classifyFailure` sorts it. */
  send(ctx: DeliveryContext, row: OutboxRow, rendered: Rendered | undefined): Promise<Sent>;
}

/**
 * A local kind: delivering it writes rows for the row's handoff, in the transaction that records the row delivered
 * (no Slack call: no guard, no pacing, and doing it again is harmless).
 */
export function localKind(writes: (tx: Tx, row: OutboxRow) => Promise<void>): DeliveryKind {
  return {
    paced: false,
    limitKey: (row) => row.method,
    guarded: false,
    uncertain: { do: 'resend' },
    marksAttempt: false,
    writes,
    // Nothing to call: `writes` is the delivery.
    send: async () => ({}),
  };
}
