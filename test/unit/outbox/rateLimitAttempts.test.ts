import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openDatabase } from '../../../src/db/client.js';
import { enqueue } from '../../../src/db/repositories/outbox.js';
import { outbox } from '../../../src/db/schema.js';
import type { OutboxWorker } from '../../../src/outbox/worker.js';
import { TestClock } from '../../support/clock.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { migratedCopy } from '../../support/scratchDb.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { testWorker } from '../../support/testWorker.js';

/**
 * Issue 50 item 22: a rate limit's wait is not a failed attempt. A storm of 429s followed by one lost 5xx answer
 * must hold a conversation for the look after the lost answer (30 s), not for the backoff the 429s would have grown
 * to (the 5-minute cap). On the real worker, the fake Slack's 429s, and stepped time.
 */

const NOW = new Date('2026-11-23T14:00:00Z');

describe('429s do not count as delivery attempts', () => {
  let slack: FakeSlack;
  let worker: OutboxWorker | undefined;
  let dir: string;
  let db: AppDatabase;
  let timers: SteppedTimers;
  let clock: TestClock;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-429-'));
    db = openDatabase(migratedCopy(join(dir, 'handoff.db')));
    timers = new SteppedTimers();
    clock = new TestClock(NOW);
    slack = await FakeSlack.start();
    slack.addChannel({ id: 'C0ONE', name: 'one', members: [slack.botUserId] });
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    db.close();
    rmSync(dir, { recursive: true, force: true });
    await slack.stop();
  });

  const post = (n: number) => ({
    method: 'chat.postMessage' as const,
    dedupeKey: `test:C0ONE:${n}`,
    channel: 'C0ONE',
    payload: { text: `C0ONE #${n}` },
  });
  const rows = () => db.db.select().from(outbox).orderBy(outbox.id).all();
  /** Moves both clocks (the business clock and real time) by `ms`, letting the worker run what falls due. */
  async function pass(w: OutboxWorker, ms: number) {
    clock.advance(ms);
    await timers.advance(ms, () => w.idle());
  }

  it('after ten 429s and one 503, the conversation is held for the look (30 s), not for minutes', async () => {
    // A storm: ten 429s with Retry-After 1 s, then one 503 page that Slack did not act on.
    slack.fail('chat.postMessage', { retryAfter: 1 }, 10);
    slack.fail('chat.postMessage', { status: 503 }, 1);
    await db.db.transaction((tx) => enqueue(tx, [post(1), post(2)], NOW));
    const w = testWorker(slack, { db: db.db, clock, timers });
    w.start();
    await w.idle();
    for (let i = 0; i < 10; i += 1) await pass(w, 1_000);
    const statuses = () => slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status);
    expect(statuses()).toEqual([...Array(10).fill(429), 503]);
    // Only the 503 counts: one attempt made, so the next is due one second later (the first backoff), not 300 s.
    const [first] = rows();
    expect(first?.attempts).toBe(1);
    expect(first?.lastError).toBe('HTTP 503');
    expect((first?.nextAttemptAt.getTime() ?? 0) - clock.now().getTime()).toBe(1_000);
    // The 503 may hide a post: the retry waits 30 s of real time to look for it, then posts both, in order.
    await pass(w, 29_000);
    expect(slack.messages('C0ONE')).toEqual([]);
    await pass(w, 2_000);
    expect(slack.messages('C0ONE').map((m) => m.text)).toEqual(['C0ONE #1', 'C0ONE #2']);
    expect(rows().map((r) => [r.status, r.attempts])).toEqual([
      ['delivered', 2],
      ['delivered', 1],
    ]);
  });
});
