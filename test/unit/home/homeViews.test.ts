import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { queueHomes } from '../../../src/db/repositories/homeViews.js';
import type { HomeTab } from '../../../src/home/home.js';
import { createHomeViews } from '../../../src/home/homeViews.js';
import { createLogger } from '../../../src/logger.js';
import { createBackgroundWork } from '../../../src/runtime/background.js';
import { TestClock } from '../../support/clock.js';
import { scratchDatabases } from '../../support/scratchDb.js';

/** Which App Home each person was shown, and the republishes after changes it queues (on the app's clock). */

const withDatabase = scratchDatabases('home-views-');
const view = { type: 'home' as const, blocks: [] };

function setup(database: AppDatabase, tab: () => HomeTab = () => ({ view })) {
  const clock = new TestClock(new Date('2025-03-03T09:00:00Z'));
  const background = createBackgroundWork(
    createLogger('warn', new Writable({ write: (_c, _e, done) => done() })),
  );
  let wakes = 0;
  const db = firstInstallationOf(database.db);
  const views = createHomeViews({
    db,
    clock,
    viewFor: async () => tab(),
    seesMetrics: (userId) => userId === 'URO',
    background,
    onOutboxWrite: () => {
      wakes += 1;
    },
  });
  const queued = () =>
    (
      database.sqlite.prepare('select dedupe_key as key from outbox order by id').all() as { key: string }[]
    ).map((row) => row.key);
  return { db, clock, background, views, queued, wakes: () => wakes };
}

describe('createHomeViews', () => {
  it('publishes again at once when a change came in while the tab was rendered, keyed by the app clock', () =>
    withDatabase(async (database) => {
      const { db, clock, views, queued, wakes } = setup(database);
      const asked = await views.asked('UAE');
      expect(asked).toBe(0);
      // A handoff of theirs changed between the read and the publish.
      await db.transaction((tx) => queueHomes(tx, ['UAE'], 'change-1', clock.now()));
      // That republish went out before this publish (it showed the tab as it was then).
      database.sqlite.prepare(`update outbox set status = 'delivered'`).run();
      const before = queued().length;
      clock.advance(5_000);
      await views.shown('UAE', 'hash-1', undefined, asked);
      expect(queued().slice(before)).toEqual([`home:UAE:caught-up:${clock.now().getTime()}:0`]);
      expect(wakes()).toBe(1);
    }));

  it('queues nothing when the tab shown was up to date, or when nothing was asked', () =>
    withDatabase(async (database) => {
      const { views, queued, wakes } = setup(database);
      const asked = await views.asked('UAE');
      await views.shown('UAE', 'hash-1', undefined, asked);
      await views.shown('UAE', 'hash-2');
      expect(queued()).toEqual([]);
      expect(wakes()).toBe(0);
    }));

  it('renders a queued republish with the hash last published, and none for a Home never opened', () =>
    withDatabase(async (database) => {
      const { views } = setup(database);
      expect(await views.renderer.render('UNEVER')).toBeUndefined();
      await views.shown('UAE', 'hash-1', undefined, await views.asked('UAE'));
      expect(await views.renderer.render('UAE')).toEqual({ view, hash: 'hash-1', version: 0 });
    }));

  it('a tab whose figures are still computing is published again when they are ready', () =>
    withDatabase(async (database) => {
      let ready: () => void = () => undefined;
      const refresh = () =>
        new Promise<void>((resolve) => {
          ready = resolve;
        });
      const { clock, background, views, queued } = setup(database, () => ({ view, refresh }));
      await views.shown('URO', 'hash-1', undefined, await views.asked('URO'));
      await views.renderer.render('URO');
      expect(queued()).toEqual([]);
      clock.advance(60_000);
      ready();
      await background.drain();
      expect(queued()).toEqual([`home:URO:refresh:${clock.now().getTime()}`]);
    }));
});
