import type { MetricEvent } from '../../src/domain/metrics.js';

/** One metric event; what is not given is neutral (partner p1, AE A1, author W1, sourced, no score). */
export function metricEvent(
  type: MetricEvent['type'],
  at: string | Date,
  over: Partial<Omit<MetricEvent, 'type' | 'at'>> = {},
): MetricEvent {
  return {
    type,
    at: new Date(at),
    handoffId: 1,
    aeUserId: 'A1',
    businessHours: null,
    partnerKey: 'p1',
    partnerOrg: 'Partner One',
    authorUserId: 'W1',
    classification: 'partner_sourced',
    score: null,
    earlierAccept: false,
    earlierAcceptSamePartner: false,
    earlierAcceptSameAuthor: false,
    ...over,
  };
}
