import { eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase, Db } from '../../../src/db/client.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { inBackground } from '../../../src/db/priority.js';
import { queueChange } from '../../../src/db/repositories/changes.js';
import { enqueue, type OutboxMessage } from '../../../src/db/repositories/outbox.js';
import { handoffs, outbox, outboxLeases } from '../../../src/db/schema.js';
import { deliveryId, legacyDeliveryId, OUTBOX_EVENT_TYPE } from '../../../src/outbox/kinds/earlierPost.js';
import type { DeliveryVerdict } from '../../../src/outbox/types.js';
import type { OutboxWorker } from '../../../src/outbox/worker.js';
import { RequestActivity } from '../../../src/runtime/requestActivity.js';
import { TestClock } from '../../support/clock.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { people } from '../../support/people.js';
import { signal } from '../../support/signal.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { testWorker } from '../../support/testWorker.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

/**
 * The outbox worker as a service: a real migrated SQLite file, the recording fake Slack, and real time stepped by
 * the test (SteppedTimers) instead of waited for. Production's pacing (one post a second per channel) and its
 * 30-second wait before looking for a post whose answer was lost are tested as they are, in milliseconds.
 */

const NOW = new Date('2026-11-23T14:00:00Z');

/** Lets the event loop go round until `done` (at most 200 turns). */
async function waitUntil(done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

/**
 * Turns for the worker that the test gives out: every turn at once except turn number `held`, which waits until
 * `release()`. `given()` counts the turns asked for.
 */
function heldTurn(held: number) {
  let asked = 0;
  const gate = signal();
  return {
    turn: () => {
      asked += 1;
      return asked === held ? gate.fired : Promise.resolve();
    },
    given: () => asked,
    release: gate.fire,
  };
}

describe('outbox worker on stepped time', () => {
  let slack: FakeSlack;
  let worker: OutboxWorker | undefined;
  /** A fresh migrated SQLite file per test. */
  let database: AppDatabase;
  let db: Db;
  let timers: SteppedTimers;
  let clock: TestClock;
  beforeEach(async () => {
    database = freshDatabase('outbox-worker-');
    db = firstInstallationOf(database.db);
    timers = new SteppedTimers();
    clock = new TestClock(NOW);
    slack = await FakeSlack.start();
    slack.addChannel({ id: 'C0ONE', name: 'one', members: [slack.botUserId] });
    slack.addChannel({ id: 'C0TWO', name: 'two', members: [slack.botUserId] });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    database.close();
    await slack.stop();
  });

  function start(more: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}) {
    worker = testWorker(slack, { db, clock, timers }, more);
    worker.start();
    return worker;
  }

  const post = (channel: string, n: number) => ({
    method: 'chat.postMessage' as const,
    dedupeKey: `test:${channel}:${n}`,
    channel,
    payload: { text: `${channel} #${n}` },
  });
  const texts = (channel: string) => slack.messages(channel).map((m) => m.text);
  /** Every call of `method`, answered or not (`callsTo` counts only the ones answered ok). */
  const callsOf = (method: string) => slack.calls.filter((c) => c.method === method);
  const rows = () => db.select().from(outbox).orderBy(outbox.id).all();
  const outboxStatuses = () => rows().map((r) => r.status);
  /** Each row's status and last error. */
  const ends = () => rows().map((r) => [r.status, r.lastError]);

  it('paces posts to one channel a second apart, in order, by elapsed time, without holding up another channel; as work that can wait', async () => {
    await db.transaction((tx) =>
      enqueue(tx, [post('C0ONE', 1), post('C0ONE', 2), post('C0ONE', 3), post('C0TWO', 1)], NOW),
    );
    // On Postgres its transactions take the background pool (db/priority.ts).
    const marks: boolean[] = [];
    const w = start({
      turn: async () => {
        marks.push(inBackground());
      },
    });
    await w.idle();
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    expect(texts('C0TWO')).toEqual(['C0TWO #1']);
    // 999 ms later: still one post in C0ONE. At 1000 ms: the next, and so on.
    await timers.advance(999, () => w.idle());
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    await timers.advance(1, () => w.idle());
    expect(texts('C0ONE')).toEqual(['C0ONE #1', 'C0ONE #2']);
    // The wall clock steps back an hour: the pace is kept by elapsed time.
    timers.stepWallClock(-3_600_000);
    await timers.advance(1000, () => w.idle());
    expect(texts('C0ONE')).toEqual(['C0ONE #1', 'C0ONE #2', 'C0ONE #3']);
    expect(outboxStatuses()).toEqual(Array(4).fill('delivered'));
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every(Boolean)).toBe(true);
    // The test itself is not background work.
    expect(inBackground()).toBe(false);
  });

  it('after a rate limit’s wait, sends one message first and the rest of that method only once it is taken', async () => {
    slack.addChannel({ id: 'C0THREE', name: 'three', members: [slack.botUserId] });
    // Slack limits chat.postMessage for the first three posts and the first try after the wait.
    slack.fail('chat.postMessage', { retryAfter: 1 }, 4);
    await db.transaction((tx) => enqueue(tx, [post('C0ONE', 1), post('C0TWO', 1), post('C0THREE', 1)], NOW));
    const w = start();
    await w.idle();
    const statuses = () => callsOf('chat.postMessage').map((c) => c.status);
    expect(statuses()).toEqual([429, 429, 429]);
    // The wait is over: one post goes, is limited again, and the other two wait with it instead of being sent.
    clock.advance(1_000);
    await timers.advance(1_000, () => w.idle());
    expect(statuses()).toEqual([429, 429, 429, 429]);
    expect(ends().filter(([status]) => status === 'pending')).toHaveLength(3);
    // The two that waited are scheduled for the end of the new wait too, so looks for due rows do not read them.
    expect(rows().map((r) => r.nextAttemptAt.getTime() - NOW.getTime())).toEqual([2_000, 2_000, 2_000]);
    // The next wait is over: the first post is taken, and the other two follow at once.
    clock.advance(1_000);
    await timers.advance(1_000, () => w.idle());
    expect(statuses()).toEqual([429, 429, 429, 429, 200, 200, 200]);
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    expect(texts('C0TWO')).toEqual(['C0TWO #1']);
    expect(texts('C0THREE')).toEqual(['C0THREE #1']);
    expect(ends().map(([status]) => status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('while one method waits out a rate limit, a backlog of it does not hide another method’s messages', async () => {
    slack.fail('chat.postMessage', { retryAfter: 60 });
    await db.transaction((tx) => enqueue(tx, [post('C0ONE', 1)], NOW));
    const w = start();
    await w.idle();
    // More posts than the worker looks at in one go, each in its own conversation and due before the reply below.
    const backlog = Array.from({ length: 25 }, (_, i) => post(`C0BACK${i}`, 1));
    await db.transaction((tx) => enqueue(tx, backlog, new Date(NOW.getTime() - 1_000)));
    const responseUrl = slack.responseUrl({ channel: 'C0TWO' });
    await db.transaction((tx) =>
      enqueue(
        tx,
        [{ method: 'response_url', dedupeKey: 'test:reply', responseUrl, payload: { text: 'your reply' } }],
        NOW,
      ),
    );
    w.wake();
    await timers.advance(50, () => w.idle());
    expect(slack.responses.map((r) => r.body.text)).toEqual(['your reply']);
    // The posts still wait for the limit, and none was sent into it.
    expect(callsOf('chat.postMessage')).toHaveLength(1);
    expect(ends().filter(([status]) => status === 'pending')).toHaveLength(26);
  });

  it('waits longer after a wake-up that found nothing to deliver (40 ms), and 20 ms again once one delivers', async () => {
    const w = start();
    await w.idle();
    // The look at start found nothing: the next wake-up waits 40 ms.
    const commit = async (row: ReturnType<typeof post>) => {
      await db.transaction((tx) => enqueue(tx, [row], NOW));
      w.wake();
    };
    await commit(post('C0ONE', 1));
    await timers.advance(39, () => w.idle());
    expect(texts('C0ONE')).toEqual([]);
    await timers.advance(1, () => w.idle());
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    // That look delivered: 20 ms again. The next post to C0ONE is paced (a second apart), so that look finds nothing.
    await commit(post('C0ONE', 2));
    await timers.advance(19, () => w.idle());
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    await timers.advance(1, () => w.idle());
    // Then 40 ms, and 40 ms again (the most): each wake-up below found nothing new to deliver but the paced post.
    for (const wait of [40, 40]) {
      w.wake();
      await timers.advance(wait, () => w.idle());
    }
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    await commit(post('C0TWO', 1));
    await timers.advance(39, () => w.idle());
    expect(texts('C0TWO')).toEqual([]);
    await timers.advance(1, () => w.idle());
    expect(texts('C0TWO')).toEqual(['C0TWO #1']);
  });

  it('delivers nothing while a Slack request is being answered, and everything once it is (requests first)', async () => {
    // A long longest wait: this test is about the hold, not about the late turn.
    const activity = new RequestActivity(60_000);
    const end = activity.begin();
    await db.transaction((tx) => enqueue(tx, [post('C0ONE', 1), post('C0TWO', 1)], NOW));
    const w = start({ turn: () => activity.turn() });
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    end();
    await w.idle();
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    expect(texts('C0TWO')).toEqual(['C0TWO #1']);
  });

  it('asks the delivery guard again after waiting for its turn: a conversation that changed hands meanwhile gets nothing', async () => {
    // A Home republish renders after a turn of its own; while it waits, a request is answered that makes the guard
    // refuse (as a channel_shared event holds a partner channel).
    await db.transaction((tx) =>
      tx
        .insert(outbox)
        .values({
          dedupeKey: 'home:U1:1',
          status: 'pending',
          attempts: 0,
          nextAttemptAt: NOW,
          createdAt: NOW,
          method: 'views.publish',
          channelKey: 'home:U1',
          payload: {},
        })
        .run(),
    );
    let verdict: DeliveryVerdict = { kind: 'send' };
    // The first turn (the delivery's start) at once; the second (before rendering) when the test says.
    const turns = heldTurn(2);
    const w = start({
      guard: () => verdict,
      turn: turns.turn,
      homes: {
        render: async () => ({ view: { type: 'home', blocks: [] } as never, hash: null, version: 1 }),
        published: async () => false,
      },
    });
    await waitUntil(() => turns.given() === 2);
    verdict = { kind: 'drop', reason: 'the conversation changed hands' };
    turns.release();
    await w.idle();
    expect(slack.callsTo('views.publish')).toHaveLength(0);
    expect(ends()).toEqual([['cancelled', 'the conversation changed hands']]);
  });

  it('a message cancelled while it waited for its turn (a reminder, once answered) is not sent', async () => {
    await db.transaction((tx) => enqueue(tx, [post('C0ONE', 1)], NOW));
    const turns = heldTurn(1);
    const w = start({ turn: turns.turn });
    await waitUntil(() => turns.given() === 1);
    await db.transaction((tx) =>
      tx.update(outbox).set({ status: 'cancelled', lastError: 'superseded by a later change' }).run(),
    );
    turns.release();
    await w.idle();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(ends()).toEqual([['cancelled', 'superseded by a later change']]);
  });

  it('a message waiting for its reader is due again then, holds back no other, and is not an attempt; one whose conversation is held keeps its mark of a post that may have gone out', async () => {
    slack.addUser(people.owner);
    const owner = people.owner.id;
    const later = new Date(NOW.getTime() + 3 * 3_600_000);
    await db.transaction((tx) =>
      enqueue(tx, [{ ...post(owner, 1), reach: true }, post(owner, 2), post('C0ONE', 1)], NOW),
    );
    const marked = new Date(NOW.getTime() - 60_000);
    await db.transaction((tx) =>
      tx.update(outbox).set({ uncertainSince: marked }).where(eq(outbox.channelKey, 'C0ONE')).run(),
    );
    const w = start({
      guard: (row) =>
        row.channelKey === 'C0ONE'
          ? { kind: 'hold', reason: 'channel held', log: 'held' }
          : row.channelKey === `reach:${owner}` && clock.now() < later
            ? { kind: 'wait', until: later, reason: 'waits for its reader’s working hours' }
            : { kind: 'send' },
    });
    await w.idle();
    // The DM's other message went; the one for later waits, due then, with no attempt counted.
    expect(texts(slack.dmChannelFor(owner))).toEqual([`${owner} #2`]);
    const row = (key: string) => rows().find((r) => r.channelKey === key);
    expect(row(`reach:${owner}`)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: later });
    // The held one stays marked, so it is looked for when released.
    expect(row('C0ONE')).toMatchObject({
      status: 'pending',
      lastError: 'channel held',
      uncertainSince: marked,
    });
    expect(texts('C0ONE')).toEqual([]);
    // Its time comes: it is posted in the person's DM.
    clock.set(later);
    w.kick();
    await waitUntil(() => texts(slack.dmChannelFor(owner)).length === 2);
    expect(texts(slack.dmChannelFor(owner))).toEqual([`${owner} #2`, `${owner} #1`]);
  });

  it("tags a post with a keyed delivery id, and still finds its own post of the previous version's id, never another app's", async () => {
    // A keyed hash: an unkeyed one of the dedupe key (which names the handoff) any app in a shared channel could
    // compute. The unkeyed form is still read, from the app's own bot only.
    const queued = [post('C0ONE', 1), post('C0TWO', 1), post('C0ONE', 2)];
    await db.transaction((tx) => enqueue(tx, queued, NOW));
    const [one, two] = rows();
    // The first two were posted by the previous version, whose answers were lost: marked uncertain.
    const marked = new Date(timers.now());
    await db.transaction((tx) =>
      tx
        .update(outbox)
        .set({ uncertainSince: marked })
        .where(inArray(outbox.id, [one?.id ?? 0, two?.id ?? 0]))
        .run(),
    );
    const ts = (timers.now() / 1000).toFixed(6);
    const legacy = (row: typeof one) => ({
      event_type: OUTBOX_EVENT_TYPE,
      event_payload: { delivery: legacyDeliveryId(row as NonNullable<typeof row>) },
    });
    slack.importMessage({ channel: 'C0ONE', ts, text: 'C0ONE #1', metadata: legacy(one) });
    // In the other channel, another app posted a message with the id of the second row (anyone could compute it).
    slack.importMessage({
      channel: 'C0TWO',
      ts,
      text: 'forged',
      metadata: legacy(two),
      bot_id: 'B0OTHERAPP',
    });
    const w = start();
    await timers.advance(30_000, () => w.idle());
    await timers.advance(1_000, () => w.idle());
    expect(outboxStatuses()).toEqual(['delivered', 'delivered', 'delivered']);
    // Its own earlier post found (not posted again); the forged one ignored (posted).
    expect(texts('C0ONE')).toEqual(['C0ONE #1', 'C0ONE #2']);
    expect(texts('C0TWO')).toEqual(['forged', 'C0TWO #1']);
    const sent = slack.callsTo('chat.postMessage').map((c) => c.args.metadata);
    const [, second, third] = rows();
    expect(sent).toEqual(
      [second, third].map((row) => ({
        event_type: OUTBOX_EVENT_TYPE,
        event_payload: { delivery: deliveryId(row as NonNullable<typeof row>, slack.token) },
      })),
    );
    const keyed = deliveryId({ dedupeKey: 'test:C0ONE:2' }, slack.token);
    expect(keyed).not.toBe(legacyDeliveryId({ dedupeKey: 'test:C0ONE:2' }));
    expect(keyed).not.toBe(deliveryId({ dedupeKey: 'test:C0ONE:2' }, 'xoxb-another-token'));
  });

  it('after a lost answer, waits the full 30 s of real time before looking for the post, keeps it marked when the look is rate limited, then does not post it twice', async () => {
    // Slack takes the post, then the connection breaks before its answer (a reset, which the outbox takes like a
    // client timeout): the worker cannot know it landed. No client timeout races Slack's work here.
    slack.fail('chat.postMessage', { afterProcessing: true, dropConnection: true }, 1);
    await db.transaction((tx) => enqueue(tx, [post('C0ONE', 1)], NOW));
    const w = start();
    await w.idle();
    expect(rows()[0]).toMatchObject({
      status: 'pending',
      lastError: expect.stringMatching(/^request failed/),
    });
    expect(rows()[0]?.uncertainSince?.getTime()).toBe(timers.now());
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    // The business clock moves past the retry's backoff; real time has not reached the 30 s.
    slack.fail('conversations.history', { retryAfter: 1 }, 1);
    clock.advance(60_000);
    await timers.advance(29_000, () => w.idle());
    expect(callsOf('conversations.history')).toHaveLength(0);
    expect(callsOf('chat.postMessage')).toHaveLength(1);
    // The look at 30 s meets a rate limit: it says nothing about the post, whose mark must stay.
    await timers.advance(1_000, () => w.idle());
    expect(callsOf('conversations.history').map((c) => c.status)).toEqual([429]);
    expect(rows()[0]?.status).toBe('pending');
    expect(rows()[0]?.uncertainSince).not.toBeNull();
    // Past the rate limit: it looks again, finds the post, and posts nothing.
    clock.advance(60_000);
    await timers.advance(2_000, () => w.idle());
    expect(callsOf('conversations.history').map((c) => c.status)).toEqual([429, 200]);
    expect(callsOf('chat.postMessage')).toHaveLength(1);
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    expect(outboxStatuses()).toEqual(['delivered']);
  });

  it('expands the changes one look finds together, and one that fails on its own, the others delivered', async () => {
    // The third change owes a message with no dedupe key (a payload written by hand): its insert fails.
    const broken = { method: 'chat.postMessage', channel: 'C0ONE', payload: { text: 'no key' } };
    await db.transaction(async (tx) => {
      for (const i of [0, 1, 2, 3, 4]) {
        const [row] = await tx
          .insert(handoffs)
          .values(sentHandoffRow(NOW, { sourceViewId: `V${i}` }))
          .returning({ id: handoffs.id });
        const handoffId = row?.id ?? 0;
        const message = i === 2 ? broken : { ...post('C0TWO', i), handoffId };
        const messages = [message as OutboxMessage];
        const intent = { messages, cancelReminders: false, refresh: false, homes: [], token: `${i}` };
        await queueChange(tx, { handoffId, eventId: i + 1, at: NOW, intent });
      }
    });
    const w = start();
    await timers.advance(5_000, () => w.idle());
    // Each expanded change's post went out, in order; the broken one waits for its retry, nothing of it written.
    expect(texts('C0TWO')).toEqual(['C0TWO #0', 'C0TWO #1', 'C0TWO #3', 'C0TWO #4']);
    const changes = rows().filter((r) => r.method === 'handoff.change');
    expect(changes.map((r) => [r.dedupeKey, r.status])).toEqual([
      ['change:1', 'delivered'],
      ['change:2', 'delivered'],
      ['change:3', 'pending'],
      ['change:4', 'delivered'],
      ['change:5', 'delivered'],
    ]);
    expect(changes[2]?.lastError).toMatch(/NOT NULL/);
  });

  /**
   * The conversation leases (outbox/leases.ts) on SQLite: what the worker writes and when. Several replicas on one
   * Postgres database are tested in test/postgres/outboxReplicas.test.ts.
   */
  describe('conversation leases', () => {
    const LEASE_MS = 60_000;
    let start0: number;
    beforeEach(() => {
      start0 = timers.now();
    });

    function startLeased(opts: { alone?: boolean } = {}): OutboxWorker {
      worker = testWorker(
        slack,
        { db, clock: new TestClock(NOW), timers },
        { ...opts, holder: 'me', leaseMs: LEASE_MS },
      );
      worker.start();
      return worker;
    }

    const queue = (channel: string, n: number) =>
      db.transaction((tx) => enqueue(tx, [post(channel, n)], NOW));
    const leases = () =>
      db
        .select()
        .from(outboxLeases)
        .orderBy(outboxLeases.channelKey)
        .all()
        .map((l) => [l.channelKey, l.holder, l.leaseUntil.getTime() - start0]);
    /** Another process holds the conversation until `ms` after the start. */
    const heldByOther = (channelKey: string, ms: number) =>
      db.transaction(async (tx) => {
        await tx
          .insert(outboxLeases)
          .values({ channelKey, holder: 'other', leaseUntil: new Date(start0 + ms) });
      });
    /** Rows changed on the writing connection so far (every write of the app goes through it). */
    const writes = () => database.sqlite.prepare('select total_changes() as n').get() as { n: number };

    it('claims a conversation when it delivers there, renews it only once less than half is left, and writes nothing while idle', async () => {
      await queue('C0ONE', 1);
      const w = startLeased();
      await w.idle();
      expect(texts('C0ONE')).toEqual(['C0ONE #1']);
      expect(leases()).toEqual([['C0ONE', 'me', LEASE_MS]]);
      // Found by the poll 29 s in, more than half is left: the next post goes out under the same lease.
      await timers.advance(28_000, () => w.idle());
      await queue('C0ONE', 2);
      await timers.advance(1000, () => w.idle());
      expect(texts('C0ONE')).toEqual(['C0ONE #1', 'C0ONE #2']);
      expect(leases()).toEqual([['C0ONE', 'me', LEASE_MS]]);
      // Found 31 s in, less than half is left: the post renews it first.
      await timers.advance(1000, () => w.idle());
      await queue('C0ONE', 3);
      await timers.advance(1000, () => w.idle());
      expect(texts('C0ONE')).toEqual(['C0ONE #1', 'C0ONE #2', 'C0ONE #3']);
      expect(leases()).toEqual([['C0ONE', 'me', 31_000 + LEASE_MS]]);
      // Nothing due: a minute of polls writes nothing.
      const before = writes().n;
      await timers.advance(60_000, () => w.idle());
      expect(writes().n).toBe(before);
    });

    it('leaves a conversation another process holds until its lease passes, delivering elsewhere meanwhile; gives up only its own on a clean stop', async () => {
      await heldByOther('C0ONE', 10_000);
      await heldByOther('C0THREE', 100_000);
      await queue('C0ONE', 1);
      await queue('C0TWO', 1);
      const w = startLeased();
      await w.idle();
      expect(texts('C0ONE')).toEqual([]);
      expect(texts('C0TWO')).toEqual(['C0TWO #1']);
      await timers.advance(9_999, () => w.idle());
      expect(texts('C0ONE')).toEqual([]);
      // Asked about again when the other's lease passes (not only at a poll): taken over at once.
      await timers.advance(1, () => w.idle());
      expect(texts('C0ONE')).toEqual(['C0ONE #1']);
      expect(leases()).toEqual([
        ['C0ONE', 'me', 10_000 + LEASE_MS],
        ['C0THREE', 'other', 100_000],
        ['C0TWO', 'me', LEASE_MS],
      ]);
      await w.stop();
      worker = undefined;
      expect(leases()).toEqual([['C0THREE', 'other', 100_000]]);
    });

    it('alone on its database (SQLite, locked to one process), delivers at once whatever leases a dead process left', async () => {
      // A crash, or a restored backup: the leases of the process before are still in the file, its lease not passed.
      await heldByOther('C0ONE', 50_000);
      await queue('C0ONE', 1);
      const w = startLeased({ alone: true });
      await w.idle();
      expect(texts('C0ONE')).toEqual(['C0ONE #1']);
      // And takes none itself: nothing to write per conversation when no other process can deliver.
      expect(leases()).toEqual([['C0ONE', 'other', 50_000]]);
    });
  });

  // A rate limit's wait is not a failed attempt: a storm of 429s then one lost 5xx answer holds the conversation
  // for the look after the lost answer (30 s), not for the backoff the 429s would have grown to (the 5-minute cap).
  it('429s do not count as delivery attempts: after ten 429s and one 503, the conversation is held for the look (30 s), not for minutes', async () => {
    /** Moves both clocks (the business clock and real time) by `ms`, letting the worker run what falls due. */
    const pass = async (ms: number) => {
      clock.advance(ms);
      await timers.advance(ms, () => w.idle());
    };
    slack.fail('chat.postMessage', { retryAfter: 1 }, 10);
    slack.fail('chat.postMessage', { status: 503 }, 1);
    await db.transaction((tx) => enqueue(tx, [post('C0ONE', 1), post('C0ONE', 2)], NOW));
    const w = start();
    await w.idle();
    for (let i = 0; i < 10; i += 1) await pass(1_000);
    expect(callsOf('chat.postMessage').map((c) => c.status)).toEqual([...Array(10).fill(429), 503]);
    // Only the 503 counts: one attempt made, so the next is due one second later (the first backoff), not 300 s.
    const [first] = rows();
    expect(first).toMatchObject({ attempts: 1, lastError: 'HTTP 503' });
    expect((first?.nextAttemptAt.getTime() ?? 0) - clock.now().getTime()).toBe(1_000);
    // The 503 may hide a post: the retry waits 30 s of real time to look for it, then posts both, in order.
    await pass(29_000);
    expect(slack.messages('C0ONE')).toEqual([]);
    await pass(2_000);
    expect(texts('C0ONE')).toEqual(['C0ONE #1', 'C0ONE #2']);
    expect(rows().map((r) => [r.status, r.attempts])).toEqual([
      ['delivered', 2],
      ['delivered', 1],
    ]);
  });
});
