/**
 * Decline reasons are coded so RevOps can count them. The partner only ever sees the partner-safe wording (none for
 * `neutral`: they read only that it is not taken forward); the AE's free-text note stays internal.
 */
export const DECLINE_REASONS = {
  wrong_owner: {
    label: 'Not my account / wrong owner',
    partnerSafe: 'This account sits with a different team; we are finding the right owner.',
  },
  already_working: {
    label: 'Already working it',
    partnerSafe: 'Our team is already engaged with this account; we will coordinate next steps with you.',
  },
  duplicate: {
    label: 'Duplicate of another handoff',
    partnerSafe: 'This opportunity was already registered with us.',
  },
  timing: {
    label: 'Timing is not right',
    partnerSafe: 'The timing is not right for this account yet.',
  },
  no_clear_problem: {
    label: 'No clear customer problem',
    partnerSafe: 'We need a clearer view of the customer need before acting.',
  },
  no_clear_next_step: {
    label: 'No clear next step',
    partnerSafe: 'We need a clearer next step before acting.',
  },
  partner_not_fit: {
    label: 'Partner not a fit for this deal',
    partnerSafe: 'We do not see a joint motion for this opportunity right now.',
  },
  neutral: {
    label: 'Prefer not to say (the partner reads no reason)',
    partnerSafe: '',
  },
  other: {
    label: 'Other',
    partnerSafe: 'Our team will follow up.',
  },
} as const;

export type DeclineReason = keyof typeof DECLINE_REASONS;

export const DECLINE_REASON_CODES = Object.keys(DECLINE_REASONS) as DeclineReason[];

export function isDeclineReason(value: unknown): value is DeclineReason {
  return typeof value === 'string' && Object.hasOwn(DECLINE_REASONS, value);
}

export const DECLINE_NOTE_MAX = 1000;
