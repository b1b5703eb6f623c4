import type { KnownBlock } from '@slack/types';
import type { AtRisk } from '../db/repositories/handoffs.js';
import type { HandoffRow } from '../db/schema.js';
import type { Away } from '../domain/absence.js';
import type { Stats } from '../domain/metrics.js';
import type { MoneyFigures } from '../domain/moneyFigures.js';
import type { ScoreCheck } from '../domain/scoreOutcomes.js';
import { dueOrPaused } from './asks.js';
import { afterAcceptSection, chartImage, chartMissing, headline, percent } from './metrics.js';
import { moneyBlocks } from './money.js';
import { counted, mention, slackDate, userText } from './mrkdwn.js';
import { context, handoffTitle, pt, section } from './parts.js';
import { scoreCheckDigestBlocks } from './scoreCheck.js';
import { backDay } from './windowNotices.js';

const AT_RISK_SHOWN = 8;

const SECTION_MAX = 3000;
const MORE = '_…and more: see the App Home or the CSV export._';

/** As many whole lines as fit in one section (Slack: 3000 characters), then a note that more exist. */
function riskList(title: string, rows: readonly HandoffRow[], line: (h: HandoffRow) => string): KnownBlock {
  if (rows.length === 0) return section(`*${title}*\nNone.`);
  let text = `*${title}*`;
  let shown = 0;
  for (const h of rows.slice(0, AT_RISK_SHOWN)) {
    const next = `\n• ${line(h)}`;
    if (text.length + next.length + MORE.length + 1 > SECTION_MAX) break;
    text += next;
    shown += 1;
  }
  return section(shown < rows.length ? `${text}\n${MORE}` : text);
}

/** ", away (back Wed 9 Dec, their time)": an AE of an at-risk line who is away now, said so. */
function awayNote(h: HandoffRow, away: ReadonlyMap<string, Away> | undefined): string {
  const absence = away?.get(h.aeUserId);
  if (!absence) return '';
  const why = absence.days ? `days away they gave: ${absence.days}` : userText(absence.status, 60);
  return absence.until
    ? `, *away until ${backDay(absence.until, h.aeTimeZone)}* (${why})`
    : `, *away* (${why})`;
}

/** The weekly digest for RevOps and leaders: headline numbers, the trend, and what is at risk now. Internal. */
export function weeklyDigest(opts: {
  /** The AEs of the at-risk lists away now (their days away, their status), by id. */
  away?: ReadonlyMap<string, Away>;
  weekLabel: string;
  stats: Stats;
  previous: Stats;
  chart: { fileId: string; altText: string } | null;
  trendWeeks: number;
  atRisk: AtRisk;
  /** The week in money, when a CRM is connected: after the at-risk lists. */
  money?: { figures: MoneyFigures; timeZone: string };
  /** The first digest of a month: last month's score against outcomes, after the lists. */
  scoreCheck?: { check: ScoreCheck; monthLabel: string };
}): { text: string; blocks: KnownBlock[] } {
  const { stats, previous, atRisk } = opts;
  const blocks: KnownBlock[] = [
    { type: 'header', text: pt(`Co-sell handoffs: week of ${opts.weekLabel}`) },
    headline(stats),
    context(
      `The week before: ${counted(previous.sent, 'handoff')} sent; ${previous.accepted} accepted, ${previous.declined} declined, ${previous.expired} expired of ${counted(previous.windowsClosed, 'AE window')} closed; acceptance ${percent(previous.acceptanceRate)} of answers, silence ${percent(previous.silenceRate)} of windows.`,
    ),
    afterAcceptSection(stats),
    opts.chart
      ? chartImage(opts.chart.fileId, opts.chart.altText, `The last ${counted(opts.trendWeeks, 'week')}`)
      : chartMissing(),
    { type: 'divider' },
    riskList(
      'Due within a day, no answer yet',
      atRisk.dueSoon,
      (h) =>
        `${handoffTitle(h)}: ${mention(h.aeUserId)}${awayNote(h, opts.away)}, ${dueOrPaused(h, undefined, slackDate(h.dueAt, h.aeTimeZone)).replace(/^answer due/, 'due')}`,
    ),
    riskList(
      'Expired without an answer, not yet recovered',
      atRisk.unanswered,
      (h) => `${handoffTitle(h)}: was with ${mention(h.aeUserId)}; owner ${mention(h.ownerUserId)}`,
    ),
    riskList(
      'Accepted deals gone quiet',
      atRisk.stalled,
      (h) =>
        `${handoffTitle(h)}: ${mention(h.aeUserId)}${awayNote(h, opts.away)}, last update ${h.lastActivityAt ? slackDate(h.lastActivityAt, h.aeTimeZone) : 'never'}`,
    ),
  ];
  if (opts.money) blocks.push({ type: 'divider' }, ...moneyBlocks(opts.money.figures, opts.money.timeZone));
  if (opts.scoreCheck)
    blocks.push(
      { type: 'divider' },
      ...scoreCheckDigestBlocks(opts.scoreCheck.check, opts.scoreCheck.monthLabel),
    );
  const text = `Co-sell handoffs, week of ${opts.weekLabel}: ${counted(stats.sent, 'handoff')} sent; ${stats.accepted} of ${counted(stats.accepted + stats.declined, 'answer')} accepted (${percent(stats.acceptanceRate)}); ${stats.expired} of ${counted(stats.windowsClosed, 'AE window')} expired (${percent(stats.silenceRate)}); ${atRisk.dueSoon.length + atRisk.unanswered.length + atRisk.stalled.length} at risk.`;
  return { text, blocks };
}
