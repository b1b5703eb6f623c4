import type { WeekStats } from '../../src/domain/metrics.js';

/** A week of the trend: `week('2026-11-16', [sent, accepted, declined, expired], acceptanceRate, medianHours)`. */
export const week = (
  weekStart: string,
  [sent, accepted, declined, expired]: readonly [number, number, number, number],
  acceptanceRate: number | null = null,
  medianHours: number | null = null,
): WeekStats => ({ weekStart, sent, accepted, declined, expired, acceptanceRate, medianHours });
