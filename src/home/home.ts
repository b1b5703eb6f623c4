import type { HomeView } from '@slack/types';
import { appHomeView, HOME_LIMITS, type RevopsHome } from '../blocks/appHome.js';
import { REVIEW_ITEMS_SHOWN } from '../blocks/attributionItems.js';
import type { ProgramModel } from '../blocks/programPages.js';
import type { Db } from '../db/client.js';
import { openReviews } from '../db/repositories/attributionReviews.js';
import {
  findAwaitingAe,
  findDealsInProgress,
  findDecisionsOf,
  findOwnedNeedingAttention,
  findSentBy,
  findWonBy,
} from '../db/repositories/handoffLists.js';
import { pendingReportsOf } from '../db/repositories/outcomeReports.js';
import { questionsWaitingFor } from '../db/repositories/questions.js';
import type { HandoffRow } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import { aeDeclined, type Offer } from '../domain/lifecycle.js';
import type { MoneyFigures } from '../domain/moneyFigures.js';
import type { OwnDays } from '../domain/ownDays.js';
import { DEFAULT_PERIOD, type PeriodKey, periodOf } from '../domain/periods.js';
import type { Metrics } from '../revops/metrics.js';

export interface HomeDeps {
  db: Db;
  metrics: Metrics;
  /** RevOps and admins (by user id: the App Home is only opened by members of the installing workspace). */
  seesMetrics: (userId: string) => boolean;
  trendWeeks: number;
  /** The metrics' zone: the time of figures shown from an earlier computation. */
  timeZone: string;
  /** Admins see how many messages are parked. */
  parkedFor: (userId: string) => Promise<number | undefined>;
  /** The buttons a person may use on a handoff now (the lifecycle's `can`). */
  offer: (userId: string, h: HandoffRow) => Offer;
  now: () => Date;
  /** The person's own days (undefined: not one of ours, no "Your days"). */
  ownDays?: (userId: string) => Promise<OwnDays | undefined>;
  /** The program's pages the person may open (undefined: none). */
  program?: (userId: string) => Promise<ProgramModel | undefined>;
  /** RevOps in money: undefined when no CRM is connected. */
  money?: (period: { from: Date; to: Date }) => Promise<MoneyFigures | undefined>;
}

/** A decline stays in its owner's "need you" list this long (they may give it to another AE, or leave it). */
const DECLINED_LISTED_MS = 14 * 86_400_000;

/** A person's App Home, and, when it shows metrics still being computed, when to publish it again. */
export interface HomeTab {
  view: HomeView;
  /** Set when newer figures are due: call it once this tab is shown; publish again when it settles (never rejects). */
  refresh?: () => Promise<void>;
}

/** What a person's App Home shows, by role. */
export function createHome(deps: HomeDeps) {
  const { db } = deps;

  async function revopsSection(
    period: PeriodKey,
  ): Promise<{ revops: RevopsHome; refresh?: () => Promise<void> }> {
    const overview = await deps.metrics.overview(period);
    const base = { period, trendWeeks: deps.trendWeeks };
    if (overview.kind === 'computing') {
      return { revops: { ...base, metrics: null, trend: [] }, refresh: overview.refresh };
    }
    const { metrics, weeks, refresh } = overview;
    const money = await deps.money?.(periodOf(period, deps.now(), deps.timeZone));
    const revops: RevopsHome = {
      ...base,
      ...(money ? { money: { figures: money, timeZone: deps.timeZone } } : {}),
      metrics,
      trend: weeks,
      ...(overview.fromSnapshot
        ? { asOf: { at: overview.asOf, timeZone: deps.timeZone, updating: refresh !== undefined } }
        : {}),
    };
    return { revops, ...(refresh ? { refresh } : {}) };
  }

  async function viewFor(userId: string, period: PeriodKey = DEFAULT_PERIOD): Promise<HomeTab> {
    const sent = await findSentBy(db, userId, HOME_LIMITS.sent + 1);
    const declined = sent.filter((h) => aeDeclined(h.status)).map((h) => h.id);
    const reasons = new Map<number, DeclineReason>();
    for (const d of await findDecisionsOf(db, declined)) {
      if (d.reasonCode) reasons.set(d.handoffId, d.reasonCode as DeclineReason);
    }
    const metrics = deps.seesMetrics(userId) ? await revopsSection(period) : undefined;
    // "Review attribution": whoever sees the metrics (RevOps and admins) may decide the items.
    const reviews = metrics ? await openReviews(db, REVIEW_ITEMS_SHOWN) : undefined;
    const awaiting = await findAwaitingAe(db, userId, HOME_LIMITS.awaiting);
    const deals = await findDealsInProgress(db, userId, HOME_LIMITS.deals);
    const won = await findWonBy(db, userId, HOME_LIMITS.won + 1);
    const reports = await pendingReportsOf(
      db,
      deals.map((h) => h.id),
    );
    const owned = await findOwnedNeedingAttention(
      db,
      userId,
      HOME_LIMITS.owned + 1,
      new Date(deps.now().getTime() - DECLINED_LISTED_MS),
    );
    const questions = await questionsWaitingFor(db, userId, HOME_LIMITS.questions);
    const parked = await deps.parkedFor(userId);
    const ownDays = await deps.ownDays?.(userId);
    const program = await deps.program?.(userId);
    const view = appHomeView(
      {
        awaiting,
        deals,
        won,
        sent,
        owned,
        ...(metrics ? { revops: metrics.revops } : {}),
        parked,
        offer: (h) => deps.offer(userId, h),
        reports,
        reader: userId,
        questions,
        now: deps.now(),
        ...(ownDays ? { ownDays } : {}),
        ...(program ? { program } : {}),
        ...(reviews ? { reviews } : {}),
      },
      reasons,
    );
    return { view, ...(metrics?.refresh ? { refresh: metrics.refresh } : {}) };
  }

  return { viewFor };
}

export type Home = ReturnType<typeof createHome>;
