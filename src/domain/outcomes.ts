/** What happened to the deal after the AE accepted it, in order. Won and lost are final. */
export const OUTCOMES = ['meeting_held', 'opportunity_created', 'won', 'lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABEL: Record<Outcome, string> = {
  meeting_held: 'Meeting held',
  opportunity_created: 'Opportunity created',
  won: 'Closed won',
  lost: 'Closed lost',
};

const STEP: Record<Outcome, number> = { meeting_held: 1, opportunity_created: 2, won: 3, lost: 3 };

export const isFinalOutcome = (outcome: Outcome | null) => outcome === 'won' || outcome === 'lost';

/** A deal only moves forward: a step may be skipped, never repeated or undone, and nothing follows won or lost. */
export function canRecordOutcome(current: Outcome | null, next: Outcome): boolean {
  if (isFinalOutcome(current)) return false;
  return current === null || STEP[next] > STEP[current];
}

/** The outcomes still open to record after `current`, in order. */
export function nextOutcomes(current: Outcome | null): Outcome[] {
  return OUTCOMES.filter((outcome) => canRecordOutcome(current, outcome));
}

/** Lost reasons are coded; the partner sees only the partner-safe wording, never the internal note. */
export const LOST_REASONS = {
  no_budget: { label: 'No budget', partnerSafe: 'The customer did not have budget for it this time.' },
  no_decision: { label: 'No decision / stalled', partnerSafe: 'The customer did not move forward for now.' },
  competitor: { label: 'Lost to a competitor', partnerSafe: 'The customer chose another option.' },
  timing: { label: 'Timing', partnerSafe: 'The timing was not right for the customer.' },
  no_fit: { label: 'Not a fit', partnerSafe: 'It turned out not to be the right fit for the customer.' },
  other: { label: 'Other', partnerSafe: 'The deal did not go ahead; our team can tell you more.' },
} as const;
export type LostReason = keyof typeof LOST_REASONS;
export const LOST_REASON_CODES = Object.keys(LOST_REASONS) as LostReason[];
export const isLostReason = (value: unknown): value is LostReason =>
  typeof value === 'string' && Object.hasOwn(LOST_REASONS, value);
