import { describe, expect, it } from 'vitest';
import { type AcceptFigures, comparisonRows, median, ratio, sideBySide } from '../../../bench/lib/compare.js';

const figures = (over: Partial<AcceptFigures> = {}): AcceptFigures => ({
  cpuMs: 4.6,
  steadyCpuMs: 4.0,
  steadyRps: 300,
  deliveredCpuMs: 5.0,
  deliveredMaxCpuMs: 5.5,
  heldRps: 212,
  heldP50: 41,
  heldP99: 111,
  steady100: { p50: 7, p99: 37, rps: 100 },
  steady200: { p50: 71, p99: 178, rps: 199 },
  maxRps: 200,
  decideCpuMs: 2.44,
  decidePages: 61,
  writesCpuMs: 2.44,
  rssMb: 202,
  ...over,
});
const baseline = { cpuMs: 0.87, rps: 1182 };
const labels = { current: 'abc1234 + changes', reference: 'dcf1aed' };

describe('npm run bench --reference: the side-by-side table', () => {
  it('has a header naming both builds and one row per measure with this checkout, the reference and their ratio', () => {
    const table = sideBySide(figures({ cpuMs: 2.3 }), figures(), baseline, labels);
    const lines = table.split('\n');
    expect(lines[0]).toBe(
      '| measure | this checkout (abc1234 + changes) | reference (dcf1aed) | this / reference | target |',
    );
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- |');
    expect(lines).toHaveLength(2 + comparisonRows(figures(), figures(), baseline).length);
    // Every row has the same five cells.
    for (const line of lines) expect(line.match(/(?<!\\)\|/g)).toHaveLength(6);
    const cpu = lines.find((l) => l.startsWith('| CPU time per Accept,'));
    expect(cpu).toContain('| 2.3 ms | 4.6 ms | 0.5x | ≤ 0.5x ✅ |');
  });

  it('sets everything the Accept writes (decision and expansion) beside the reference’s decision, which writes it all', () => {
    const rows = comparisonRows(figures({ writesCpuMs: 1.0 }), figures({ writesCpuMs: 2.0 }), baseline);
    const writes = rows.find((r) => r.measure.startsWith('everything the Accept writes'));
    expect(writes).toMatchObject({ current: '1 ms', reference: '2 ms', ratio: '0.5x', target: '' });
  });

  it('judges the CPU target on the ratio to the reference, and the steady p99 on this checkout alone', () => {
    const rows = comparisonRows(figures({ cpuMs: 2.4 }), figures(), baseline);
    expect(rows[0]).toMatchObject({ ratio: '0.52x', ok: false });
    const steady = rows.find((r) => r.measure.includes('steady 100'));
    expect(steady).toMatchObject({ current: '7 / 37 ms', reference: '7 / 37 ms', ratio: '1x', ok: true });
    expect(sideBySide(figures({ cpuMs: 2.4 }), figures(), baseline, labels)).toContain('≤ 0.5x ❌ misses');
  });

  it('shows the durable baseline beside both, and each Accept against it', () => {
    const rows = comparisonRows(figures({ cpuMs: 1.74 }), figures(), baseline);
    expect(rows.find((r) => r.measure.startsWith('the durable baseline'))).toMatchObject({
      current: '0.87 ms',
      reference: '0.87 ms',
    });
    expect(rows.find((r) => r.measure.startsWith('CPU time per Accept / the durable'))).toMatchObject({
      current: '2x',
      reference: '5.29x',
    });
  });

  it('says why a figure is missing instead of a ratio, and says when a steady rate was not reached', () => {
    const reference = figures({
      decideCpuMs: 'dist/compose.js has no export wire',
      steady200: { p50: 90, p99: 300, rps: 150 },
    });
    const rows = comparisonRows(figures(), reference, baseline);
    const decide = rows.find((r) => r.measure.includes('decision alone'));
    expect(decide).toMatchObject({ reference: 'n/a (dist/compose.js has no export wire)', ratio: '—' });
    expect(rows.find((r) => r.measure.includes('p50 / p99 at a steady 200'))?.reference).toBe(
      '90 / 300 ms (only 150 req/s reached)',
    );
    const pages = comparisonRows(
      figures({ decidePages: 30.7 }),
      figures({ decidePages: 'not measured' }),
      baseline,
    );
    expect(pages.find((r) => r.measure.includes('pages written to the WAL'))).toMatchObject({
      current: '30.7',
      reference: 'n/a (not measured)',
      ratio: '—',
    });
    expect(
      comparisonRows(figures({ decidePages: 30.5 }), figures(), baseline).find((r) =>
        r.measure.includes('WAL'),
      )?.ratio,
    ).toBe('0.5x');
    const unmeasured = comparisonRows(figures({ cpuMs: Number.NaN }), figures(), baseline)[0];
    expect(unmeasured?.ok).toBeUndefined();
    expect(sideBySide(figures({ cpuMs: Number.NaN }), figures(), baseline, labels)).toContain(
      '≤ 0.5x (not judged)',
    );
  });

  it('escapes a pipe in a label or a reason so the table keeps its columns', () => {
    const table = sideBySide(figures(), figures({ decideCpuMs: 'a|b' }), baseline, {
      current: 'x|y',
      reference: 'r',
    });
    expect(table).toContain('this checkout (x\\|y)');
    expect(table).toContain('n/a (a\\|b)');
  });

  it('with several rounds, judges the CPU target on the median of the rounds’ ratios and lists every round', () => {
    const round = (held: [number, number], steady: [number, number], delivered: [number, number]) => {
      const pair = ([current, reference]: [number, number]) => ({ current, reference });
      return {
        held: pair(held),
        heldSteady: pair(steady),
        delivered: pair(delivered),
        deliveredMax: pair(delivered),
      };
    };
    const rounds = [
      round([1.8, 2.0], [1.0, 2.5], [2.0, 5.0]),
      round([1.2, 3.0], [1.1, 2.0], [2.4, 4.0]),
      round([1.0, 2.2], [1.2, 2.0], [3.0, 5.0]),
    ];
    const rows = comparisonRows(figures({ cpuMs: 1.8 }), figures({ cpuMs: 2.0 }), baseline, rounds);
    // Ratios 0.9, 0.4 and 0.45: their median, not the ratio of the medians (1.2 / 2.2 = 0.55).
    expect(rows[0]).toMatchObject({ current: '1.2 ms', reference: '2.2 ms', ratio: '0.45x', ok: true });
    expect(rows[0]?.measure).toContain('median of 3 alternating rounds');
    expect(rows[1]).toMatchObject({
      current: '1.8 ms, 1.2 ms, 1 ms',
      reference: '2 ms, 3 ms, 2.2 ms',
      ratio: '0.9x, 0.4x, 0.45x',
    });
    // The steady rate's rows, judged the same way: ratios 0.4, 0.55 and 0.6, median 0.55.
    expect(rows[2]?.measure).toContain('at a steady 300 req/s');
    expect(rows[2]).toMatchObject({ current: '1.1 ms', reference: '2 ms', ratio: '0.55x', ok: false });
    expect(rows[3]).toMatchObject({ ratio: '0.4x, 0.55x, 0.6x' });
    // All the work, until the outbox is empty: ratios 0.4, 0.6 and 0.6, median 0.6.
    expect(rows[4]?.measure).toContain('delivery running, at a steady 200 req/s');
    expect(rows[4]).toMatchObject({ current: '2.4 ms', reference: '5 ms', ratio: '0.6x', ok: false });
    expect(rows[6]?.measure).toContain('delivery running, full speed');
    // One round: the table is as before, without the rounds' rows (one per measure).
    expect(comparisonRows(figures(), figures(), baseline)).toHaveLength(rows.length - 4);
  });

  it('measures all the work an Accept sets off too, until the outbox is empty, with the delivery running', () => {
    const rows = comparisonRows(
      figures({ deliveredCpuMs: 2.0, deliveredMaxCpuMs: Number.NaN }),
      figures({ steady200: { p50: 71, p99: 178, rps: 150 } }),
      baseline,
    );
    const steady = rows.find((r) => r.measure.includes('delivery running, at a steady 200 req/s'));
    expect(steady?.measure).toContain('until the outbox had nothing left');
    expect(steady).toMatchObject({
      current: '2 ms',
      reference: '5 ms (only 150 req/s reached)',
      ratio: '0.4x',
      target: '≤ 0.5x',
      ok: true,
    });
    // The outbox did not empty in time: no figure, and nothing judged.
    const max = rows.find((r) => r.measure.includes('delivery running, full speed'));
    expect(max).toMatchObject({ current: 'n/a (not measured)', ratio: '—' });
    expect(max?.ok).toBeUndefined();
  });

  it('measures CPU at a steady rate too, and says when an app did not reach it', () => {
    const rows = comparisonRows(
      figures({ steadyCpuMs: 1.0 }),
      figures({ steadyCpuMs: 2.5, steadyRps: 250 }),
      baseline,
    );
    const steady = rows.find((r) => r.measure.includes('at a steady 300 req/s'));
    expect(steady).toMatchObject({
      current: '1 ms',
      reference: '2.5 ms (only 250 req/s reached)',
      ratio: '0.4x',
      ok: true,
    });
  });

  it('median: the middle value, the mean of the two middle ones for an even count, ignoring gaps; ratio: a dash for a zero or missing divisor', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
    expect(ratio(1, 0)).toBe('—');
    expect(ratio('n/a', 2)).toBe('—');
    expect(ratio(3, 2)).toBe('1.5x');
  });
});
