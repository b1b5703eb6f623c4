import { describe, expect, it } from 'vitest';
import {
  availableDays,
  fairOrder,
  fairWhy,
  type MemberShare,
  pausedDays,
  periodDays,
  periodStart,
} from '../../../src/escalation/poolFairness.js';
import { readWeights } from '../../../src/program/poolWeights.js';
import { parsePolicies, policyProblems } from '../domain/unitdomain-policies.js';

/**
 * A pool's weights and its fairness per period. The rule: the next handoff goes to the member with
 * the fewest handoffs from the pool this period for their weight and the days they were available (handoffs ÷ (weight
 * × days available)), ties in turn; days paused or away by a cover's days are not days available.
 */

const shares = (...list: [string, number, number, number][]) =>
  new Map<string, MemberShare>(
    list.map(([user, weight, count, days]) => [user, { user, weight, count, days }]),
  );

it('the period: a week starts on Monday, a month on its first day; the days run through today', () => {
  // 2026-03-12 is a Thursday.
  expect(periodStart('week', '2026-03-12')).toBe('2026-03-09');
  expect(periodStart('month', '2026-03-12')).toBe('2026-03-01');
  expect(periodDays('week', '2026-03-12')).toEqual(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12']);
  expect(periodDays('week', '2026-03-09')).toEqual(['2026-03-09']);
  expect(periodDays('month', '2026-03-03')).toHaveLength(3);
});

describe('weights and the fair order', () => {
  it('the member furthest behind their weighted share goes first; ties keep the rotation', () => {
    // Sam ×2 had 2, Mo ×1 had 1, Jo ×1 had 0, all five days available: Jo first, then Sam and Mo level (in turn).
    const s = shares(['SAM', 2, 2, 5], ['MO', 1, 1, 5], ['JO', 1, 0, 5]);
    expect(fairOrder(['SAM', 'MO', 'JO'], s)).toEqual(['JO', 'SAM', 'MO']);
    expect(fairOrder(['MO', 'JO', 'SAM'], s)).toEqual(['JO', 'MO', 'SAM']);
  });

  it('weight 2 takes twice the handoffs of weight 1 over a period', () => {
    const counts: Record<string, number> = { SAM: 0, MO: 0 };
    let rotation = ['SAM', 'MO'];
    for (let i = 0; i < 9; i += 1) {
      const s = shares(['SAM', 2, counts.SAM as number, 5], ['MO', 1, counts.MO as number, 5]);
      const next = fairOrder(rotation, s)[0] as string;
      counts[next] = (counts[next] ?? 0) + 1;
      // The rotation goes on after the one chosen.
      rotation = rotation[0] === next ? [...rotation.slice(1), next] : rotation;
    }
    expect(counts).toEqual({ SAM: 6, MO: 3 });
  });

  it('says why: furthest behind the share, or level with others and next in turn', () => {
    const s = shares(['SAM', 2, 1, 5], ['MO', 1, 2, 5], ['JO', 1, 2, 5]);
    // 6 handoffs this week with this one; Sam's weight × days is half of everyone's (10 of 20): a share of 3.
    expect(fairWhy('SAM', s, 'week', ['MO', 'JO'])).toBe("furthest behind this week's share: 1 of 3");
    const level = shares(['SAM', 1, 0, 3], ['MO', 1, 0, 3]);
    expect(fairWhy('SAM', level, 'month', ['MO'])).toBe(
      "next in turn, level with others on this month's share: 0 of 0.5",
    );
  });
});

describe('the adjustment after time off', () => {
  const week = periodDays('week', '2026-03-13'); // Monday 9 to Friday 13

  it('days paused (at their end) and days away by a cover are not days available', () => {
    // Paused on Monday, resumed on Wednesday: Monday and Tuesday paused.
    const paused = pausedDays(week, [
      { day: '2026-03-09', paused: 'until_resumed' },
      { day: '2026-03-11', paused: undefined },
    ]);
    expect([...paused]).toEqual(['2026-03-09', '2026-03-10']);
    expect(availableDays(week, paused, undefined)).toBe(3);
    // A pause through a day: its last day included; a pause set last month still counts this week.
    expect([...pausedDays(week, [{ day: '2026-02-20', paused: '2026-03-10' }])]).toEqual([
      '2026-03-09',
      '2026-03-10',
    ]);
    // Days away given with a cover, Monday to Thursday: Friday alone available.
    expect(availableDays(week, new Set(), { from: '2026-03-02', until: '2026-03-12' })).toBe(1);
    // Away all week: still one day (they are here now to take it).
    expect(availableDays(week, new Set(week), undefined)).toBe(1);
  });

  it('someone back on Friday from four days off is owed a day’s share, not four days of handoffs', () => {
    // Sam and Mo had 4 each Monday to Thursday; Jo was away, back on Friday with 0.
    const rotation = ['SAM', 'MO', 'JO'];
    let s = shares(['SAM', 1, 4, 5], ['MO', 1, 4, 5], ['JO', 1, 0, 1]);
    expect(fairOrder(rotation, s)[0]).toBe('JO');
    // Once Jo has had one, Jo is level with the others (one a day): the turns go round again.
    s = shares(['SAM', 1, 4, 5], ['MO', 1, 4, 5], ['JO', 1, 1, 1]);
    expect(fairOrder(rotation, s)).toEqual(['SAM', 'MO', 'JO']);
    // Counted over the whole week instead, Jo would take the next four in a row.
    const unadjusted = shares(['SAM', 1, 4, 5], ['MO', 1, 4, 5], ['JO', 1, 1, 5]);
    expect(fairOrder(rotation, unadjusted)[0]).toBe('JO');
  });
});

describe('the pool editor’s weight rows', () => {
  const row = (user: string | null, weight: number | null) => ({ user, weight });

  it('reads a person and a number per row; a row with no number drops the weight, an empty row is nothing; says what is wrong', () => {
    expect(
      readWeights(
        [row('U0SAM', 2), row('U0MO', 0), row(null, null), row('U0JO', null)],
        ['U0SAM', 'U0MO', 'U0JO'],
      ),
    ).toEqual({ ok: true, weights: { U0SAM: 2, U0MO: 0 } });
    expect(readWeights([], ['U0SAM'])).toEqual({ ok: true, weights: {} });
    // What is wrong is said on the row's own input, naming nobody.
    expect(readWeights([row('U0SAM', 11), row('U0SAM', 1.5)], ['U0SAM'])).toEqual({
      ok: false,
      problems: {
        'weightValue:0': 'A weight is a whole number from 0 to 10.',
        'weightUser:1': 'Chosen in another row already.',
      },
    });
    expect(readWeights([row('U0SAM', 1.5)], ['U0SAM'])).toEqual({
      ok: false,
      problems: { 'weightValue:0': 'A weight is a whole number from 0 to 10.' },
    });
    // A user-group pool: anyone chosen (its members are the group's; who they are is the editor's people check).
    expect(readWeights([row('U0MO', 2)], undefined)).toEqual({ ok: true, weights: { U0MO: 2 } });
  });
});

describe('the policy file’s weights and fairness', () => {
  const policies = { quiet: [{ at: 'due', action: 'notify', to: ['owner'] }] };
  const parse = (pools: unknown) => parsePolicies({ pools, policies });
  const problems = (pools: unknown) => policyProblems({ pools, policies });

  it('keeps weights and a period', () => {
    const book = parse({
      emea: { users: ['U0SAM', 'U0MO'], weights: { U0SAM: 2, U0MO: 0 }, fairness: { period: 'week' } },
    });
    expect(book.pools.emea).toMatchObject({ weights: { U0SAM: 2, U0MO: 0 }, fairness: { period: 'week' } });
    // None said: plain turns, everyone weight 1.
    expect(parse({ emea: { users: ['U0SAM'] } }).pools.emea).not.toHaveProperty('fairness');
  });

  it('names each wrong weight or period by its place', () => {
    expect(problems({ emea: { users: ['U0SAM'], weights: { U0SAM: 11 } } })).toEqual([
      'pools.emea.weights.U0SAM: a weight is a whole number from 0 to 10',
    ]);
    expect(problems({ emea: { users: ['U0SAM'], weights: { U0SAM: 1.5 } } })).toEqual([
      'pools.emea.weights.U0SAM: a weight is a whole number from 0 to 10',
    ]);
    expect(problems({ emea: { users: ['U0SAM'], weights: { U0MO: 2 } } })).toEqual([
      'pools.emea.weights.U0MO: not a member of the pool (a weight is for a member)',
    ]);
    expect(problems({ emea: { users: ['U0SAM'], fairness: { period: 'day' } } })).toEqual([
      'pools.emea.fairness.period: the period is "week" or "month"',
    ]);
    expect(problems({ emea: { users: ['U0SAM'], fairness: 'week' } })).toEqual([
      'pools.emea.fairness: fairness is { "period": "week" } or { "period": "month" }',
    ]);
    expect(problems({ emea: { users: ['U0SAM'], weights: [] } })).not.toEqual([]);
  });
});
