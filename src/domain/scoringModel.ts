/** The scorecard's model: its nine components, bands, rules and what scoring reads (see scoring.ts). */

export const COMPONENTS = [
  'target_account',
  'partner_context',
  'relationship_path',
  'buyer_problem',
  'partner_offer',
  'next_action',
  'owner',
  'acceptance_criteria',
  'proof',
] as const;
export type ComponentId = (typeof COMPONENTS)[number];

export const COMPONENT_LABEL: Record<ComponentId, string> = {
  target_account: 'Target account logic',
  partner_context: 'Partner context',
  relationship_path: 'Relationship path',
  buyer_problem: 'Buyer problem',
  partner_offer: 'Partner offer',
  next_action: 'Next action',
  owner: 'Owner',
  acceptance_criteria: 'Acceptance criteria',
  proof: 'Proof',
};

export type ComponentScore = 0 | 1 | 2;
export interface ComponentResult {
  id: ComponentId;
  score: ComponentScore;
  /** One line, starting with strong / weak / missing, saying why. */
  reason: string;
}

export type Band = 'ready' | 'fix' | 'keep_building';
export const BAND_LABEL: Record<Band, string> = {
  ready: 'Ready to hand off',
  fix: 'Fix the weak parts',
  keep_building: 'Keep building',
};

/** Band thresholds (configuration: SCORE_BANDS). A total at or above `ready` is ready; at or above `fix`, fix. */
export interface Bands {
  ready: number;
  fix: number;
}

/**
 * The fixed thresholds of the rules (the configurable ones, bands and the window maximum, come in `Bands` and
 * `ScoringContext`). Named here so the reasons, docs/packet.md and the tests quote the same numbers.
 */
export const SCORING_RULES = {
  /** Why this partner matters: at least this many words. */
  whyPartnerWords: 8,
  /** Customer trigger: under this many words is missing. */
  triggerWords: 5,
  /** Joint value proposition: at least this many words. */
  jointValueWords: 10,
  /** Partner next move: under this many words is missing. */
  partnerMoveWords: 3,
  /** Seller next move: under this many words is missing. */
  sellerMoveWords: 3,
  /** The partner's move must be dated within this many days from today. */
  partnerMoveDays: 14,
  /** Three or more words of which at most this share are distinct: the same words repeated. */
  repeatedShare: 0.5,
  /** This many partnership buzzwords, outnumbering the other words, with no name, number or date: filler. */
  buzzwords: 2,
} as const;

export interface ScoringInput {
  accountName: string;
  crmOpportunity: string | null;
  accountDomain: string | null;
  onPriorityList: boolean;
  partnerOrg: string;
  partnerContactName: string;
  partnerContactRole: string | null;
  whyPartner: string;
  customerTrigger: string;
  jointValue: string;
  warmPath: string;
  sellerNextMove: string;
  partnerNextMove: string;
  partnerNextMoveDate: string | null;
  partnerAgreedInWriting: boolean;
  riskNote: string | null;
  evidenceUrl: string | null;
  responseWindowDays: number;
}

export interface ScoringContext {
  /**
   * The author's today (YYYY-MM-DD) in their own zone: they typed the partner's move date, which must fall within the
   * next two weeks of it (an evening in New York is still that day there, whatever the AE's or UTC's day).
   */
  today: string;
  /** The owner's Slack name, to spot a shared or team account. */
  ownerName: string;
  /** Windows longer than this are weak (configuration: SCORE_MAX_WINDOW_DAYS). */
  maxWindowDays: number;
  /**
   * The accounts of the installation's handoffs: a field that names one of them and not this account is about another
   * account. Absent: none known.
   */
  knownAccounts?: readonly string[];
}

export interface Scorecard {
  components: ComponentResult[];
  total: number;
  band: Band;
}

export const strong = (id: ComponentId, why: string): ComponentResult => ({
  id,
  score: 2,
  reason: `strong: ${why}`,
});
export const weak = (id: ComponentId, why: string): ComponentResult => ({
  id,
  score: 1,
  reason: `weak: ${why}`,
});
export const missing = (id: ComponentId, why: string): ComponentResult => ({
  id,
  score: 0,
  reason: `missing: ${why}`,
});
