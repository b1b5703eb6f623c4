import { describe, expect, it } from 'vitest';
import { ownedBy } from '../../src/db/owned.js';
import { openPostgresDatabase } from '../../src/db/pg/store.js';
import { enqueue } from '../../src/db/repositories/outbox.js';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { startHarness, waitFor } from '../support/harness.js';
import { harnessEngine } from '../support/harnessEngine.js';
import { QUIET } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * Rows another process queued reach Slack as they commit, not at the next poll (issue 56: the outbox's bell,
 * db/pg/bell.ts). Two replicas poll once a minute (OUTBOX_POLL_INTERVAL_MS' most); a third writer (a connection of the
 * test's own, as a command-line tool's would be) queues posts, which wakes neither app by its own commit: only the
 * bell can, rung by the outbox's trigger. SQLite has no such case (its file is locked to one process).
 */

const SLOW_POLL = { ...QUIET, OUTBOX_POLL_INTERVAL_MS: '60000' };

describe.runIf(harnessEngine() === 'postgres')('the outbox bell across replicas', () => {
  const stops = stopsAfterEach();

  it('delivers posts a third process queued at their commit, with both replicas polling once a minute', async () => {
    const a = await startHarness({ env: SLOW_POLL });
    stops.push(async () => {
      await a.stop({ keepDatabase: true });
      await a.slack.stop();
    });
    const b = await startHarness({ env: SLOW_POLL, slack: a.slack, databasePath: a.databaseKey });
    stops.push(() => b.stop({ keepDatabase: true }));
    const texts = () => a.slack.callsTo('chat.postMessage').map((call) => String(call.args.text));
    // Both started (each looked once at its start) and listen; the poll's next look is a minute away.
    await waitFor(async () => (await b.app.outbox.dueNow()) === 0, 8000, 'both started');
    // A command-line tool's connection (not the app's: the trigger rings for it).
    const tool = await openPostgresDatabase(a.databaseKey, { max: 1 });
    stops.push(() => tool.close());
    for (const n of [1, 2, 3]) {
      await ownedBy(tool.db, a.database.db.installationId).transaction((tx) =>
        enqueue(
          tx,
          [
            {
              method: 'chat.postMessage',
              dedupeKey: `bell:${n}`,
              channel: people.ae.id,
              payload: { text: `rung ${n}` },
            },
          ],
          a.clock.now(),
        ),
      );
      await waitFor(() => texts().includes(`rung ${n}`), 8000, `post ${n}`);
    }
    expect(texts().filter((text) => text.startsWith('rung '))).toEqual(['rung 1', 'rung 2', 'rung 3']);
  }, 30_000);
});
