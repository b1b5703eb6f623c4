import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { WeekStats } from '../domain/metrics.js';

const require = createRequire(import.meta.url);
/** A font shipped with the app (DejaVu Sans), so charts have text on servers without any fonts installed. */
const FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT = 'DejaVu Sans';

export const CHART_SIZE = { width: 900, height: 420 } as const;

/** The picture a sentence describes: alt text for the image block, for screen readers and notifications. */
export function trendAltText(weeks: readonly WeekStats[]): string {
  const answered = weeks.reduce((n, w) => n + w.accepted + w.declined + w.expired, 0);
  const accepted = weeks.reduce((n, w) => n + w.accepted, 0);
  const share = answered === 0 ? 'no answers yet' : `${Math.round((accepted / answered) * 100)}% accepted`;
  return `Handoffs per week over ${weeks.length} week${weeks.length === 1 ? '' : 's'}: ${weeks.reduce((n, w) => n + w.sent, 0)} sent, ${share}.`;
}

/**
 * The week-by-week trend as a PNG: answers per week stacked (accepted, declined, expired) with the handoffs sent,
 * and the acceptance rate as a line. echarts renders SVG server-side (no browser, no canvas); resvg rasterizes it,
 * since Slack's image blocks take PNG, JPEG or GIF only.
 */
function trendSvg(weeks: readonly WeekStats[], title: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZE });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT },
      title: { text: title, left: 'center', textStyle: { fontFamily: FONT, fontSize: 16 } },
      legend: { bottom: 0, textStyle: { fontFamily: FONT } },
      grid: { left: 56, right: 64, top: 56, bottom: 64 },
      xAxis: { type: 'category', data: weeks.map((w) => w.weekStart.slice(5)), name: 'week of' },
      yAxis: [
        { type: 'value', name: 'handoffs', minInterval: 1 },
        { type: 'value', name: 'accepted %', min: 0, max: 100, splitLine: { show: false } },
      ],
      series: [
        { name: 'Sent', type: 'bar', data: weeks.map((w) => w.sent), itemStyle: { color: '#9aa5b1' } },
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
          name: 'Acceptance rate',
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
