import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { counted } from '../blocks/mrkdwn.js';
import type { WeekStats } from '../domain/metrics.js';

const require = createRequire(import.meta.url);
/** A font shipped with the app (DejaVu Sans), so charts have text on servers without any fonts installed. */
const FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT = 'DejaVu Sans';

export const CHART_SIZE = { width: 900, height: 420 } as const;

/** Advance widths of the bundled font, from its own tables (cmap format 4, hmtx): what resvg will draw. */
function fontAdvances(file: string): (codePoint: number) => number {
  const ttf = readFileSync(file);
  const tables = new Map<string, number>();
  for (let i = 0, n = ttf.readUInt16BE(4); i < n; i += 1) {
    const at = 12 + i * 16;
    tables.set(ttf.toString('latin1', at, at + 4), ttf.readUInt32BE(at + 8));
  }
  const table = (tag: string) => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`${file}: no ${tag} table`);
    return at;
  };
  const unitsPerEm = ttf.readUInt16BE(table('head') + 18);
  const metrics = ttf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const cmap = table('cmap');
  let format4 = -1;
  for (let i = 0, n = ttf.readUInt16BE(cmap + 2); i < n; i += 1) {
    const record = cmap + 4 + i * 8;
    const sub = cmap + ttf.readUInt32BE(record + 4);
    if (ttf.readUInt16BE(record) === 3 && ttf.readUInt16BE(record + 2) === 1 && ttf.readUInt16BE(sub) === 4)
      format4 = sub;
  }
  if (format4 < 0) throw new Error(`${file}: no Unicode BMP cmap`);
  const segments = ttf.readUInt16BE(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  const glyph = (c: number): number => {
    for (let i = 0; i < segments; i += 1) {
      if (ttf.readUInt16BE(ends + i * 2) < c) continue;
      const start = ttf.readUInt16BE(starts + i * 2);
      if (start > c) return 0;
      const delta = ttf.readInt16BE(deltas + i * 2);
      const rangeOffset = ttf.readUInt16BE(rangeOffsets + i * 2);
      if (rangeOffset === 0) return (c + delta) & 0xffff;
      const id = ttf.readUInt16BE(rangeOffsets + i * 2 + rangeOffset + (c - start) * 2);
      return id === 0 ? 0 : (id + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return (c) => {
    let width = cache.get(c);
    if (width === undefined) {
      const id = c > 0xffff ? 0 : glyph(c);
      width = ttf.readUInt16BE(hmtx + Math.min(id, metrics - 1) * 4) / unitsPerEm;
      cache.set(c, width);
    }
    return width;
  };
}

const advance = fontAdvances(FONT_FILE);

/**
 * How wide `text` is in the bundled font at `font`'s size (a CSS font string, e.g. "12px DejaVu Sans"), in pixels.
 * Without a canvas echarts guesses text widths from a generic font, narrower than DejaVu Sans: the legend then
 * placed each marker inside the previous label. Telling it the real widths makes its layout match the PNG.
 */
export function measureChartText(text: string, font?: string): { width: number } {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
  let em = 0;
  for (const ch of text) em += advance(ch.codePointAt(0) ?? 0);
  return { width: em * size };
}

echarts.setPlatformAPI({ measureText: measureChartText });

/** The picture a sentence describes: alt text for the image block, for screen readers and notifications. */
export function trendAltText(weeks: readonly WeekStats[]): string {
  const sum = (f: (w: WeekStats) => number) => weeks.reduce((n, w) => n + f(w), 0);
  const accepted = sum((w) => w.accepted);
  const answered = accepted + sum((w) => w.declined);
  const expired = sum((w) => w.expired);
  const share =
    answered === 0
      ? 'no answers yet'
      : `${accepted} of ${counted(answered, 'answer')} accepted (${Math.round((accepted / answered) * 100)}%)`;
  return `Handoffs per week over ${counted(weeks.length, 'week')}: ${counted(
    sum((w) => w.sent),
    'handoff',
  )} sent, ${share}${answered + expired === 0 ? '' : `, ${expired} of ${counted(answered + expired, 'AE window')} expired`}.`;
}

/**
 * The week-by-week trend as a PNG: the AE windows closed per week stacked (accepted, declined, expired) next to the
 * handoffs sent, and the acceptance rate (accepted of accepted + declined) as a line. echarts renders SVG server-side (no browser, no canvas); resvg rasterizes it,
 * since Slack's image blocks take PNG, JPEG or GIF only.
 */
export function trendSvg(weeks: readonly WeekStats[], title = 'Co-sell handoffs per week'): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZE });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT },
      title: { text: title, left: 'center', textStyle: { fontFamily: FONT, fontSize: 16 } },
      // The legend has its own row under the axis title, with room between one label and the next marker.
      legend: { bottom: 6, itemGap: 18, textStyle: { fontFamily: FONT } },
      grid: { left: 56, right: 64, top: 56, bottom: 86 },
      // The axis title goes centred under the week labels: at the axis end it ran into the right axis's "0".
      xAxis: {
        type: 'category',
        data: weeks.map((w) => w.weekStart.slice(5)),
        name: 'week of (Monday)',
        nameLocation: 'middle',
        nameGap: 30,
      },
      yAxis: [
        { type: 'value', name: 'handoffs / windows', nameTextStyle: { align: 'left' }, minInterval: 1 },
        {
          type: 'value',
          name: 'accepted %',
          nameTextStyle: { align: 'right' },
          min: 0,
          max: 100,
          splitLine: { show: false },
        },
      ],
      series: [
        {
          name: 'Handoffs sent',
          type: 'bar',
          data: weeks.map((w) => w.sent),
          itemStyle: { color: '#9aa5b1' },
        },
        {
          name: 'Accepted',
          type: 'bar',
          stack: 'answers',
          data: weeks.map((w) => w.accepted),
          itemStyle: { color: '#2e7d32' },
        },
        {
          name: 'Declined',
          type: 'bar',
          stack: 'answers',
          data: weeks.map((w) => w.declined),
          itemStyle: { color: '#ef6c00' },
        },
        {
          name: 'Expired (silence)',
          type: 'bar',
          stack: 'answers',
          data: weeks.map((w) => w.expired),
          itemStyle: { color: '#c62828' },
        },
        {
          name: 'Accepted % of answers',
          type: 'line',
          yAxisIndex: 1,
          connectNulls: true,
          data: weeks.map((w) =>
            w.acceptanceRate === null ? null : Math.round(w.acceptanceRate * 1000) / 10,
          ),
          itemStyle: { color: '#1565c0' },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const RASTER_OPTIONS = {
  background: '#ffffff',
  font: { loadSystemFonts: false, fontFiles: [FONT_FILE], defaultFontFamily: FONT },
};

export function renderTrendChart(weeks: readonly WeekStats[], title = 'Co-sell handoffs per week'): Buffer {
  return new Resvg(trendSvg(weeks, title), RASTER_OPTIONS).render().asPng();
}

/**
 * The same PNG in two turns of the event loop, so the app never holds other requests for the whole drawing: about
 * 20 ms to lay out the SVG, then 20 ms to rasterize it. (resvg's renderAsync would rasterize on libuv's thread
 * pool instead, but its allocations there grew the process by 20–40 MB of malloc arenas in the benchmark.)
 */
export async function renderTrendChartInTurns(
  weeks: readonly WeekStats[],
  title = 'Co-sell handoffs per week',
): Promise<Buffer> {
  const svg = trendSvg(weeks, title);
  await nextTurn();
  return new Resvg(svg, RASTER_OPTIONS).render().asPng();
}
