import { describe, expect, it } from 'vitest';
import { enqueue } from '../../src/db/repositories/outbox.js';
import { realTimers, type Timers } from '../../src/runtime/timers.js';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { quiet, startHarness, waitFor } from '../support/harness.js';
import { harnessEngine } from '../support/harnessEngine.js';
import { QUIET } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * Two replicas on one Postgres database whose wall clocks are 40 s apart: each conversation of the outbox is still
 * delivered by one of them at a time, so no post goes out twice. The leases are stamped and compared on the
 * database's clock, which both read alike (compared on each replica's own, the one ahead would take over every
 * conversation the other held). The lease is the shortest OUTBOX_LEASE_MS (10 s): the clocks are far more than half a
 * lease apart.
 *
 * SQLite has no such case: its file is locked to one process, which delivers alone (no leases).
 */

const SKEW_MS = 40_000;
const LEASE = { ...QUIET, OUTBOX_LEASE_MS: '10000' };
/** Five DM conversations (guarded kinds send to a person's DM), forty posts each. */
const PEOPLE = [people.ae, people.otherAe, people.owner, people.member, people.author];
const EACH = 40;

/** The process's own real time, its wall clock SKEW_MS ahead. */
const ahead: Timers = { ...realTimers, now: () => Date.now() + SKEW_MS };

describe.runIf(harnessEngine() === 'postgres')('replicas whose clocks disagree', () => {
  const stops = stopsAfterEach();

  it('deliver each post once with their clocks 40 s apart', async () => {
    const a = await startHarness({ env: LEASE });
    stops.push(async () => {
      await a.stop({ keepDatabase: true });
      await a.slack.stop();
    });
    const sentBefore = a.slack.callsTo('chat.postMessage').length;
    const queue = (n: number) =>
      a.database.db.transaction((tx) =>
        enqueue(
          tx,
          PEOPLE.map((person) => ({
            method: 'chat.postMessage' as const,
            dedupeKey: `skew:${person.id}:${n}`,
            channel: person.id,
            payload: { text: `skew ${person.id} #${n}` },
          })),
          a.clock.now(),
        ),
      );
    const posted = () =>
      a.slack
        .callsTo('chat.postMessage')
        .slice(sentBefore)
        .map((call) => String(call.args.text));
    // A alone first: it claims the five conversations (until its clock's now + 10 s) and posts in each.
    await queue(0);
    a.app.outbox.wake();
    await waitFor(() => posted().length === PEOPLE.length, 8000, 'the first posts');
    // B starts (a second replica, or the next one of a rolling restart), its clock 40 s ahead of A's.
    const b = await startHarness({
      env: LEASE,
      slack: a.slack,
      databasePath: a.databaseKey,
      outboxTimers: ahead,
    });
    stops.push(() => b.stop({ keepDatabase: true }));
    // The rest in waves, each woken on both replicas, so both look for the same conversations again and again.
    for (let n = 1; n < EACH; n += 1) {
      await queue(n);
      a.app.outbox.wake();
      b.app.outbox.wake();
    }
    await waitFor(() => new Set(posted()).size === PEOPLE.length * EACH, 30_000, 'every post');
    await quiet(a);
    await quiet(b);

    const twice = posted().filter((text, i, all) => all.indexOf(text) !== i);
    expect(twice).toEqual([]);
    expect(posted()).toHaveLength(PEOPLE.length * EACH);
    // Each conversation in order.
    for (const person of PEOPLE) {
      const mine = posted().filter((text) => text.startsWith(`skew ${person.id} `));
      expect(mine).toEqual(Array.from({ length: EACH }, (_, n) => `skew ${person.id} #${n}`));
    }
  }, 60_000);
});
