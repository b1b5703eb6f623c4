/** Partner-sourced or partner-influenced, decided by rule when the handoff is sent (DOMAIN.md, "Attribution"). */
export type Classification = 'partner_sourced' | 'partner_influenced';

export const CLASSIFICATION_LABEL: Record<Classification, string> = {
  partner_sourced: 'Partner-sourced',
  partner_influenced: 'Partner-influenced',
};

export interface AttributionInput {
  /** The CRM opportunity (id or link), if one exists. */
  crmOpportunity: string | null;
  /** When that opportunity was created (YYYY-MM-DD), if known. */
  opportunityCreatedOn: string | null;
  /** When the partner first acted on this account (YYYY-MM-DD). */
  partnerTouchOn: string;
}

/**
 * The rule, mechanically:
 * - no opportunity exists → sourced (the partner's action came first);
 * - an opportunity created after the partner's first action → sourced;
 * - an opportunity created on or before that day, or of unknown creation date → influenced.
 */
export function classify(input: AttributionInput): { classification: Classification; reason: string } {
  if (!input.crmOpportunity) {
    return { classification: 'partner_sourced', reason: 'No opportunity existed when the partner acted.' };
  }
  if (!input.opportunityCreatedOn) {
    return {
      classification: 'partner_influenced',
      reason:
        'An opportunity already exists and its creation date is not given, so the partner influenced it.',
    };
  }
  if (input.opportunityCreatedOn > input.partnerTouchOn) {
    return {
      classification: 'partner_sourced',
      reason: `The opportunity was created on ${input.opportunityCreatedOn}, after the partner's first action on ${input.partnerTouchOn}.`,
    };
  }
  return {
    classification: 'partner_influenced',
    reason: `The opportunity existed on ${input.opportunityCreatedOn}, before or on the partner's first action on ${input.partnerTouchOn}.`,
  };
}
