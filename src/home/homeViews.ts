import type { HomeView } from '@slack/types';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  findHomeView,
  homeOpening,
  queueHomes,
  recordHomeView,
  rememberHomeHash,
} from '../db/repositories/homeViews.js';
import type { PeriodKey } from '../domain/periods.js';
import type { BackgroundWork } from '../runtime/background.js';
import type { HomeTab } from './home.js';

/**
 * Renders a person's App Home for a republish, with the hash of the view they were last published: what the outbox's
 * Home publisher asks (outbox/kinds/homePublish.ts).
 */
export interface HomeRenderer {
  /** The Home as it is now, the hash of the view last published, and the change count it shows. */
  render(userId: string): Promise<{ view: HomeView; hash: string | null; version: number } | undefined>;
  /** Records the published view's hash (null: forget it); true when a change came in meanwhile. */
  published(userId: string, hash: string | null, version?: number): Promise<boolean>;
}

export interface HomeViewsDeps {
  db: Db;
  clock: Clock;
  /** The App Home for a user, as of now (home/home.ts). */
  viewFor: (userId: string, period?: PeriodKey) => Promise<HomeTab>;
  /** Whose App Home shows program metrics (domain/permissions.ts). */
  seesMetrics: (userId: string) => boolean;
  background: BackgroundWork;
  onOutboxWrite: () => void;
}

/**
 * Which App Home each person was shown, and its republishes after changes: the change count a Home was asked to
 * show, the hash of the view last published (a later publish passes it), and the renderer the outbox calls when a
 * queued republish is sent.
 */
export function createHomeViews(deps: HomeViewsDeps) {
  const { db, clock } = deps;
  const queue = async (userId: string, token: string): Promise<void> => {
    const now = clock.now();
    await db.transaction((tx) => queueHomes(tx, [userId], token, now));
    deps.onOutboxWrite();
  };

  /** How many changes this person's Home has been asked to show (0 if never opened): read before rendering it. */
  const asked = (userId: string): Promise<number> => {
    const metrics = deps.seesMetrics(userId);
    const now = clock.now();
    return db.transaction((tx) => homeOpening(tx, userId, metrics, now));
  };

  /** A Home was published: remembered, and published again at once if a change came in after `askedAt`. */
  const shown = async (
    userId: string,
    hash: string | null,
    period?: PeriodKey,
    askedAt?: number,
  ): Promise<void> => {
    // One transaction: no change can come in between remembering the view and looking for a newer change.
    const caughtUp = await db.transaction(async (tx) => {
      await recordHomeView(tx, {
        userId,
        hash,
        period: period ?? null,
        metrics: deps.seesMetrics(userId),
        now: clock.now(),
      });
      // A change landed while this tab was rendered: publish the newer state (queued, rendered when sent).
      if (askedAt === undefined || ((await findHomeView(tx, userId))?.wanted ?? 0) <= askedAt) return false;
      await queueHomes(tx, [userId], `caught-up:${clock.now().getTime()}:${askedAt}`, clock.now());
      return true;
    });
    if (caughtUp) deps.onOutboxWrite();
  };

  /** App Home republishes after changes: rendered when sent, with the hash of the view last published. */
  const renderer: HomeRenderer = {
    async render(userId) {
      const seen = await findHomeView(db, userId);
      if (!seen) return undefined;
      const tab = await deps.viewFor(userId, (seen.period as PeriodKey | null) ?? undefined);
      if (tab.refresh) {
        // Newer figures are being computed: published again when they are ready, as the tab promises.
        const refresh = tab.refresh;
        deps.background.track(refresh().then(() => queue(userId, `refresh:${clock.now().getTime()}`)));
      }
      return { view: tab.view, hash: seen.hash, version: seen.wanted };
    },
    published: async (userId, hash, version) =>
      (await db.transaction((tx) => rememberHomeHash(tx, userId, hash, version))).behind,
  };

  return { asked, shown, renderer };
}

export type HomeViews = ReturnType<typeof createHomeViews>;
