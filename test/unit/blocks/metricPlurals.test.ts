import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/blocks/metrics.js';
import { exportReplies, parkedReplies } from '../../../src/blocks/revopsReplies.js';
import { DEFAULT_PERIOD } from '../../../src/domain/periods.js';
import { trendAltText } from '../../../src/revops/charts.js';
import { outcomeCounts, stats } from '../../support/metricsFixtures.js';
import { week } from '../../support/unitdomain-weeks.js';
import { digestOf, homeView } from './unitdomain-views.js';

/**
 * Every count the RevOps Home, the digest and the chart's alt text write, at 0, 1 and 2: singular for one, plural
 * otherwise ("(1 answers)", "1 meetings", "of 1 AE windows closed", "1 more … are not counted").
 */
const texts = (value: unknown): string => JSON.stringify(value).replaceAll('\\n', '\n');

describe.each([0, 1, 2])('the metric texts with counts of %i', (n) => {
  const s = n === 1 ? '' : 's';
  // Every count at n: n answers (all accepted), n windows closed (none expired), n accepting AEs, n away expiries.
  const figures = stats({
    sent: n,
    requests: n,
    accepted: n,
    answered: n,
    windowsClosed: n,
    expiredAway: n,
    acceptingAes: n,
    helpRequests: n,
    outcomes: { sourced: outcomeCounts(n), influenced: outcomeCounts(n) },
  });

  it('the headline', () => {
    const shown = texts(headline(figures));
    expect(shown).toContain(`(${n} answer${s})`);
    expect(shown).toMatch(new RegExp(`${n} of ${n}( \\(\\d+%\\))? answer${s}\\b`));
    expect(shown).toMatch(new RegExp(`0 of ${n}( \\(\\d+%\\))? window${s}\\b`));
    expect(shown).toMatch(new RegExp(`0 of ${n}( \\(\\d+%\\))? accepting AE${s}\\b`));
    expect(shown).toContain(`${n} meeting${s}, ${n} opportunit${n === 1 ? 'y' : 'ies'}, ${n} won, ${n} lost`);
    if (n > 0)
      expect(shown).toContain(
        `${n} more expired while the AE was away (their status, or days away they gave) and ${n === 1 ? 'is' : 'are'} not counted`,
      );
  });

  it('the digest, its notification text and the chart it shows', () => {
    const digest = digestOf({
      stats: figures,
      previous: stats({ sent: n, accepted: n, answered: n, windowsClosed: n }),
      chart: { fileId: 'F0CHART', altText: 'chart' },
      trendWeeks: n,
    });
    expect(texts(digest.blocks)).toContain(`0 expired of ${n} AE window${s} closed`);
    expect(texts(digest.blocks)).toContain(`The last ${n} week${s}`);
    expect(digest.text).toContain(`${n} handoff${s} sent; ${n} of ${n} answer${s} accepted`);
    expect(digest.text).toContain(`0 of ${n} AE window${s} expired`);
  });

  it("the chart's alt text", () => {
    const weeks = Array.from({ length: n }, (_, i) => week(`2026-11-0${i + 2}`, [1, 1, 0, 0], 1));
    const alt = trendAltText(weeks);
    expect(alt).toContain(`over ${n} week${s}: ${n} handoff${s} sent`);
    if (n > 0) expect(alt).toContain(`${n} of ${n} answer${s} accepted`);
    if (n > 0) expect(alt).toContain(`0 of ${n} AE window${s} expired`);
  });

  it("RevOps' Home and replies: parked messages, the export's rows", () => {
    const home = texts(
      homeView({ parked: n, revops: { period: DEFAULT_PERIOD, metrics: null, trend: [], trendWeeks: n } }),
    );
    if (n > 0) expect(home).toContain(`${n} message${s} parked`);
    const range = {
      since: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
      timeZone: 'UTC',
    };
    // No default range of 0 days: a range given is said by its days only.
    expect(exportReplies.comment(n, n > 0 ? { ...range, defaultDays: n } : range)).toContain(
      `The touch log: ${n} handoff${s} sent from 2026-11-01 to 2026-11-30${n > 0 ? `, the last ${n} day${s}` : ''}, one row each.`,
    );
    expect(exportReplies.homeSent(n, '10:00')).toContain(`(${n} row${s}, one per handoff sent)`);
    const row = {
      id: 1,
      method: 'chat.postMessage',
      channelKey: 'C0X',
      handoffId: null,
      attempts: n,
      lastError: null,
    };
    const list = parkedReplies.list([row], n);
    expect(list).toContain(`*${n} parked message${s}*`);
    expect(list).toContain(`, ${n} attempt${s}, last error`);
    if (n > 0) expect(parkedReplies.requeued(n)).toBe(`Queued ${n} parked message${s} again.`);
  });
});
