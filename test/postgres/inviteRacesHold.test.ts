import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_REMOVED, createChannelAccess } from '../../src/core/channelAccess.js';
import { tablesOf } from '../../src/db/engine.js';
import { firstInstallationOf, ownRow } from '../../src/db/owned.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { markRetry } from '../../src/db/repositories/outboxAttempts.js';
import { insertRemovedChannel } from '../../src/db/repositories/removedChannels.js';
import { createLogger } from '../../src/logger.js';
import { TestClock } from '../support/clock.js';
import { createDatabase } from '../support/postgres.js';
import { gate, until, waitingForLocks } from './interleave.js';

/**
 * The app is invited back into a channel while the outbox holds one of its posts (decided on a read from before the
 * invite): on Postgres the two transactions run side by side. The invite must leave the post due with no attempt
 * counted, whichever commits first (a count kept would park the post one refusal early). Here the hold has written
 * its row and not committed when the invite starts: the invite's wake waits for it, and its forgetting then sees it.
 */

const AT = new Date('2026-11-23T14:00:00Z');
const CHANNEL = 'C0HELP';

let databases = 0;

describe('the invite racing a hold on Postgres', () => {
  let database: PostgresDatabase;
  let held = gate();
  beforeEach(async () => {
    held = gate();
    databases += 1;
    database = await openPostgresDatabase(await createDatabase(`invite_hold_${databases}`), { max: 4 });
  });
  afterEach(async () => {
    held.open();
    await database.close();
  });

  it('leaves the post due now with no attempt counted when the hold commits while the invite waits for it', async () => {
    const db = firstInstallationOf(database.db);
    const clock = new TestClock(AT);
    const { outbox } = tablesOf(db);
    await db.transaction(async (tx) => {
      await insertRemovedChannel(tx, { channelId: CHANNEL, how: 'event', since: AT });
      await tx.insert(tablesOf(tx).outbox).values(
        ownRow(tx, {
          dedupeKey: 'help:1:post',
          channelKey: CHANNEL,
          method: 'chat.postMessage',
          payload: { channel: CHANNEL, text: 'help' },
          status: 'pending' as const,
          attempts: 0,
          nextAttemptAt: AT,
          createdAt: AT,
        }),
      );
    });
    // The worker read the post before the invite, and decided to hold it (the app was not in the channel).
    const [read] = await db.select().from(outbox);
    if (!read) throw new Error('no row');
    const written = gate();
    const hold = db.transaction(async (tx) => {
      const changed = await markRetry(tx, read, {
        now: AT,
        nextAttemptAt: new Date(AT.getTime() + 1000),
        error: APP_REMOVED,
        unlessWoken: true,
      });
      written.open();
      await held.wait;
      return changed;
    });
    await written.wait;

    const access = createChannelAccess({
      db,
      clock,
      logger: createLogger('silent'),
      directory: { lookupChannel: async () => undefined },
      internalSources: () => [],
      adminUserIds: [],
      timeZone: 'UTC',
      onOutboxWrite: () => {},
    });
    clock.advance(5000);
    const invite = access.joined(CHANNEL);
    // The invite's wake waits for the hold's row lock.
    await until(async () => (await waitingForLocks(database.pool)) === 1);
    held.open();
    expect(await hold).toBe(1);
    expect(await invite).toBe(1);

    const [after] = await db.select().from(outbox).where(eq(outbox.id, read.id));
    expect(after).toMatchObject({
      status: 'pending',
      attempts: 0,
      lastError: null,
      nextAttemptAt: clock.now(),
    });
  });
});
