import { appHomeView, type HomeModel } from '../../../src/blocks/appHome.js';
import { weeklyDigest } from '../../../src/blocks/digest.js';
import { stats } from '../../support/metricsFixtures.js';
import { EVERY_BUTTON } from './offers.js';

/** The App Home of `over`: every list empty and every button offered unless it says otherwise. */
export const homeView = (over: Partial<HomeModel> = {}) =>
  appHomeView({ awaiting: [], deals: [], sent: [], owned: [], offer: () => EVERY_BUTTON, ...over });

/** The weekly digest of a quiet week of 2026-11-16 (no chart, nothing at risk), overridden by `over`. */
export const digestOf = (over: Partial<Parameters<typeof weeklyDigest>[0]> = {}) =>
  weeklyDigest({
    weekLabel: '2026-11-16',
    stats: stats(),
    previous: stats(),
    chart: null,
    trendWeeks: 12,
    atRisk: { dueSoon: [], unanswered: [], stalled: [] },
    ...over,
  });
