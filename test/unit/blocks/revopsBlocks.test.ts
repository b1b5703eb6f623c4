import type { HomeView, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { appHomeView, HOME_LIMITS, homePeriodFrom, type RevopsHome } from '../../../src/blocks/appHome.js';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import { groupSection, headline, hours, percent, trendTable } from '../../../src/blocks/metrics.js';
import type { HandoffRow } from '../../../src/db/schema.js';
import { NO_OFFER, type Offer, offerFor } from '../../../src/domain/lifecycle.js';
import type {
  AuthorStats,
  GroupStats,
  OutcomeCounts,
  ProgramMetrics,
  Stats,
  WeekStats,
} from '../../../src/domain/metrics.js';
import { DEFAULT_PERIOD, PERIODS, type PeriodKey } from '../../../src/domain/periods.js';
import { LIMITS, validateMessage, validateView } from '../../support/fakeSlack.js';
import { outcomeCounts, stats } from '../../support/metricsFixtures.js';
import { week } from '../../support/unitdomain-weeks.js';
import { fill, worstHandoff } from './fixtures.js';
import { mrkdwnTexts, type Obj, objects, textOf } from './limits.js';
import { EVERY_BUTTON, viewerOf } from './offers.js';
import { digestOf } from './unitdomain-views.js';

/** The RevOps surfaces (App Home metrics, weekly digest, metric blocks) rendered from worst-case inputs. */

const chars = (s: string) => [...s].length;

const outcomes = (n: number): OutcomeCounts => outcomeCounts(n);

/** Every number as large as a busy program makes it. */
const busy = (): Stats =>
  stats({
    sent: 99_999,
    accepted: 77_777,
    declined: 11_111,
    requests: 99_999,
    expired: 11_111,
    answered: 88_888,
    windowsClosed: 99_999,
    acceptanceRate: 0.77777,
    declineRate: 0.11111,
    silenceRate: 0.11111,
    medianHours: 12_345.678,
    p90Hours: 99_999.999,
    acceptingAes: 9_999,
    repeatAes: 9_998,
    repeatRate: 0.9999,
    helpRequests: 99_999,
    averageScore: 17.999,
    outcomes: { sourced: outcomes(99_999), influenced: outcomes(99_999) },
  });

const NASTY = fill('&<>!channel<!here>', 150);
const LONG_USER = `W${fill('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 40)}`;

function metrics(groups = 60): ProgramMetrics {
  const byPartner: GroupStats[] = Array.from({ length: groups }, (_, i) => ({
    key: `partner ${i}`,
    label: `${i} ${NASTY}`.slice(0, 150),
    ...busy(),
  }));
  const byAe: GroupStats[] = Array.from({ length: groups }, (_, i) => ({
    key: `${LONG_USER}${i}`,
    label: `${LONG_USER}${i}`,
    ...busy(),
  }));
  const byAuthor: AuthorStats[] = Array.from({ length: groups }, (_, i) => ({
    key: `${LONG_USER}A${i}`,
    label: `${LONG_USER}A${i}`,
    ...busy(),
    lastScores: [18, 17, 16],
  }));
  const weeks = Array.from({ length: 52 }, (_, i) => week(`2026-W${i}`, [1, 1, 0, 0], 1, 1));
  return {
    from: new Date('2025-11-23T00:00:00Z'),
    to: new Date('2026-11-23T00:00:00Z'),
    timeZone: 'UTC',
    overall: busy(),
    byPartner,
    byAe,
    byAuthor,
    weeks,
  };
}

/** `n` weeks from Monday 2025-11-24 with numbers as large as a busy program makes them (the widest table). */
const busyWeeks = (n = 52): WeekStats[] =>
  Array.from({ length: n }, (_, i) =>
    week(
      new Date(Date.UTC(2025, 10, 24 + 7 * i)).toISOString().slice(0, 10),
      [9_999_999, 7_777_777, 1_111_111, 1_111_111],
      0.87499,
      1,
    ),
  );

const revops = (over: Partial<RevopsHome> = {}): RevopsHome => ({
  period: '90d',
  metrics: metrics(),
  trend: busyWeeks(),
  trendWeeks: 52,
  ...over,
});

/** Full lists in every section, of the longest handoffs, with typed mentions in every text field. */
function fullLists() {
  const many = (status: HandoffRow['status'], n: number, base: number) =>
    Array.from({ length: n }, (_, i) =>
      worstHandoff('<!channel>&', {
        id: base + i,
        status,
        authorUserId: LONG_USER,
        ownerUserId: LONG_USER,
        aeUserId: LONG_USER,
        outcome: status === 'accepted' ? 'meeting_held' : null,
      }),
    );
  return {
    awaiting: many('sent', HOME_LIMITS.awaiting + 3, 1000),
    deals: many('accepted', HOME_LIMITS.deals + 3, 2000),
    sent: many('declined', HOME_LIMITS.sent + 3, 3000),
    owned: many('expired', HOME_LIMITS.owned + 3, 4000),
    // The worst case: every button offered on every handoff.
    offer: (): Offer => EVERY_BUTTON,
  };
}

/** What LONG_USER (AE, owner and author of every handoff of fullLists) is really offered. */
const longUserOffer = (h: HandoffRow): Offer => offerFor(viewerOf(LONG_USER, h), h);

/** A Home with nothing in its lists. */
const empty = { awaiting: [], deals: [], sent: [], owned: [], offer: (): Offer => NO_OFFER };

const blocksOf = (view: HomeView) => view.blocks as unknown as Obj[];
const homeMrkdwn = (view: HomeView) =>
  [...objects(view.blocks)].filter((o) => o.type === 'mrkdwn').map((o) => textOf(o));

function expectSectionsWithinLimits(blocks: Obj[]) {
  for (const block of blocks) {
    if (block.type === 'section') {
      expect(chars(textOf(block.text))).toBeLessThanOrEqual(LIMITS.sectionText);
      const fields = (block.fields ?? []) as Obj[];
      expect(fields.length).toBeLessThanOrEqual(LIMITS.sectionFields);
      for (const f of fields) expect(chars(textOf(f))).toBeLessThanOrEqual(LIMITS.sectionField);
    }
    if (block.type === 'header') expect(chars(textOf(block.text))).toBeLessThan(LIMITS.headerText);
  }
}

describe('App Home with the RevOps section', () => {
  it('stays within 100 blocks, passes the validator and shows the trend as figures, with every list and "Your days" full', () => {
    // "Your days" too, in twenty pools of the longest names.
    const ownDays = {
      workingDays: [1, 2, 4],
      holidays: { kind: 'own' as const, regions: ['US', 'DE-BY', 'GB-SCT'] },
      paused: 'until_resumed',
      pools: Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, name: '&'.repeat(100), managers: [] })),
      byGroup: true,
    };
    const view = appHomeView({ ...fullLists(), revops: revops(), ownDays });
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    expect(validateView(view, ['home'])).toBeNull();
    expectSectionsWithinLimits(blocksOf(view));
    // The arithmetic of HOME_LIMITS' comment: at most 90 blocks without "Your days".
    expect(appHomeView({ ...fullLists(), revops: revops() }).blocks.length).toBeLessThanOrEqual(90);
    // Every list is cut with a note where it says so.
    const shown = JSON.stringify(view);
    expect(shown).toContain(`Showing the ${HOME_LIMITS.owned} most recent`);
    expect(shown).toContain(`Showing ${HOME_LIMITS.sent} of your handoffs: the open and won ones first`);
    expect(shown).toContain('more in the CSV export');
    // The trend is figures, never an image (a Home tab cannot share a file with its viewer).
    expect([...objects(view.blocks)].some((o) => o.type === 'image')).toBe(false);
    // 52 weeks of seven-digit numbers: two sections of at most 3000 characters, every week once, in order.
    const trend = blocksOf(view)
      .map((b) => textOf(b.text))
      .filter((t) => t.includes('```'));
    expect(trend).toHaveLength(2);
    for (const text of trend) expect(chars(text)).toBeLessThanOrEqual(LIMITS.sectionText);
    const rows = trend.flatMap((t) => t.split('\n').filter((l) => /^\d{4}-\d\d-\d\d /.test(l)));
    expect(rows.map((r) => r.slice(0, 10))).toEqual(busyWeeks().map((w) => w.weekStart));
    expect(rows[0]).toBe('2025-11-24  9999999   7777777   1111111  1111111         87%');
    // A Slack file lookup that knows no file at all: nothing in the Home names one.
    expect(validateView(view, ['home'], { files: () => undefined })).toBeNull();
  });

  it('escapes user text everywhere: typed mentions stay inert, partner labels are escaped', () => {
    const view = appHomeView({ ...fullLists(), offer: longUserOffer, revops: revops() });
    // The buttons LONG_USER is offered are there (Accept/Decline, outcome steps, owner actions).
    const shown = JSON.stringify(view);
    for (const id of [ACTION_ID.accept, 'handoff_outcome_won', ACTION_ID.reassign])
      expect(shown).toContain(id);
    const texts = homeMrkdwn(view);
    for (const text of texts) {
      expect(text).not.toMatch(/<!(channel|here|everyone)>/);
      // Every remaining angle bracket opens a mention or a date the app wrote itself.
      for (const match of text.matchAll(/<([^>]*)>/g)) expect(match[1]).toMatch(/^(@[UW][A-Z0-9]+|!date\^)/);
    }
    const partners = texts.find((t) => t.startsWith('*By partner*')) ?? '';
    expect(partners).toContain('&amp;&lt;&gt;!channel&lt;!here&gt;');
    expect(partners).toContain(`…and ${60 - 5} more in the CSV export.`);
    // The five busiest groups of each kind are named (authors and AEs by mention).
    const aes = texts.find((t) => t.startsWith('*By AE*')) ?? '';
    expect(aes.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(5);
    expect(aes).toContain(`<@${LONG_USER}0>`);
    const authors = texts.find((t) => t.startsWith('*By author*')) ?? '';
    expect(authors).toContain('last three 18, 17, 16');
  });

  for (const period of Object.keys(PERIODS) as PeriodKey[]) {
    it(`selects the period shown (${period}): initial_option is one of the options, and the metadata keeps it`, () => {
      const view = appHomeView({ ...empty, revops: revops({ period }) });
      const select = [...objects(view.blocks)].find(
        (o) => o.type === 'static_select' && o.action_id === ACTION_ID.homePeriod,
      );
      const options = (select?.options ?? []) as Obj[];
      expect(options.map((o) => o.value)).toEqual(Object.keys(PERIODS));
      expect(select?.initial_option).toEqual(options.find((o) => o.value === period));
      expect(textOf(select?.initial_option && (select.initial_option as Obj).text)).toBe(
        PERIODS[period].label,
      );
      const exportButton = [...objects(view.blocks)].find((o) => o.action_id === ACTION_ID.homeExport);
      expect(exportButton?.value).toBe(period);
      expect(homePeriodFrom(view.private_metadata)).toBe(period);
    });
  }

  it('shows the last weeks as a table: each week sent, accepted, declined, expired and acceptance of its answers', () => {
    const trend = [week('2026-11-09', [0, 0, 0, 0]), week('2026-11-16', [4, 1, 1, 1], 0.5, 1)];
    const view = appHomeView({ ...empty, revops: revops({ trend, trendWeeks: 2 }) });
    const table = blocksOf(view).filter((b) => textOf(b.text).includes('```'));
    expect(table.map((b) => textOf(b.text))).toEqual([
      [
        "*The last 2 weeks*, week by week (from Monday): handoffs sent, AE windows closed by how they ended, and the acceptance of that week's answers.",
        '```',
        'Week of     Sent  Accepted  Declined  Expired  Acceptance',
        '2026-11-09     0         0         0        0           –',
        '2026-11-16     4         1         1        1         50%',
        '```',
      ].join('\n'),
    ]);
    expect(JSON.stringify(view)).not.toContain('could not be prepared');
    expect(validateView(view, ['home'])).toBeNull();
    // While the figures are computed there is no table (and no image) at all.
    const computing = appHomeView({ ...empty, revops: revops({ metrics: null, trend: [] }) });
    expect(JSON.stringify(computing)).not.toContain('```');
    expect([...objects(computing.blocks)].some((o) => o.type === 'image')).toBe(false);
  });

  it('splits the table into sections of at most 3000 characters, the column names heading each', () => {
    expect(trendTable([], '*Title*')).toEqual([
      { type: 'section', text: { type: 'mrkdwn', verbatim: true, text: '*Title*\nNo weeks to show yet.' } },
    ]);
    for (const n of [1, 12, 26, 52]) {
      const blocks = trendTable(busyWeeks(n), '*Title*') as unknown as Obj[];
      const texts = blocks.map((b) => textOf(b.text));
      for (const text of texts) {
        expect(chars(text)).toBeLessThanOrEqual(LIMITS.sectionText);
        expect(text).toMatch(/```\nWeek of +Sent +Accepted +Declined +Expired +Acceptance\n/);
        expect(text.endsWith('\n```')).toBe(true);
      }
      expect(texts[0]?.startsWith('*Title*\n```')).toBe(true);
      expect(texts.slice(1).every((t) => t.startsWith('```'))).toBe(true);
      expect(texts.join('\n').match(/^\d{4}-\d\d-\d\d /gm)).toHaveLength(n);
      expect(blocks.length).toBe(n === 52 ? 2 : 1);
    }
  });

  it('has no RevOps section (and the default period in its metadata) for everyone else', () => {
    const view = appHomeView(empty);
    const shown = JSON.stringify(view);
    expect(shown).not.toContain('Program metrics');
    expect(shown).not.toContain(ACTION_ID.homePeriod);
    expect(shown).not.toContain(ACTION_ID.homeExport);
    expect(homePeriodFrom(view.private_metadata)).toBe(DEFAULT_PERIOD);
  });
});

describe('homePeriodFrom', () => {
  it('reads a known period', () => {
    for (const period of Object.keys(PERIODS))
      expect(homePeriodFrom(JSON.stringify({ period }))).toBe(period);
    expect(homePeriodFrom('{"period":"7d","other":1}')).toBe('7d');
  });

  it('rejects junk without throwing', () => {
    const junk = [
      undefined,
      '',
      'not json',
      '{',
      'null',
      '[]',
      '"7d"',
      '7',
      '{}',
      '{"period":7}',
      '{"period":null}',
      '{"period":"1y"}',
      '{"period":"7D"}',
      '{"period":" 7d"}',
      '{"period":"toString"}',
      '{"period":"constructor"}',
      '{"period":"__proto__"}',
      '{"__proto__":{"period":"7d"}}',
      '{"period":["7d"]}',
      '{"period":{"toString":"7d"}}',
    ];
    for (const metadata of junk) expect(homePeriodFrom(metadata), String(metadata)).toBeUndefined();
  });
});

describe('weekly digest', () => {
  /** Longest account and partner names the packet allows (150 each), typed mentions inside, ordinary user ids. */
  const atRiskRows = (n: number, base: number, over: Partial<HandoffRow> = {}) =>
    Array.from({ length: n }, (_, i) =>
      worstHandoff('<!channel>&', {
        id: base + i,
        aeUserId: 'U0123456789',
        ownerUserId: 'U0987654321',
        lastActivityAt: new Date('2026-03-01T10:00:00Z'),
        ...over,
      }),
    );
  const digest = (
    chart: { fileId: string; altText: string } | null = { fileId: 'F0CHART1234', altText: 'x' },
  ) =>
    digestOf({
      stats: busy(),
      chart,
      atRisk: {
        dueSoon: atRiskRows(10, 100, { status: 'sent' }),
        unanswered: atRiskRows(10, 200, { status: 'expired' }),
        stalled: atRiskRows(10, 300, { status: 'accepted' }),
      },
    });

  it('stays within 50 blocks and passes the message validator with long at-risk lists', () => {
    const message = digest();
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    expect(validateMessage(message)).toBeNull();
    expectSectionsWithinLimits(message.blocks as unknown as Obj[]);
    expect(validateMessage(digest(null))).toBeNull();
  });

  it('keeps typed mentions inert, names the cut, and keeps its header under 150 characters', () => {
    const message = digest();
    for (const text of mrkdwnTexts(message)) expect(text).not.toMatch(/<!(channel|here|everyone)>/);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('&lt;!channel&gt;&amp;');
    expect(shown.match(/…and more: see the App Home or the CSV export\./g)).toHaveLength(3);
    const header = (message.blocks as unknown as Obj[]).find((b) => b.type === 'header');
    expect(textOf(header?.text)).toBe('Co-sell handoffs: week of 2026-11-16');
    expect(chars(textOf(header?.text))).toBeLessThan(LIMITS.headerText);
    expect(message.text).toBe(
      'Co-sell handoffs, week of 2026-11-16: 99999 handoffs sent; 77777 of 88888 answers accepted (78%); 11111 of 99999 AE windows expired (11%); 30 at risk.',
    );
  });

  it('says "None." for empty lists, and "–" for the previous week without answers', () => {
    const message = digestOf({ previous: stats({ sent: 2 }) });
    const shown = JSON.stringify(message.blocks);
    expect(shown.match(/None\./g)).toHaveLength(3);
    expect(shown).toContain(
      'The week before: 2 handoffs sent; 0 accepted, 0 declined, 0 expired of 0 AE windows closed; acceptance – of answers, silence – of windows.',
    );
    expect(shown).toContain('could not be prepared');
    expect(validateMessage(message)).toBeNull();
  });
});

describe('metric blocks', () => {
  const fieldTexts = (block: KnownBlock) => ((block as unknown as Obj).fields as Obj[]).map((f) => textOf(f));

  it('headline: null rates and times render as –, at most 10 fields, the largest numbers within limits', () => {
    const block = headline(stats());
    const fields = fieldTexts(block);
    expect(fields).toHaveLength(10);
    // each field carries its counts and a line saying how it is counted.
    const values = fields.map((f) => f.split('\n').slice(0, -1).join('\n'));
    expect(values).toContain('*Acceptance rate*\n0 of 0 answers');
    expect(values).toContain('*Silence rate*\n0 of 0 windows');
    expect(values).toContain('*Time to decision*\nmedian – · p90 –');
    expect(values).toContain('*Repeat use*\n0 of 0 accepting AEs');
    expect(values).toContain('*Average packet score*\n–');
    for (const f of fields) expect(f).toMatch(/\n_[^_\n]+_$/);
    expect(JSON.stringify(fields)).not.toMatch(/README/);
    expect(validateMessage({ text: 'x', blocks: [block] })).toBeNull();
    // The largest numbers stay within the field limits.
    const largest = headline(busy());
    expectSectionsWithinLimits([largest as unknown as Obj]);
    expect(validateMessage({ text: 'x', blocks: [largest] })).toBeNull();
  });

  it('headline: percentages rounded to whole numbers, hours to one decimal', () => {
    const fields = fieldTexts(
      headline(
        stats({
          accepted: 2,
          declined: 1,
          expired: 1,
          answered: 3,
          windowsClosed: 4,
          acceptanceRate: 2 / 3,
          silenceRate: 0.25,
          declineRate: 1 / 3,
          medianHours: 3.04999,
          p90Hours: 40,
          repeatRate: 1,
          repeatAes: 3,
          acceptingAes: 3,
          averageScore: 14.25,
        }),
      ),
    );
    const values = fields.map((f) => f.split('\n').slice(0, -1).join('\n'));
    expect(values).toContain('*AE windows closed*\n4 = 2 accepted + 1 declined + 1 expired');
    expect(values).toContain('*Acceptance rate*\n2 of 3 (67%) answers');
    expect(values).toContain('*Silence rate*\n1 of 4 (25%) windows');
    expect(values).toContain('*Time to decision*\nmedian 3.0 h · p90 40.0 h');
    expect(values).toContain('*Repeat use*\n3 of 3 (100%) accepting AEs');
    expect(values).toContain('*Average packet score*\n14.3/18');
    expect(percent(0)).toBe('0%');
    expect(percent(0.994)).toBe('99%');
    expect(percent(null)).toBe('–');
    expect(hours(null)).toBe('–');
    expect(hours(0)).toBe('0.0 h');
  });

  it('groupSection: – for null rates, a note for the rest, and under 3000 characters with any number of groups', () => {
    const empty = groupSection('By partner', [], 'partner');
    expect(textOf((empty as unknown as Obj).text)).toBe('*By partner*\nNothing in this period.');

    const quiet: GroupStats = { key: 'k', label: 'Meridian', ...stats({ sent: 1 }) };
    const one = textOf((groupSection('By partner', [quiet], 'partner') as unknown as Obj).text);
    expect(one).toBe(
      '*By partner*\n• *Meridian*: 1 sent · 0 AE requests · 0 windows closed (0 accepted, 0 declined, 0 expired) · acceptance – of answers · silence – of windows · median – · repeat 0/0 · help asks 0',
    );

    const m = metrics(200);
    for (const [groups, kind] of [
      [m.byPartner, 'partner'],
      [m.byAe, 'user'],
      [m.byAuthor, 'user'],
    ] as const) {
      const block = groupSection('By something', groups, kind) as unknown as Obj;
      const text = textOf(block.text);
      expect(text.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(5);
      expect(text).toContain('…and 195 more in the CSV export.');
      expect(chars(text), kind).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(validateMessage({ text: 'x', blocks: [block] }), kind).toBeNull();
    }
  });
});
