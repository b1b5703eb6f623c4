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
import { decisions } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import { DEFAULT_PERIOD, type Metrics, type PeriodKey } from './metrics.js';
import type { SlackFiles } from './slackFiles.js';

export interface HomeDeps {
  db: Db;
  metrics: Metrics;
  files: SlackFiles;
  /** RevOps and admins (by user id: the App Home is only opened by members of the installing workspace). */
  seesMetrics: (userId: string) => boolean;
  trendWeeks: number;
  /** Admins see how many messages are parked. */
  parkedFor: (userId: string) => number | undefined;
}

/** What a person's App Home shows, by role. */
export function createHome(deps: HomeDeps) {
  const { db } = deps;

  async function revopsSection(period: PeriodKey): Promise<RevopsHome> {
    const { metrics, weeks } = await deps.metrics.overview(period);
    // The chart renderer (echarts, resvg: about 50 MB) is loaded on first use: most people never see a chart.
    const { renderTrendChart, trendAltText } = await import('./charts.js');
    const altText = trendAltText(weeks);
    const fileId = await deps.files.imageFileId(renderTrendChart(weeks), {
      filename: 'handoff-trend.png',
      title: 'Co-sell handoffs per week',
      altText,
    });
    return { period, metrics, chart: fileId ? { fileId, altText } : null, trendWeeks: deps.trendWeeks };
  }

  async function viewFor(userId: string, period: PeriodKey = DEFAULT_PERIOD): Promise<HomeView> {
    const sent = findSentBy(db, userId, HOME_LIMITS.sent + 1);
    const declined = sent.filter((h) => h.status === 'declined').map((h) => h.id);
    const reasons = new Map<number, DeclineReason>();
    if (declined.length > 0) {
      for (const d of db.select().from(decisions).where(inArray(decisions.handoffId, declined)).all()) {
        if (d.reasonCode) reasons.set(d.handoffId, d.reasonCode as DeclineReason);
      }
    }
    return appHomeView(
      {
        awaiting: findAwaitingAe(db, userId, HOME_LIMITS.awaiting),
        deals: findDealsInProgress(db, userId, HOME_LIMITS.deals),
        sent,
        owned: findOwnedNeedingAttention(db, userId, HOME_LIMITS.owned + 1),
        ...(deps.seesMetrics(userId) ? { revops: await revopsSection(period) } : {}),
        parked: deps.parkedFor(userId),
      },
      reasons,
    );
  }

  return { viewFor };
}

export type Home = ReturnType<typeof createHome>;
