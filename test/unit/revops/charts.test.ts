import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { WeekStats } from '../../../src/domain/metrics.js';
import {
  CHART_SIZE,
  measureChartText,
  renderTrendChart,
  renderTrendChartInTurns,
  trendAltText,
  trendSvg,
} from '../../../src/revops/charts.js';
import { week as quietWeek } from '../../support/unitdomain-weeks.js';

/** The server-side trend chart: a real PNG of the documented size, the same bytes for the same weeks. */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Walks the PNG chunks, checking each CRC-free length fits, and returns them. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  const out: { type: string; data: Buffer }[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    expect(offset + 12 + length).toBeLessThanOrEqual(png.length);
    out.push({ type, data: png.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  expect(offset).toBe(png.length);
  return out;
}

function header(png: Buffer) {
  const [first] = chunks(png);
  expect(first?.type).toBe('IHDR');
  const data = first?.data as Buffer;
  return { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8], colorType: data[9] };
}

/** The decompressed pixel rows (filter byte + pixels per row), to tell a drawn chart from a blank image. */
function pixelBytes(png: Buffer): Buffer {
  const idat = chunks(png).filter((c) => c.type === 'IDAT');
  expect(idat.length).toBeGreaterThan(0);
  return inflateSync(Buffer.concat(idat.map((c) => c.data)));
}

/** A quiet week (nothing sent, no rates), with `over`. */
const week = (weekStart: string, over: Partial<WeekStats> = {}): WeekStats => ({
  ...quietWeek(weekStart, [0, 0, 0, 0]),
  ...over,
});

/** Consecutive Mondays from 2025-12-01. */
function weeks(n: number, fill: (i: number) => Partial<WeekStats> = () => ({})): WeekStats[] {
  const start = Date.parse('2025-12-01T00:00:00Z');
  return Array.from({ length: n }, (_, i) =>
    week(new Date(start + i * 7 * 86_400_000).toISOString().slice(0, 10), fill(i)),
  );
}

const busyWeeks = (n: number) =>
  weeks(n, (i) => {
    const accepted = i % 5;
    const declined = i % 3;
    const expired = i % 2;
    const answered = accepted + declined + expired;
    return {
      sent: (i % 7) + 2,
      accepted,
      declined,
      expired,
      acceptanceRate: answered === 0 ? null : accepted / answered,
      medianHours: answered === 0 ? null : i + 0.5,
    };
  });

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('renderTrendChart', () => {
  it('draws something: not a blank image, and different weeks give a different picture', () => {
    const png = renderTrendChart(busyWeeks(12));
    const pixels = pixelBytes(png);
    const { width, height } = header(png);
    expect(pixels.length).toBeGreaterThanOrEqual(height * (width + 1));
    expect(new Set(pixels).size).toBeGreaterThan(10);
    expect(sha(renderTrendChart(busyWeeks(12)))).not.toBe(sha(renderTrendChart(busyWeeks(11))));
    expect(sha(renderTrendChart(busyWeeks(12)))).not.toBe(
      sha(renderTrendChart(busyWeeks(12), 'Another title')),
    );
  });

  it.each([
    ['busy weeks', busyWeeks(12)],
    ['no weeks at all', []],
    ['weeks without any answers (null rates)', weeks(12)],
    [
      'every rate null but one',
      weeks(12, (i) =>
        i === 6 ? { sent: 3, accepted: 1, declined: 1, acceptanceRate: 0.5, medianHours: 4 } : { sent: 1 },
      ),
    ],
    [
      '52 weeks (the longest trend allowed) and large counts',
      weeks(52, (i) => ({
        sent: 1000 + i,
        accepted: 500 + i,
        declined: 300,
        expired: 200,
        acceptanceRate: (500 + i) / (1000 + i),
        medianHours: 12.5,
      })),
    ],
  ])('returns a whole PNG of CHART_SIZE for %s', (_what, input) => {
    const png = renderTrendChart(input);
    expect(Buffer.isBuffer(png)).toBe(true);
    expect(header(png)).toMatchObject({ ...CHART_SIZE, bitDepth: 8 });
    expect(chunks(png).at(-1)?.type).toBe('IEND');
  });

  it('is deterministic: the same weeks give identical bytes (the upload cache keys on them)', () => {
    const input = busyWeeks(12);
    const first = renderTrendChart(input);
    const second = renderTrendChart(structuredClone(input));
    expect(second.equals(first)).toBe(true);
    // Rendering something else in between changes nothing either (no state kept between charts).
    renderTrendChart(busyWeeks(52));
    renderTrendChart([]);
    expect(renderTrendChart(input).equals(first)).toBe(true);
    expect(renderTrendChart([]).equals(renderTrendChart([]))).toBe(true);
  });
});

describe('trendAltText', () => {
  it('says how many were sent and the accepted share of the answers', () => {
    const text = trendAltText([
      week('2026-11-02', { sent: 4, accepted: 2, declined: 1, expired: 1, acceptanceRate: 0.5 }),
      week('2026-11-09', { sent: 3, accepted: 1, declined: 0, expired: 2, acceptanceRate: 1 / 3 }),
    ]);
    // Accepted of accepted + declined (3 of 4); expiries counted as windows.
    expect(text).toBe(
      'Handoffs per week over 2 weeks: 7 handoffs sent, 3 of 4 answers accepted (75%), 3 of 7 AE windows expired.',
    );
  });

  it("says 'no answers yet' when nothing was answered", () => {
    expect(trendAltText(weeks(12, () => ({ sent: 2 })))).toBe(
      'Handoffs per week over 12 weeks: 24 handoffs sent, no answers yet.',
    );
    expect(trendAltText([])).toBe('Handoffs per week over 0 weeks: 0 handoffs sent, no answers yet.');
  });

  it('never counts expiries as answers: all-expired weeks have no answers and every window expired', () => {
    expect(trendAltText([week('2026-11-02', { sent: 2, expired: 2 })])).toMatch(
      /: 2 handoffs sent, no answers yet, 2 of 2 AE windows expired\.$/,
    );
  });
});

describe('renderTrendChartInTurns', () => {
  it('draws the very same PNG as renderTrendChart, in two turns of the event loop', async () => {
    for (const weeks of [busyWeeks(12), busyWeeks(52), []]) {
      const offLoop = await renderTrendChartInTurns(weeks);
      expect(offLoop.equals(renderTrendChart(weeks))).toBe(true);
    }
    expect(
      (await renderTrendChartInTurns(busyWeeks(12), 'Another title')).equals(renderTrendChart(busyWeeks(12))),
    ).toBe(false);
  });
});

describe('chart text fits', () => {
  interface Box {
    text: string;
    left: number;
    right: number;
    top: number;
    bottom: number;
  }
  /** Every <text> of the SVG as a box: echarts writes translate(x y), an x/y offset, anchor and size. */
  function textBoxes(svg: string): Box[] {
    const boxes: Box[] = [];
    for (const m of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
      const attrs = m[1] ?? '';
      const text = m[2] ?? '';
      const t = /translate\(([-\d.]+)[ ,]([-\d.]+)\)/.exec(attrs);
      const x = Number(t?.[1] ?? 0) + Number(/\sx="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
      const y = Number(t?.[2] ?? 0) + Number(/\sy="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
      const size = Number(/font-size:([\d.]+)px/.exec(attrs)?.[1] ?? 12);
      const width = measureChartText(text, `${size}px DejaVu Sans`).width;
      const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
      const left = anchor === 'end' ? x - width : anchor === 'middle' ? x - width / 2 : x;
      boxes.push({ text, left, right: left + width, top: y - size / 2, bottom: y + size / 2 });
    }
    return boxes;
  }
  const overlap = (a: Box, b: { left: number; right: number; top: number; bottom: number }) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  const svg = trendSvg(
    weeks(12, (i) => ({ sent: 6 + (i % 3), accepted: 3, declined: 2, expired: 3, acceptanceRate: 0.6 })),
  );
  const boxes = textBoxes(svg);

  it('puts "week of" clear of every axis label, and inside the picture', () => {
    const weekOf = boxes.find((b) => b.text.startsWith('week of'));
    expect(weekOf).toBeDefined();
    const box = weekOf as Box;
    for (const other of boxes.filter((b) => b !== box)) expect(overlap(box, other), other.text).toBe(false);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(CHART_SIZE.width);
  });

  it('keeps every legend label clear of the other legend markers and labels', () => {
    // Legend markers: the <path>/<rect> shapes on the legend's row, from the legend labels' own y.
    const legend = boxes.filter((b) =>
      ['Handoffs sent', 'Accepted', 'Declined', 'Expired (silence)', 'Accepted % of answers'].includes(
        b.text,
      ),
    );
    expect(legend).toHaveLength(5);
    const sorted = [...legend].sort((a, b) => a.left - b.left);
    // Each label ends before the next item's marker starts (25 px wide, right before its label) with room to spare.
    for (let i = 1; i < sorted.length; i += 1) {
      const previous = sorted[i - 1] as Box;
      const next = sorted[i] as Box;
      const nextMarkerLeft = next.left - 30;
      expect(previous.right, `${previous.text} runs into the marker of ${next.text}`).toBeLessThan(
        nextMarkerLeft,
      );
    }
    for (const b of legend) expect(b.right).toBeLessThanOrEqual(CHART_SIZE.width);
  });

  it('measures text with the bundled font: wide DejaVu Sans, not a generic guess', () => {
    // DejaVu Sans: digits 1303/2048 em; "Expired (silence)" is about 100 px at 12 px.
    expect(measureChartText('0', '12px DejaVu Sans').width).toBeCloseTo((1303 / 2048) * 12, 3);
    expect(measureChartText('Expired (silence)', '12px DejaVu Sans').width).toBeGreaterThan(95);
  });
});
