import type { Tx } from '../db/client.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import {
  deferHandoffRows,
  markCancelled,
  markDelivered,
  markSending,
  rearm,
} from '../db/repositories/outboxAttempts.js';
import {
  attemptedVersion,
  queueSurfaceUpdate,
  surfaceAttempted,
  surfaceShown,
} from '../db/repositories/surfaces.js';
import type { Timers } from '../runtime/timers.js';
import { cleared, type GuardDeps } from './guard.js';
import type { DeliveryContext, DeliveryKind, Sent } from './kinds/kind.js';
import { DELIVERY_KINDS, isMethodLimit } from './kinds/table.js';
import { type RetryDeps, recordFailure } from './retry.js';

export type DeliveryDeps = GuardDeps &
  RetryDeps & { ctx: DeliveryContext; timers: Timers; turn: () => Promise<void>; onQueued?: () => void };

/** How far an attempt got with a row marked uncertain (see `deliver`). */
interface Progress {
  /** The earlier attempt was looked for and not found: a certain failure from here on clears the mark. */
  looked: boolean;
  /** The event loop ran since the row was cleared (a turn, a lookup): it is asked of the guard again. */
  waited: boolean;
}

/** What `finish` records: the call's answer, and the change count and hash of what was rendered. */
type Outcome = Sent & { version?: number; hash?: string };

/**
 * One delivery of one outbox row, the same steps for every kind; what differs per kind is read from the table
 * (kinds/table.ts): the guard, what an uncertain earlier attempt means, pacing, rendering, the call.
 */
export class Delivery {
  constructor(private readonly d: DeliveryDeps) {}

  async deliver(row: OutboxRow): Promise<void> {
    const kind = DELIVERY_KINDS[row.method];
    /**
     * A row marked uncertain stays so until its earlier copy was looked for and not found: a failure before that
     * (the look itself rate-limited or refused) says nothing about the earlier attempt, and clearing the mark would
     * post (or write) it a second time.
     */
    const progress: Progress = { looked: !row.uncertainSince, waited: false };
    try {
      await this.attempt(row, kind, progress);
    } catch (error) {
      await recordFailure(this.d, row, kind, error, progress.looked);
    } finally {
      this.d.pacing.answered(row, kind);
    }
  }

  /**
   * Rows of local kinds (`writes`, no Slack call) delivered together: one turn and one transaction, whose commit their
   * writes share (a change's expansion wrote about 28 WAL pages alone, 11 four to a transaction: bench/decideProbe.ts).
   * If it fails, each row is delivered on its own, so that only a failing one is retried.
   */
  async deliverWrites(rows: readonly OutboxRow[]): Promise<void> {
    const [only] = rows;
    if (rows.length === 1 && only) return this.deliver(only);
    const { db, clock, pacing } = this.d;
    await this.d.turn();
    const now = clock.now();
    try {
      await db.transaction(async (tx) => {
        await this.writeLocal(tx, rows);
        for (const row of rows) await markDelivered(tx, row, now);
      });
    } catch {
      for (const row of rows) await this.deliver(row);
      return;
    }
    this.d.onQueued?.();
    for (const row of rows) pacing.forget(row.id);
  }

  /**
   * Local rows' writes (a change expanded into its messages, in the transaction that records them delivered). What
   * they queued under a method waiting out a 429 is then scheduled for the wait's end, as `deferMethod` did the rest
   * of that method's rows: the look for due rows (oldest due first) passes over them instead of reading each one at
   * every look until the wait ends.
   */
  private async writeLocal(tx: Tx, rows: readonly OutboxRow[]): Promise<void> {
    for (const row of rows) await DELIVERY_KINDS[row.method].writes?.(tx, row);
    const waiting = this.d.pacing.waitingLimits().filter((w) => isMethodLimit(w.limit));
    if (waiting.length === 0) return;
    const methods = waiting.map((w) => w.limit).filter(isMethodLimit);
    // The earliest end: a row due a little before its own method's wait ends is only read again, never sent early.
    const until = new Date(Math.min(...waiting.map((w) => w.until.getTime())));
    const now = this.d.clock.now();
    for (const handoffId of new Set(rows.flatMap((row) => (row.handoffId === null ? [] : [row.handoffId]))))
      await deferHandoffRows(tx, { handoffId, methods, until, now });
  }

  private async attempt(row: OutboxRow, kind: DeliveryKind, progress: Progress): Promise<void> {
    const { db, clock, logger, ctx, pacing } = this.d;
    // Each delivery starts in a turn of its own, after the requests being answered (the guard reads the database).
    await this.d.turn();
    kind.ready?.(ctx);
    if (kind.guarded && !(await cleared(this.d, row))) return;
    if (row.uncertainSince && !(await this.afterUncertain(row, kind, row.uncertainSince, progress))) return;
    // The lookup took time: a 429 or another post to this conversation may have happened meanwhile.
    if (row.uncertainSince && kind.guarded && !pacing.paced(row, kind)) return;
    // Rendering is mostly CPU work: it waits for a turn, so requests being answered go first.
    if (kind.render?.fromState(row)) {
      await this.d.turn();
      progress.waited = true;
    }
    // Asked again right before rendering and sending when a turn (or a lookup) let requests in since the first ask:
    // one of them may have changed who reads this conversation (a channel shared with another organization, given
    // to another partner). From here to a message's call the only waits are the database's (a message renders from
    // reads; the attempt's mark is a transaction, which waits for any other transaction of this process): a change
    // committed during one of them is not asked of the guard again. An App Home, which no channel reads, may also
    // wait for its figures.
    if (progress.waited && kind.guarded && !(await cleared(this.d, row))) return;
    const rendered = kind.render ? await kind.render.render(ctx, row) : undefined;
    if (rendered === 'nothing') {
      pacing.forget(row.id);
      const now = clock.now();
      await db.transaction((tx) =>
        kind.render?.nothing === 'cancelled'
          ? markCancelled(tx, row, 'nothing to show')
          : markDelivered(tx, row, now),
      );
      return;
    }
    if (rendered?.skip) {
      await this.finish(row, kind, { version: rendered.version });
      return;
    }
    if (kind.paced) pacing.sending(row.channelKey);
    if (kind.marksAttempt) {
      // The mark, and when it was set on the monotonic clock (a mark already there stays, as in the row). Slack's
      // clock, not the business clock: the lookup compares it with message timestamps. The mark and the surface's
      // attempted version are one transaction, committed before the call.
      if (!row.uncertainSince) pacing.marked(row.id);
      const markedAt = new Date(this.d.timers.now());
      const surfaceKey = row.surfaceKey;
      const version = rendered?.version;
      await db.transaction(async (tx) => {
        await markSending(tx, row, markedAt);
        if (surfaceKey && version !== undefined) await surfaceAttempted(tx, surfaceKey, version);
      });
    }
    const sent = await kind.send(ctx, rendered?.row ?? row, rendered);
    await this.finish(row, kind, { ...sent, version: rendered?.version, hash: rendered?.hash });
    logger.debug(
      { outboxId: row.id, method: row.method, dedupeKey: row.dedupeKey },
      'outbox message delivered',
    );
  }

  /**
   * A row whose earlier attempt may have gone through, handled as its kind says (`uncertain`): true to go on and
   * send it; false when it is done for now (dropped, still settling, or found already delivered).
   */
  private async afterUncertain(
    row: OutboxRow,
    kind: DeliveryKind,
    since: Date,
    progress: Progress,
  ): Promise<boolean> {
    const { db, logger, ctx, pacing } = this.d;
    const uncertain = kind.uncertain;
    if (uncertain.do === 'resend') return true;
    if (uncertain.do === 'drop') {
      pacing.forget(row.id);
      await db.transaction((tx) => markCancelled(tx, row, uncertain.reason));
      logger.warn({ outboxId: row.id, dedupeKey: row.dedupeKey }, uncertain.log);
      return false;
    }
    // Not yet: this conversation waits (in order) until then, in real elapsed time.
    if (!pacing.settled(row, since)) return false;
    if (uncertain.do === 'sendLooksFirst') return true;
    const found = await uncertain.find(ctx, row, since);
    progress.looked = true;
    progress.waited = true;
    if (!found) return true;
    // A surface found this way shows what its lost attempt was rendered from; a change since is caught up.
    const version = row.surfaceKey ? await attemptedVersion(db, row.surfaceKey) : undefined;
    await this.finish(row, kind, { posted: found, version });
    logger.info(
      { outboxId: row.id, dedupeKey: row.dedupeKey, ts: found.ts },
      'outbox message was already posted; not posting it twice',
    );
    return false;
  }

  /**
   * Records a delivery (or a row with nothing to send) in one transaction, with the writes that are the delivery
   * itself (a local kind's). A surface remembers the change count it
   * shows; when a change came in while it was in flight, the row goes out again or an update is queued (`whenBehind`).
   */
  private async finish(row: OutboxRow, kind: DeliveryKind, outcome: Outcome): Promise<void> {
    const { db, clock, pacing } = this.d;
    const now = clock.now();
    pacing.forget(row.id);
    await db.transaction(async (tx) => {
      if (kind.writes) await this.writeLocal(tx, [row]);
      const key = row.surfaceKey;
      let behind = outcome.behind ?? false;
      if (key && outcome.version !== undefined)
        behind = (await surfaceShown(tx, key, outcome.version, outcome.hash)).behind || behind;
      if (behind && kind.render?.whenBehind === 'rearm') {
        await rearm(tx, row, now);
        return;
      }
      await markDelivered(tx, row, now, outcome.posted);
      if (behind && key) await queueSurfaceUpdate(tx, key, now);
    });
    if (kind.writes) this.d.onQueued?.();
  }
}
