import type { PeriodKey } from './periods.js';
import { type Band, COMPONENTS, type ComponentId, type ComponentScore } from './scoringModel.js';

/**
 * The score against outcomes: over the handoffs sent in a period, with the scorecard each was sent
 * with and what happened to it since, the outcomes per score band and per component (strong, 2, against weaker, 0 or
 * 1). Counted, never trained: nothing here changes a score. docs/revops.md "The score against outcomes".
 * - acceptance: accepts of the answers (accepted + declined) the packets got; silence: expiries of the AE windows that
 *   closed (accepted + declined + expired; an expiry while the AE was known away is no silence, as in the metrics);
 * - meeting: packets with a meeting held recorded, or a later step (an opportunity, a win) that follows one;
 * - won: packets recorded won. An outcome step undone is not counted (the touch log's metric facts drop it).
 * A group of fewer than `minPackets` packets has no rates: "12 packets: too few to tell". A component is flagged when
 * both sides have enough packets and its strong side is not ahead by `flagPoints` on acceptance or on won, or when
 * its weaker side does better on either.
 */
export const SCORE_CHECK_RULES = {
  /** A group with fewer packets than this shows its count, no rates, and no flag. */
  minPackets: 30,
  /** Percentage points the strong side must lead by, on acceptance or won, to separate outcomes. */
  flagPoints: 10,
} as const;

/** One handoff sent in the period: its band and components as sent, and what happened to it since. */
export interface ScoredHandoff {
  handoffId: number;
  /** Null: sent before scores were kept. */
  band: Band | null;
  /** Null: no scorecard kept. */
  components: readonly { id: ComponentId; score: ComponentScore }[] | null;
  accepted: number;
  declined: number;
  expired: number;
  meeting: boolean;
  won: boolean;
}

/** A group's counts. */
export interface OutcomeCounts {
  packets: number;
  accepted: number;
  /** accepted + declined */
  answered: number;
  expired: number;
  /** accepted + declined + expired */
  windows: number;
  meetings: number;
  won: number;
}

export interface OutcomeRates {
  /** accepted of answered (null: no answers). */
  acceptance: number | null;
  /** expired of windows (null: no window closed). */
  silence: number | null;
  meeting: number;
  won: number;
}

/** A group: its counts, and its rates when it has enough packets (null: too few to tell). */
export interface OutcomeGroup {
  counts: OutcomeCounts;
  rates: OutcomeRates | null;
}

export type ComponentVerdict = 'separates' | 'flagged' | 'too_few';

export interface ComponentCheck {
  id: ComponentId;
  /** Scored 2. */
  strong: OutcomeGroup;
  /** Scored 0 or 1. */
  weaker: OutcomeGroup;
  verdict: ComponentVerdict;
}

export interface ScoreCheck {
  /** Handoffs sent in the period. */
  packets: number;
  /** Of them, without a scorecard kept (sent before scores were kept): in no group. */
  unscored: number;
  bands: { band: Band; group: OutcomeGroup }[];
  components: ComponentCheck[];
}

export const BANDS_IN_ORDER: readonly Band[] = ['ready', 'fix', 'keep_building'];

const emptyCounts = (): OutcomeCounts => ({
  packets: 0,
  accepted: 0,
  answered: 0,
  expired: 0,
  windows: 0,
  meetings: 0,
  won: 0,
});

function add(counts: OutcomeCounts, h: ScoredHandoff): void {
  counts.packets += 1;
  counts.accepted += h.accepted;
  counts.answered += h.accepted + h.declined;
  counts.expired += h.expired;
  counts.windows += h.accepted + h.declined + h.expired;
  if (h.meeting) counts.meetings += 1;
  if (h.won) counts.won += 1;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** A group's rates, or null when it has too few packets to tell. */
export function groupOf(
  counts: OutcomeCounts,
  minPackets: number = SCORE_CHECK_RULES.minPackets,
): OutcomeGroup {
  if (counts.packets < minPackets) return { counts, rates: null };
  return {
    counts,
    rates: {
      acceptance: ratio(counts.accepted, counts.answered),
      silence: ratio(counts.expired, counts.windows),
      meeting: counts.meetings / counts.packets,
      won: counts.won / counts.packets,
    },
  };
}

/** Strong minus weaker, in points to a millionth (null when either has no such rate): 60% − 50% is 10, not 9.99…. */
const lead = (strong: number | null, weaker: number | null) =>
  strong === null || weaker === null ? null : Math.round((strong - weaker) * 1e8) / 1e6;

/** Whether a component's strong and weaker packets separate outcomes (SCORE_CHECK_RULES). */
export function verdictOf(strong: OutcomeGroup, weaker: OutcomeGroup): ComponentVerdict {
  if (!strong.rates || !weaker.rates) return 'too_few';
  const leads = [
    lead(strong.rates.acceptance, weaker.rates.acceptance),
    lead(strong.rates.won, weaker.rates.won),
  ].filter((l): l is number => l !== null);
  if (leads.length === 0) return 'too_few';
  const ahead = leads.some((l) => l >= SCORE_CHECK_RULES.flagPoints);
  const behind = leads.some((l) => l < 0);
  return ahead && !behind ? 'separates' : 'flagged';
}

/** The check over the handoffs sent in a period (each once). */
export function scoreCheck(handoffs: readonly ScoredHandoff[]): ScoreCheck {
  const bands = new Map(BANDS_IN_ORDER.map((b) => [b, emptyCounts()]));
  const strong = new Map(COMPONENTS.map((id) => [id, emptyCounts()]));
  const weaker = new Map(COMPONENTS.map((id) => [id, emptyCounts()]));
  let unscored = 0;
  for (const h of handoffs) {
    if (h.band) {
      const counts = bands.get(h.band);
      if (counts) add(counts, h);
    }
    if (!h.components) {
      unscored += 1;
      continue;
    }
    for (const c of h.components) {
      const side = (c.score === 2 ? strong : weaker).get(c.id);
      if (side) add(side, h);
    }
  }
  return {
    packets: handoffs.length,
    unscored,
    bands: BANDS_IN_ORDER.map((band) => ({ band, group: groupOf(bands.get(band) ?? emptyCounts()) })),
    components: COMPONENTS.map((id) => {
      const s = groupOf(strong.get(id) ?? emptyCounts());
      const w = groupOf(weaker.get(id) ?? emptyCounts());
      return { id, strong: s, weaker: w, verdict: verdictOf(s, w) };
    }),
  };
}

/** The components flagged, in the scorecard's order. */
export const flaggedComponents = (check: ScoreCheck) =>
  check.components.filter((c) => c.verdict === 'flagged');

/** The periods the score view offers (trailing, up to now): 90 days by default, or 12 months. */
export const SCORE_PERIODS = ['90d', '365d'] as const satisfies readonly PeriodKey[];
export type ScorePeriod = (typeof SCORE_PERIODS)[number];
export const DEFAULT_SCORE_PERIOD: ScorePeriod = '90d';
export const isScorePeriod = (value: unknown): value is ScorePeriod =>
  SCORE_PERIODS.includes(value as ScorePeriod);
