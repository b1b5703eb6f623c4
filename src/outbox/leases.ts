import type { Db, Tx } from '../db/client.js';
import { databaseNow } from '../db/engine.js';
import {
  claimConversations,
  conversationLeases,
  dropPassedLeases,
  releaseConversations,
} from '../db/repositories/outboxLeases.js';
import type { Logger } from '../logger.js';
import type { Timers } from '../runtime/timers.js';

export interface LeaseOptions {
  db: Db;
  timers: Timers;
  logger: Logger;
  /** This process (runtime/jobClaims.ts `processHolder`): the same on every lease it takes. */
  holder: string;
  /** How long a claim holds a conversation (OUTBOX_LEASE_MS). */
  leaseMs: number;
  /** Schedules a drain in `ms` (the worker keeps only the soonest). */
  wakeAt: (ms: number) => void;
  /** What the leases are stamped and compared on (OutboxWorkerOptions `leaseNow`): the database's clock by default. */
  leaseNow?: (tx: Tx) => Promise<Date | undefined>;
}

/** How often (in parts of a lease) another replica's conversation is asked about again before its lease passes. */
const RECHECK_PARTS = 10;

/**
 * Which outbox conversations this process delivers in (several replicas on one database): one process at a
 * time holds a conversation (`outbox_leases`), so its messages go out in order and paced by one process. A lease is
 * claimed when a due message of the conversation is found, and renewed (in the same claim) while the process keeps
 * delivering there once less than half of it is left: so each delivery starts with at least half a lease ahead, and a
 * steady state writes nothing. A process that dies keeps its leases until they pass; then another takes the
 * conversation over, and a post its predecessor may have sent is looked for before it is sent again (the uncertain
 * mark, outbox/delivery.ts). Since a takeover waits for the lease (a minute), Slack's one post a second per channel
 * holds across processes without sharing when the last post went out.
 *
 * What is known of the leases is kept on the monotonic clock (a step of the wall clock moves no deadline here); the
 * database holds the time each lease ends on its own clock (db/engine.ts `databaseNow`), which every process reads
 * alike, so replicas whose clocks disagree still never hold one conversation at once (with their
 * own clocks 40 s apart and a minute's lease, the one ahead took conversations over while the other still held them).
 */
export class ConversationLeases {
  /** Conversations this process holds: when (monotonic ms) its claim ends, counted from before the claim. */
  private readonly mine = new Map<string, number>();
  /** Conversations another process holds: when (monotonic ms) to ask again (its lease passes, or a recheck). */
  private readonly elsewhere = new Map<string, number>();
  /** When (monotonic ms) passed leases are next dropped from the table. */
  private nextDrop = 0;
  private claimedAny = false;

  constructor(private readonly opts: LeaseOptions) {}

  /** Whether this process may deliver in the conversation without claiming it first: more than half a lease is left. */
  fresh(channelKey: string): boolean {
    const until = this.mine.get(channelKey);
    if (until === undefined) return false;
    const left = until - this.opts.timers.monotonic();
    if (left <= 0) this.mine.delete(channelKey);
    return left > this.opts.leaseMs / 2;
  }

  /**
   * Conversations another process holds, to leave out of the look for due messages (their backlog would otherwise
   * fill the batch), with a wake-up for the first one to ask about again. Forgets leases of its own that have passed.
   */
  heldElsewhere(): string[] {
    const now = this.opts.timers.monotonic();
    for (const [key, until] of this.mine) if (until <= now) this.mine.delete(key);
    const held: string[] = [];
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, until] of this.elsewhere) {
      if (until <= now) this.elsewhere.delete(key);
      else {
        held.push(key);
        soonest = Math.min(soonest, until - now);
      }
    }
    if (held.length > 0) this.opts.wakeAt(soonest);
    return held;
  }

  /**
   * Inside the transaction that locked the due messages: claims (or renews) the conversations among `keys` that are
   * not fresh, and returns those this process may deliver in now, and how many it learned another process holds.
   */
  async claim(tx: Tx, keys: readonly string[]): Promise<{ held: Set<string>; refused: number }> {
    const { timers, holder, leaseMs } = this.opts;
    const wanted = [...new Set(keys)].filter((key) => !this.fresh(key));
    const held = new Set(keys.filter((key) => this.fresh(key)));
    if (wanted.length === 0) return { held, refused: 0 };
    // The monotonic clock first: this process counts its lease from no later than the database stamps it.
    const monotonic = timers.monotonic();
    const now = (await (this.opts.leaseNow ?? databaseNow)(tx)) ?? new Date(timers.now());
    if (monotonic >= this.nextDrop) {
      // Leases that passed a whole lease ago: no replica still counts on them.
      await dropPassedLeases(tx, new Date(now.getTime() - leaseMs));
      this.nextDrop = monotonic + leaseMs;
    }
    const got = await claimConversations(tx, wanted, holder, now, new Date(now.getTime() + leaseMs));
    this.claimedAny = true;
    for (const key of got) {
      this.mine.set(key, monotonic + leaseMs);
      this.elsewhere.delete(key);
      held.add(key);
    }
    const refused = wanted.filter((key) => !held.has(key));
    if (refused.length > 0) this.noteElsewhere(await conversationLeases(tx, refused), now, monotonic);
    return { held, refused: refused.length };
  }

  /** On a clean stop: gives up every conversation this process holds, so another replica takes them at once. */
  async release(): Promise<void> {
    this.mine.clear();
    this.elsewhere.clear();
    if (!this.claimedAny) return;
    const { db, holder, logger } = this.opts;
    try {
      const released = await db.transaction((tx) => releaseConversations(tx, holder));
      logger.debug({ released }, 'outbox conversations released');
    } catch (error) {
      // They pass on their own after the lease: another replica waits that long, nothing is lost.
      logger.warn({ err: error }, 'outbox conversations not released; they pass after the lease');
    }
  }

  /** Remembers who holds the refused conversations: asked about again when the lease passes, or a tenth of one. */
  private noteElsewhere(
    leases: { channelKey: string; holder: string; leaseUntil: Date }[],
    now: Date,
    monotonic: number,
  ): void {
    const recheck = monotonic + this.opts.leaseMs / RECHECK_PARTS;
    for (const lease of leases) {
      const passes = monotonic + Math.max(0, lease.leaseUntil.getTime() - now.getTime());
      this.elsewhere.set(lease.channelKey, Math.min(passes, recheck));
    }
  }
}
