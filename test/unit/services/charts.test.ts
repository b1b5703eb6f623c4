import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { WeekStats } from '../../../src/domain/metrics.js';
import {
  CHART_SIZE,
  renderTrendChart,
  renderTrendChartInTurns,
  trendAltText,
} from '../../../src/services/charts.js';

/** The server-side trend chart: a real PNG of the documented size, the same bytes for the same weeks. */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Chunk {
  type: string;
  data: Buffer;
}

/** Walks the PNG chunks, checking each CRC-free length fits, and returns them. */
function chunks(png: Buffer): Chunk[] {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  const out: Chunk[] = [];
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

const week = (weekStart: string, over: Partial<WeekStats> = {}): WeekStats => ({
  weekStart,
  sent: 0,
  accepted: 0,
  declined: 0,
  expired: 0,
  acceptanceRate: null,
  medianHours: null,
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
  it('returns a PNG of CHART_SIZE', () => {
    const png = renderTrendChart(busyWeeks(12));
    expect(Buffer.isBuffer(png)).toBe(true);
    expect(header(png)).toMatchObject({ width: CHART_SIZE.width, height: CHART_SIZE.height, bitDepth: 8 });
    expect(chunks(png).at(-1)?.type).toBe('IEND');
  });

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

  it('works with no weeks at all', () => {
    const png = renderTrendChart([]);
    expect(header(png)).toMatchObject({ width: CHART_SIZE.width, height: CHART_SIZE.height });
  });

  it('works with weeks without any answers (null rates) and with every rate null but one', () => {
    const quiet = weeks(12);
    expect(header(renderTrendChart(quiet))).toMatchObject(CHART_SIZE);
    const gaps = weeks(12, (i) =>
      i === 6 ? { sent: 3, accepted: 1, declined: 1, acceptanceRate: 0.5, medianHours: 4 } : { sent: 1 },
    );
    expect(header(renderTrendChart(gaps))).toMatchObject(CHART_SIZE);
  });

  it('works with 52 weeks (the longest trend allowed) and large counts', () => {
    const year = weeks(52, (i) => ({
      sent: 1000 + i,
      accepted: 500 + i,
      declined: 300,
      expired: 200,
      acceptanceRate: (500 + i) / (1000 + i),
      medianHours: 12.5,
    }));
    expect(header(renderTrendChart(year))).toMatchObject(CHART_SIZE);
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
    expect(text).toBe('Handoffs per week over 2 weeks: 7 sent, 43% accepted.');
  });

  it("says 'no answers yet' when nothing was answered", () => {
    expect(trendAltText(weeks(12, () => ({ sent: 2 })))).toBe(
      'Handoffs per week over 12 weeks: 24 sent, no answers yet.',
    );
    expect(trendAltText([])).toBe('Handoffs per week over 0 weeks: 0 sent, no answers yet.');
  });

  it('counts expiries as answers (silence), so all-expired weeks are 0% accepted', () => {
    expect(trendAltText([week('2026-11-02', { sent: 2, expired: 2 })])).toMatch(/: 2 sent, 0% accepted\.$/);
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
