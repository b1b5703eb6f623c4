import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { enqueue } from '../../src/db/repositories/outbox.js';
import type { OutboxWorker } from '../../src/outbox/worker.js';
import { TestClock } from '../support/clock.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { createDatabase } from '../support/postgres.js';
import { SteppedTimers } from '../support/steppedTimers.js';
import { testWorker } from '../support/testWorker.js';
import { until } from './interleave.js';

/**
 * The outbox on several replicas (issue 34): two or three OutboxWorkers, each with its own pool and holder, on one
 * real Postgres database, posting to one fake Slack. Real time is stepped (SteppedTimers, shared: the replicas' clocks
 * agree; the leases' clock, the database's in production, is it too), so production's pacing (1 s per conversation), lease (60 s) and wait before looking for a lost post (30 s)
 * are tested as they are, without sleeping.
 */

const NOW = new Date('2026-11-23T14:00:00Z');
const LEASE_MS = 60_000;
const CHANNELS = ['C0ONE', 'C0TWO', 'C0THREE', 'C0FOUR', 'C0FIVE'];

interface Replica {
  name: string;
  database: PostgresDatabase;
  worker: OutboxWorker;
  /** Killed: its pool is gone and nothing more of it is waited for (its leases stay in the table). */
  dead: boolean;
}

/** Which replica let which row go, at what step of real time (the guard is asked right before each send). */
interface Attempt {
  replica: string;
  rowId: number;
  channel: string;
  at: number;
}

let databases = 0;

describe('the outbox on several replicas on one Postgres database', () => {
  let url: string;
  let slack: FakeSlack;
  let timers: SteppedTimers;
  let clock: TestClock;
  let replicas: Replica[];
  let attempts: Attempt[];
  /** A Slack answer held back by a test (a post Slack took whose answer never came): released after it. */
  let heldAnswer: (() => void) | undefined;
  /** A pool of the test's own, for reading and queueing. */
  let own: PostgresDatabase;

  beforeEach(async () => {
    databases += 1;
    url = await createDatabase(`outbox_replicas_${databases}`);
    own = await openPostgresDatabase(url, { max: 2 });
    timers = new SteppedTimers();
    clock = new TestClock(NOW);
    slack = await FakeSlack.start();
    for (const id of CHANNELS) slack.addChannel({ id, name: id.toLowerCase(), members: [slack.botUserId] });
    replicas = [];
    attempts = [];
    heldAnswer = undefined;
  });
  afterEach(async () => {
    heldAnswer?.();
    for (const replica of replicas) {
      await replica.worker.stop();
      if (!replica.dead) await replica.database.close();
    }
    await own.close();
    await slack.stop();
  });

  async function startReplica(name: string, clientTimeoutMs = 5000): Promise<Replica> {
    const database = await openPostgresDatabase(url, { max: 4 });
    const worker = testWorker(
      slack,
      { db: firstInstallationOf(database.db), clock, timers, clientTimeoutMs },
      {
        holder: `replica-${name}`,
        leaseMs: LEASE_MS,
        // The leases go by the database's clock (issue 50 item 31): here the stepped real time, which every replica
        // shares. Replicas whose clocks disagree, on Postgres's own clock: test/integration/replicaClocks.test.ts.
        leaseNow: async () => new Date(timers.now()),
        guard: (row) => {
          if (!attempts.some((a) => a.rowId === row.id))
            attempts.push({ replica: name, rowId: row.id, channel: row.channelKey, at: timers.monotonic() });
          return { kind: 'send' };
        },
      },
    );
    const replica = { name, database, worker, dead: false };
    replicas.push(replica);
    worker.start();
    return replica;
  }

  /** Waits for every live replica to have nothing in progress. */
  const settle = async () => {
    for (const replica of replicas) if (!replica.dead) await replica.worker.idle();
  };

  /** Dies without a word: its pool ends, its leases stay; a call it has in flight stays where it is. */
  async function kill(replica: Replica): Promise<void> {
    replica.dead = true;
    await replica.database.close();
  }

  /** Posts `from` to `to` to each channel, each queued in a transaction of its own (as requests do). */
  async function queue(from: number, to: number): Promise<void> {
    for (let n = from; n <= to; n += 1)
      for (const channel of CHANNELS) {
        const message = { dedupeKey: `${channel}:${n}`, channel, payload: { text: `${channel} #${n}` } };
        await firstInstallationOf(own.db).transaction((tx) =>
          enqueue(tx, [{ method: 'chat.postMessage', ...message }], NOW),
        );
      }
  }

  async function statuses(): Promise<string[]> {
    const { outbox } = tablesOf(own.db);
    return (await own.db.select().from(outbox).orderBy(asc(outbox.id))).map((r) => r.status);
  }

  async function pendingCount(): Promise<number> {
    const { outbox } = tablesOf(own.db);
    return (await own.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length;
  }

  /** Steps real time a second at a time until nothing is pending (at most `limitMs`). */
  async function runUntilDelivered(limitMs: number): Promise<void> {
    for (let waited = 0; waited < limitMs && (await pendingCount()) > 0; waited += 1000)
      await timers.advance(1000, settle);
    expect(await pendingCount()).toBe(0);
  }

  /** Every chat.postMessage that reached Slack, answered or not (callsTo counts only the answered ones). */
  const postCalls = () => slack.calls.filter((c) => c.method === 'chat.postMessage');
  const texts = (channel: string) => slack.messages(channel).map((m) => m.text);
  const expected = (channel: string, perChannel: number) =>
    Array.from({ length: perChannel }, (_, i) => `${channel} #${i + 1}`);

  /** Every row posted exactly once, each conversation in order. */
  function expectEachPostedOnceInOrder(perChannel: number): void {
    for (const channel of CHANNELS) expect(texts(channel)).toEqual(expected(channel, perChannel));
    const posted = postCalls().map((c) => c.args.text);
    expect(posted).toHaveLength(CHANNELS.length * perChannel);
    expect(new Set(posted).size).toBe(posted.length);
  }

  /** Within a conversation, two sends at least the pacing interval apart, whichever replica made them. */
  function expectPacedAcrossReplicas(): void {
    for (const channel of CHANNELS) {
      const times = attempts.filter((a) => a.channel === channel).map((a) => a.at);
      for (let i = 1; i < times.length; i += 1)
        expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  }

  it.each([2, 3])(
    'with %i replicas: every row posted exactly once, each conversation in order, paced, by one replica at a time',
    async (count) => {
      const perChannel = 6;
      await queue(1, 2);
      for (let i = 0; i < count; i += 1) await startReplica(String.fromCharCode(65 + i));
      await settle();
      // More is queued while they run, each commit waking every replica (as the app's onOutboxWrite does).
      for (let n = 3; n <= perChannel; n += 1) {
        await queue(n, n);
        for (const replica of replicas) replica.worker.wake();
        await timers.advance(500, settle);
      }
      await runUntilDelivered(30_000);
      expectEachPostedOnceInOrder(perChannel);
      expectPacedAcrossReplicas();
      // No lease passed (each was renewed while its replica delivered): one replica per conversation throughout.
      for (const channel of CHANNELS)
        expect(new Set(attempts.filter((a) => a.channel === channel).map((a) => a.replica)).size).toBe(1);
      expect(await statuses()).toEqual(Array(CHANNELS.length * perChannel).fill('delivered'));
    },
  );

  it.each([1, 2])(
    'a replica killed in the middle (a post Slack took, its answer lost): after its lease, %i other(s) deliver the rest, nothing twice',
    async (survivors) => {
      const perChannel = 4;
      await queue(1, perChannel);
      // A alone first: it holds every conversation and posts each one's first message.
      const a = await startReplica('A', 600_000);
      await a.worker.idle();
      expect(CHANNELS.map((c) => texts(c))).toEqual(CHANNELS.map((c) => [`${c} #1`]));
      const others: Replica[] = [];
      for (let i = 0; i < survivors; i += 1) others.push(await startReplica(String.fromCharCode(66 + i)));
      await settle();
      // A's conversations are A's: the others post nothing.
      expect(postCalls()).toHaveLength(CHANNELS.length);
      // A second later A posts each conversation's second message; Slack takes the first of them, but its answer
      // never comes back: A dies waiting, its row marked as sending.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      heldAnswer = release;
      slack.fail('chat.postMessage', { afterProcessing: true, until: held }, 1);
      await timers.advance(1000);
      await until(() => postCalls().length === 2 * CHANNELS.length);
      const lost = postCalls().find((c) => c.status === 0);
      expect(lost?.processed).toBe(true);
      const lostText = String(lost?.args.text);
      await untilDelivered(2 * CHANNELS.length - 1);
      await kill(a);
      const callsAtDeath = postCalls().length;
      expect(callsAtDeath).toBe(2 * CHANNELS.length);
      // A's leases run until 60 s after it claimed them: until then nobody posts in its conversations.
      await timers.advance(LEASE_MS - 1001, settle);
      expect(postCalls()).toHaveLength(callsAtDeath);
      expect(slack.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(0);
      // From the moment the leases pass, the others take the conversations over and deliver on, in order; the post
      // whose answer was lost is looked for (more than 30 s have passed since its mark) and found, not posted again.
      await runUntilDelivered(30_000);
      expectEachPostedOnceInOrder(perChannel);
      expect(texts(lostText.split(' ')[0] ?? '')).toContain(lostText);
      expect(slack.calls.filter((c) => c.method === 'conversations.history').length).toBeGreaterThan(0);
      expect(attempts.filter((a) => a.replica !== 'A').every((a) => a.at >= LEASE_MS)).toBe(true);
      expectPacedAcrossReplicas();
      expect(await statuses()).toEqual(Array(CHANNELS.length * perChannel).fill('delivered'));
      const { outboxLeases } = tablesOf(own.db);
      const holders = (await own.db.select().from(outboxLeases)).map((l) => l.holder);
      expect(holders).toHaveLength(CHANNELS.length);
      expect(holders.every((h) => others.some((o) => h === `replica-${o.name}`))).toBe(true);
    },
  );

  /**
   * Until `count` rows are recorded delivered: A's deliveries that got their answer are real round trips to Postgres,
   * and A cannot be waited for as a whole (one of its calls never ends).
   */
  async function untilDelivered(count: number): Promise<void> {
    const { outbox } = tablesOf(own.db);
    const delivered = async () =>
      (await own.db.select().from(outbox).where(eq(outbox.status, 'delivered'))).length;
    await until(async () => (await delivered()) === count);
  }
});
