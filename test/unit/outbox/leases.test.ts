import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openDatabase } from '../../../src/db/client.js';
import { enqueue } from '../../../src/db/repositories/outbox.js';
import { outboxLeases } from '../../../src/db/schema.js';
import type { OutboxWorker } from '../../../src/outbox/worker.js';
import { TestClock } from '../../support/clock.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { migratedCopy } from '../../support/scratchDb.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { testWorker } from '../../support/testWorker.js';

/**
 * The outbox worker's conversation leases (outbox/leases.ts) on SQLite, with real time stepped: what it writes and
 * when. Several replicas on one Postgres database are tested in test/postgres/outboxReplicas.test.ts.
 */

const NOW = new Date('2026-11-23T14:00:00Z');
const LEASE_MS = 60_000;

describe('outbox conversation leases', () => {
  let slack: FakeSlack;
  let worker: OutboxWorker | undefined;
  let dir: string;
  let database: AppDatabase;
  let timers: SteppedTimers;
  let start0: number;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-leases-'));
    database = openDatabase(migratedCopy(join(dir, 'handoff.db')));
    timers = new SteppedTimers();
    start0 = timers.now();
    slack = await FakeSlack.start();
    slack.addChannel({ id: 'C0ONE', name: 'one', members: [slack.botUserId] });
    slack.addChannel({ id: 'C0TWO', name: 'two', members: [slack.botUserId] });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    database.close();
    rmSync(dir, { recursive: true, force: true });
    await slack.stop();
  });

  function start(opts: { alone?: boolean } = {}): OutboxWorker {
    worker = testWorker(
      slack,
      { db: database.db, clock: new TestClock(NOW), timers },
      { ...opts, holder: 'me', leaseMs: LEASE_MS },
    );
    worker.start();
    return worker;
  }

  const post = (channel: string, n: number) => ({
    method: 'chat.postMessage' as const,
    dedupeKey: `test:${channel}:${n}`,
    channel,
    payload: { text: `${channel} #${n}` },
  });
  const queue = (channel: string, n: number) =>
    database.db.transaction((tx) => enqueue(tx, [post(channel, n)], NOW));
  const texts = (channel: string) => slack.messages(channel).map((m) => m.text);
  const leases = () =>
    database.db
      .select()
      .from(outboxLeases)
      .orderBy(outboxLeases.channelKey)
      .all()
      .map((l) => [l.channelKey, l.holder, l.leaseUntil.getTime() - start0]);
  /** Another process holds the conversation until `ms` after the start. */
  const heldByOther = (channelKey: string, ms: number) =>
    database.db.transaction(async (tx) => {
      await tx
        .insert(outboxLeases)
        .values({ channelKey, holder: 'other', leaseUntil: new Date(start0 + ms) });
    });
  /** Rows changed on the writing connection so far (every write of the app goes through it). */
  const writes = () => database.sqlite.prepare('select total_changes() as n').get() as { n: number };

  it('claims a conversation when it delivers there, renews it only once less than half is left, and writes nothing while idle', async () => {
    await queue('C0ONE', 1);
    const w = start();
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

  it('leaves a conversation another process holds until its lease passes, delivering elsewhere meanwhile', async () => {
    await heldByOther('C0ONE', 10_000);
    await queue('C0ONE', 1);
    await queue('C0TWO', 1);
    const w = start();
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
      ['C0TWO', 'me', LEASE_MS],
    ]);
  });

  it('alone on its database (SQLite, locked to one process), delivers at once whatever leases a dead process left', async () => {
    // A crash, or a restored backup: the leases of the process before are still in the file, its lease not passed.
    await heldByOther('C0ONE', 50_000);
    await queue('C0ONE', 1);
    const w = start({ alone: true });
    await w.idle();
    expect(texts('C0ONE')).toEqual(['C0ONE #1']);
    // And takes none itself: nothing to write per conversation when no other process can deliver.
    expect(leases()).toEqual([['C0ONE', 'other', 50_000]]);
  });

  it('gives its conversations up on a clean stop, not another process’s', async () => {
    await heldByOther('C0TWO', 10_000);
    await queue('C0ONE', 1);
    const w = start();
    await w.idle();
    expect(leases()).toEqual([
      ['C0ONE', 'me', LEASE_MS],
      ['C0TWO', 'other', 10_000],
    ]);
    await w.stop();
    worker = undefined;
    expect(leases()).toEqual([['C0TWO', 'other', 10_000]]);
  });
});
