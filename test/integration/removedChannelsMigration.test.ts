import { describe, expect, it } from 'vitest';
import { lastStatementOf, scratchDatabases } from '../support/scratchDb.js';

/**
 * Migration 0024's backfill: the version before it kept the channels the app was removed from in memory, and marked
 * each post it held for one with `app_removed_from_channel`. Those channels are recorded at the upgrade, so their
 * posts go on waiting for the invite (or the re-check) instead of being tried once more; nothing else is.
 */

const withDatabase = scratchDatabases('removed-channels-migration-');
const BACKFILL = lastStatementOf('0024_removed_channels.sql');

describe('migration 0024: channels posts were held for stay removed', () => {
  it('records each channel a pending post was held for, since its earliest hold; admins told only of internal ones', () => {
    withDatabase((database) => {
      const sqlite = database.sqlite;
      const queued = sqlite.prepare(`
        INSERT INTO outbox (dedupe_key, channel_key, method, payload, audience, status, attempts, next_attempt_at,
          last_error, scheduled_at, created_at)
        VALUES (@key, @channel, 'chat.postMessage', '{}', @audience, @status, 1, 9000, @error, @scheduled, @created)`);
      const row = {
        audience: 'internal',
        status: 'pending',
        error: 'app_removed_from_channel',
        scheduled: null,
      };
      // An internal channel with two held posts; a partner channel with one.
      queued.run({ ...row, key: 'a', channel: 'C0ESCALATE', created: 2000, scheduled: 5000 });
      queued.run({ ...row, key: 'b', channel: 'C0ESCALATE', created: 3000 });
      queued.run({ ...row, key: 'c', channel: 'C0PARTNER', audience: 'partner', created: 4000 });
      // Not held for a removal: refused by Slack (seen again at delivery), delivered since, or waiting for no reason.
      queued.run({ ...row, key: 'd', channel: 'C0REFUSED', error: 'not_in_channel', created: 1000 });
      queued.run({ ...row, key: 'e', channel: 'C0BACK', status: 'delivered', created: 1000 });
      queued.run({ ...row, key: 'f', channel: 'C0FINE', error: null, created: 1000 });

      sqlite.exec('DELETE FROM removed_channels');
      sqlite.exec(BACKFILL);

      expect(
        sqlite
          .prepare(
            'SELECT channel_id AS channel, how, since, admins_told_at AS told FROM removed_channels ORDER BY channel_id',
          )
          .all(),
      ).toEqual([
        { channel: 'C0ESCALATE', how: 'held', since: 3000, told: 3000 },
        { channel: 'C0PARTNER', how: 'held', since: 4000, told: null },
      ]);
    });
  });
});
