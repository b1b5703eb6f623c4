import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HomeView } from '@slack/types';
import { inArray } from 'drizzle-orm';
import { appHomeView, HOME_LIMITS, type RevopsHome } from '../blocks/appHome.js';
import type { Db } from '../db/client.js';
import {
  findAwaitingAe,
  findDealsInProgress,
  findOwnedNeedingAttention,
  findSentBy,
} from '../db/repositories/handoffs.js';
import { decisions, type HandoffRow } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import type { Offer } from '../domain/lifecycle.js';
import type { WeekStats } from '../domain/metrics.js';
import type { BackgroundWork } from '../runtime/background.js';
import { DEFAULT_PERIOD, type Metrics, type PeriodKey } from './metrics.js';
import type { SlackFiles } from './slackFiles.js';

export interface HomeDeps {
  db: Db;
  metrics: Metrics;
  files: SlackFiles;
  /** The app's background work: a chart drawn after a computation is tracked, so a stop waits for it. */
  background?: Pick<BackgroundWork, 'track'>;
  /** RevOps and admins (by user id: the App Home is only opened by members of the installing workspace). */
  seesMetrics: (userId: string) => boolean;
  trendWeeks: number;
  /** The metrics' zone: the time of figures shown from an earlier computation. */
  timeZone: string;
  /** Admins see how many messages are parked. */
  parkedFor: (userId: string) => number | undefined;
  /** The buttons a person may use on a handoff now (the lifecycle's `can`). */
  offer: (userId: string, h: HandoffRow) => Offer;
}

/** A person's App Home, and, when it shows metrics still being computed, when to publish it again. */
export interface HomeTab {
  view: HomeView;
  /** Set when newer figures are due: call it once this tab is shown; publish again when it settles (never rejects). */
  refresh?: () => Promise<void>;
}

/** What a person's App Home shows, by role. */
export function createHome(deps: HomeDeps) {
  const { db } = deps;

  /**
   * Trend charts by the weeks they draw (one object per computation), drawn once: by the first tab that needs
   * them, or as soon as a computation comes in (below), so that opening the tab later waits for neither the drawing
   * nor the upload. Two opens at once share one drawing and one upload.
   */
  const charts = new WeakMap<WeekStats[], Promise<{ fileId: string; altText: string } | null>>();

  function chartFor(weeks: WeekStats[]): Promise<{ fileId: string; altText: string } | null> {
    let chart = charts.get(weeks);
    if (!chart) {
      chart = drawChart(weeks);
      charts.set(weeks, chart);
      // Not kept when it failed: the next tab tries again.
      chart.then(
        (drawn) => drawn ?? charts.delete(weeks),
        () => charts.delete(weeks),
      );
    }
    return chart;
  }

  async function drawChart(weeks: WeekStats[]): Promise<{ fileId: string; altText: string } | null> {
    // The chart renderer (echarts, resvg: about 50 MB) is loaded on first use: most people never see a chart.
    const { renderTrendChartInTurns, trendAltText } = await import('./charts.js');
    // Drawing starts on a turn of its own, not at the end of whatever ran before.
    await nextTurn();
    const altText = trendAltText(weeks);
    const fileId = await deps.files.imageFileId(await renderTrendChartInTurns(weeks), {
      filename: 'handoff-trend.png',
      title: 'Co-sell handoffs per week',
      altText,
    });
    return fileId ? { fileId, altText } : null;
  }

  deps.metrics.onComputed((weeks) => {
    // Drawn and uploaded after the computation: tracked, so a stop waits for it before the database closes.
    const drawing = chartFor(weeks).catch(() => null);
    deps.background?.track(drawing);
  });

  async function revopsSection(
    period: PeriodKey,
  ): Promise<{ revops: RevopsHome; refresh?: () => Promise<void> }> {
    const overview = await deps.metrics.overview(period);
    const base = { period, trendWeeks: deps.trendWeeks };
    if (overview.kind === 'computing') {
      return { revops: { ...base, metrics: null, chart: null }, refresh: overview.refresh };
    }
    const { metrics, weeks, refresh } = overview;
    const revops: RevopsHome = {
      ...base,
      metrics,
      chart: await chartFor(weeks),
      ...(overview.fromSnapshot
        ? { asOf: { at: overview.asOf, timeZone: deps.timeZone, updating: refresh !== undefined } }
        : {}),
    };
    return { revops, ...(refresh ? { refresh } : {}) };
  }

  async function viewFor(userId: string, period: PeriodKey = DEFAULT_PERIOD): Promise<HomeTab> {
    const sent = findSentBy(db, userId, HOME_LIMITS.sent + 1);
    const declined = sent.filter((h) => h.status === 'declined').map((h) => h.id);
    const reasons = new Map<number, DeclineReason>();
    if (declined.length > 0) {
      for (const d of db.select().from(decisions).where(inArray(decisions.handoffId, declined)).all()) {
        if (d.reasonCode) reasons.set(d.handoffId, d.reasonCode as DeclineReason);
      }
    }
    const metrics = deps.seesMetrics(userId) ? await revopsSection(period) : undefined;
    const view = appHomeView(
      {
        awaiting: findAwaitingAe(db, userId, HOME_LIMITS.awaiting),
        deals: findDealsInProgress(db, userId, HOME_LIMITS.deals),
        sent,
        owned: findOwnedNeedingAttention(db, userId, HOME_LIMITS.owned + 1),
        ...(metrics ? { revops: metrics.revops } : {}),
        parked: deps.parkedFor(userId),
        offer: (h) => deps.offer(userId, h),
      },
      reasons,
    );
    return { view, ...(metrics?.refresh ? { refresh: metrics.refresh } : {}) };
  }

  return { viewFor };
}

export type Home = ReturnType<typeof createHome>;
