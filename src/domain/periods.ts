/** The periods RevOps can pick in the App Home: trailing days up to now. */
export const PERIODS = {
  '7d': { days: 7, label: 'Last 7 days' },
  '30d': { days: 30, label: 'Last 30 days' },
  '90d': { days: 90, label: 'Last 90 days' },
  '365d': { days: 365, label: 'Last 12 months' },
} as const;
export type PeriodKey = keyof typeof PERIODS;
export const DEFAULT_PERIOD: PeriodKey = '30d';

export const isPeriodKey = (value: unknown): value is PeriodKey =>
  typeof value === 'string' && Object.hasOwn(PERIODS, value);
