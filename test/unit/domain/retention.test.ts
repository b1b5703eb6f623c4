import { describe, expect, it } from 'vitest';
import { detailFacts, detailWithoutWords, REMOVED_TEXT } from '../../../src/domain/retention.js';

describe("what retention leaves of a touch-log event's detail", () => {
  const away = {
    away: 'On holiday in Crete',
    awayDays: '2026-12-01 to 2026-12-05',
    awaySince: '2026-11-30T09:00:00.000Z',
    until: '2026-12-05T17:00:00.000Z',
    cover: 'U0COVER',
  };

  it('without the packet’s words: the first step and names go, an away status is kept as the marker', () => {
    expect(
      detailWithoutWords({ firstStep: 'Call Ada at Acme', firstStepDue: '2026-12-01', score: 3 }),
    ).toEqual({ firstStepDue: '2026-12-01', score: 3 });
    expect(detailWithoutWords(away)).toEqual({ ...away, away: REMOVED_TEXT, awayDays: REMOVED_TEXT });
    expect(detailWithoutWords({ step: 'Demo' })).toBeNull();
    expect(detailWithoutWords(null)).toBeNull();
  });

  it('its facts: codes, counts, dates and the program’s names stay; people, their words and lists of people go', () => {
    expect(detailFacts(away)).toEqual({
      away: REMOVED_TEXT,
      awayDays: REMOVED_TEXT,
      awaySince: away.awaySince,
      until: away.until,
    });
    // The program's names and codes stay; the people it went to and the AE it left go.
    const policyStep = {
      ...{
        policy: 'enterprise',
        policyName: 'Enterprise',
        policyLevel: 2,
        repeat: false,
        action: 'reassign',
      },
      ...{ pool: 'emea', poolName: 'EMEA AEs' },
    };
    expect(detailFacts({ ...policyStep, to: ['U0OWNER', 'C0ESC'], previousAeUserId: 'U0PREV' })).toEqual(
      policyStep,
    );
    expect(
      detailFacts({ fields: ['Risk note', 'Why this partner'], heldBack: ['partner next move'] }),
    ).toEqual({ fields: ['Risk note', 'Why this partner'], heldBack: ['partner next move'] });
    expect(detailFacts({ outcome: 'won', recordedBy: 'U0AE', reportedBy: 'U0OWNER' })).toEqual({
      outcome: 'won',
    });
    expect(detailFacts({ recordedBy: 'U0AE' })).toBeNull();
  });
});
