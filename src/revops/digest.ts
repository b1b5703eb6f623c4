import type { DateTime } from 'luxon';
import { weeklyDigest } from '../blocks/digest.js';
import type { Clock } from '../clock.js';
import type { SlackFiles } from '../core/slackFiles.js';
import type { Db } from '../db/client.js';
import { inUseBefore } from '../db/repositories/digest.js';
import type { AtRisk } from '../db/repositories/handoffs.js';
import { enqueue, isQueued } from '../db/repositories/outbox.js';
import type { Away } from '../domain/absence.js';
import { weekStartOf } from '../domain/metrics.js';
import type { MoneyFigures } from '../domain/moneyFigures.js';
import type { ScoreCheck } from '../domain/scoreOutcomes.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

export interface DigestDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  files: SlackFiles;
  /** Where the digest goes (read at run time: the start-up check may have turned it off). */
  channelId: () => string | undefined;
  timeZone: string;
  trendWeeks: number;
  onOutboxWrite: () => void;
  /** Whether an AE is away now (their days away, their status): the at-risk lists say so. */
  absenceOf?: (aeUserId: string, timeZone: string) => Promise<Away | undefined>;
  /** The period in money: undefined when no CRM is connected. */
  money?: (period: { from: Date; to: Date }) => Promise<MoneyFigures | undefined>;
  /** The score against outcomes over the handoffs sent in [from, to): the month's lines, monthly. */
  scoreCheck?: (from: Date, to: Date) => Promise<ScoreCheck>;
  /**
   * The company's next working moment at or after a time (its zone's hours, working days and closure days): a digest
   * due while the company is closed is held until then. Undefined: it goes at its slot.
   */
  companyOpenAt?: (at: Date) => Date;
}

/** The AEs of the at-risk lists who are away now, by id: each asked once. */
async function awayAes(deps: DigestDeps, atRisk: AtRisk): Promise<Map<string, Away>> {
  const away = new Map<string, Away>();
  const absenceOf = deps.absenceOf;
  if (!absenceOf) return away;
  const aes = new Map([...atRisk.dueSoon, ...atRisk.stalled].map((h) => [h.aeUserId, h.aeTimeZone]));
  for (const [ae, zone] of aes) {
    const absence = await absenceOf(ae, zone);
    if (absence) away.set(ae, absence);
  }
  return away;
}

/**
 * Last month's score against outcomes, for the first weekly digest of a month (the one whose week ends on the month's
 * first Monday, in the digest's zone): the handoffs sent in the month before that Monday's month. Undefined otherwise.
 */
async function monthlyScoreCheck(deps: DigestDeps, weekEnd: DateTime) {
  if (!deps.scoreCheck || weekEnd.day > 7) return undefined;
  const monthEnd = weekEnd.startOf('month');
  const monthStart = monthEnd.minus({ months: 1 });
  const check = await deps.scoreCheck(monthStart.toJSDate(), monthEnd.toJSDate());
  return { check, monthLabel: monthStart.setLocale('en-US').toFormat('LLLL yyyy') };
}

export type DigestResult =
  | 'posted'
  | 'already_posted'
  | 'not_configured'
  | 'not_in_use_then'
  /** Its slot came while the company was closed: `postHeld` posts it at the company's next working moment. */
  | 'held'
  /** `postHeld` found no held digest to post. */
  | 'none_held';

/** The digest of the week [weekStart, weekEnd): its figures, the trend chart (shared into the channel), what is at risk now. */
async function digestMessage(deps: DigestDeps, weekStart: DateTime, weekEnd: DateTime, channelId: string) {
  const weekLabel = weekStart.toISODate() ?? '';
  const to = weekEnd.toJSDate();
  const stats = (await deps.metrics.program(weekStart.toJSDate(), to)).overall;
  const previous = (
    await deps.metrics.program(weekStart.minus({ weeks: 1 }).toJSDate(), weekStart.toJSDate())
  ).overall;
  const weeks = await deps.metrics.trend(to);
  // The chart renderer (echarts, resvg: about 50 MB) is loaded on first use: most people never see a chart.
  const { renderTrendChartInTurns, trendAltText } = await import('./charts.js');
  const altText = trendAltText(weeks);
  // Shared into the digest's channel before the post names it: Slack shows a `slack_file` image only to people who
  // can see the file, and a file uploaded without a channel is private to the app (refused as invalid_blocks).
  const fileId = await deps.files.imageFileId(await renderTrendChartInTurns(weeks), {
    channelId,
    filename: `handoff-trend-${weekLabel}.png`,
    title: 'Co-sell handoffs per week',
    altText,
    comment: `:chart_with_upwards_trend: The trend chart of the weekly co-sell handoff digest (the last ${deps.trendWeeks} weeks).`,
  });
  // What is at risk now, also when a catch-up posts the digest of a slot that passed while the app was down.
  const atRisk = await deps.metrics.atRisk(deps.clock.now());
  const away = await awayAes(deps, atRisk);
  const scoreCheck = await monthlyScoreCheck(deps, weekEnd);
  const money = await deps.money?.({ from: weekStart.toJSDate(), to });
  const message = weeklyDigest({
    away,
    weekLabel,
    stats,
    previous,
    chart: fileId ? { fileId, altText } : null,
    trendWeeks: deps.trendWeeks,
    atRisk,
    ...(scoreCheck ? { scoreCheck } : {}),
    ...(money ? { money: { figures: money, timeZone: deps.timeZone } } : {}),
  });
  return { message, chart: Boolean(fileId) };
}

/**
 * The weekly digest: the last complete week (Monday to Monday in the reporting timezone), the trend up to it and
 * the handoffs at risk now. One per week: its outbox key is the week, so a rerun or a restart posts nothing twice.
 */
export function createDigest(deps: DigestDeps) {
  const { db, clock, logger } = deps;
  const closedAt = (at: Date) =>
    deps.companyOpenAt !== undefined && deps.companyOpenAt(at).getTime() > at.getTime();
  const dedupeKeyOf = (weekStart: DateTime) => `digest:${weekStart.toISODate() ?? ''}`;

  /** The digest of the week before `now`'s, unless it was posted, or (held) the company is closed now. */
  async function post(now = clock.now()): Promise<DigestResult> {
    const channelId = deps.channelId();
    if (!channelId) return 'not_configured';
    const weekEnd = weekStartOf(now, deps.timeZone);
    const weekStart = weekEnd.minus({ weeks: 1 });
    const weekLabel = weekStart.toISODate() ?? '';
    const dedupeKey = dedupeKeyOf(weekStart);
    if (await isQueued(db, dedupeKey)) return 'already_posted';
    if (closedAt(clock.now())) return 'held';
    const { message, chart } = await digestMessage(deps, weekStart, weekEnd, channelId);
    const queuedAt = clock.now();
    await db.transaction((tx) =>
      enqueue(
        tx,
        [
          {
            method: 'chat.postMessage',
            dedupeKey,
            channel: channelId,
            payload: { ...message, unfurl_links: false, unfurl_media: false },
          },
        ],
        queuedAt,
      ),
    );
    logger.info({ week: weekLabel, channelId, chart }, 'weekly digest queued');
    deps.onOutboxWrite();
    return 'posted';
  }

  /**
   * At start, for a slot that passed while the app was down: posts that week's digest unless it was posted, or unless
   * the app was not in use yet at the slot (nothing in the touch log or help requests before it: a fresh install
   * does not open with the digest of a week before it existed).
   */
  async function catchUp(slot: Date): Promise<DigestResult> {
    if (!(await inUseBefore(db, slot))) {
      logger.info({ slot }, 'weekly digest not caught up: the app was not in use yet at its slot');
      return 'not_in_use_then';
    }
    return post(slot);
  }

  /**
   * Whether the digest of the latest slot (`latestSlot(now)`: its schedule's, within the week) was held because the
   * company was closed then, and may go now: not posted yet, the company open now, and the app in use at its slot.
   */
  async function heldDue(latestSlot: (now: Date) => Date | undefined): Promise<boolean> {
    const now = clock.now();
    const slot = latestSlot(now);
    if (!slot || !closedAt(slot) || closedAt(now)) return false;
    if (await isQueued(db, dedupeKeyOf(weekStartOf(slot, deps.timeZone).minus({ weeks: 1 })))) return false;
    return inUseBefore(db, slot);
  }

  /** Posts the held digest of the latest slot, when `heldDue` says it may go. */
  async function postHeld(latestSlot: (now: Date) => Date | undefined): Promise<DigestResult> {
    const slot = latestSlot(clock.now());
    return slot && (await heldDue(() => slot)) ? post(slot) : 'none_held';
  }

  return { post, catchUp, heldDue, postHeld };
}

export type Digest = ReturnType<typeof createDigest>;
