import { describe, expect, it } from 'vitest';
import { REVIEW_BLOCK_ID } from '../../../src/blocks/ids.js';
import { reviewModal } from '../../../src/blocks/reviewModal.js';
import { readiness, scorePacket } from '../../../src/domain/scoring.js';
import type { Finding } from '../../../src/services/checks.js';
import type { Review } from '../../../src/services/packets.js';
import { validateView } from '../../support/fakeSlack.js';
import { fill, worstHandoff } from './fixtures.js';
import { expectModalWithinLimits } from './limits.js';

function review(pattern: string, overrides: Partial<Review> = {}): Review {
  const h = worstHandoff(pattern);
  const packet = {
    ...h,
    aeUserId: h.aeUserId,
    ownerUserId: h.ownerUserId,
    accountDomain: null,
    partnerTouchOn: '2026-03-01',
  } as unknown as Review['packet'];
  const scorecard = scorePacket(
    packet,
    { today: '2026-03-02', ownerName: 'Pat', maxWindowDays: 5 },
    { ready: 15, fix: 10 },
  );
  const findings: Finding[] = Array.from({ length: 12 }, (_, i) => ({
    kind: i % 2 ? 'conflict' : 'duplicate',
    handoffId: i + 1,
    accountName: fill(pattern, 150),
    partnerOrg: fill(pattern, 150),
    status: 'sent',
    aeUserId: 'U0AE',
  }));
  return {
    packet,
    ae: { id: 'U0AE', teamId: 'T0INTERNAL', name: 'Jordan', timeZone: 'Europe/Berlin' },
    scorecard,
    readiness: readiness(packet, scorecard),
    classification: 'partner_influenced',
    classificationReason: fill(pattern, 400),
    findings,
    overrideNeeded: ['duplicate'],
    partnerChannelExternal: true,
    authorLastScores: [14, 16, 18],
    ...overrides,
  };
}

describe('the review step', () => {
  for (const pattern of ['&', '<!channel>']) {
    it(`stays within Slack's modal limits for the largest packet and ten findings (${pattern})`, () => {
      const view = reviewModal(7, review(pattern));
      expectModalWithinLimits(view);
      expect(validateView(view, ['modal'])?.messages ?? []).toEqual([]);
      expect(JSON.stringify(view)).not.toContain('<!channel>');
    });
  }

  it('asks for a reason only when sending needs one', () => {
    const ids = (r: Review) => reviewModal(1, r).blocks.map((b) => b.block_id);
    expect(ids(review('a'))).toContain(REVIEW_BLOCK_ID.override);
    expect(ids(review('a', { overrideNeeded: [] }))).not.toContain(REVIEW_BLOCK_ID.override);
  });

  it('says when the partner channel is shared with the partner', () => {
    expect(JSON.stringify(reviewModal(1, review('a')))).toContain(
      'Slack Connect channel shared with the partner',
    );
    expect(JSON.stringify(reviewModal(1, review('a', { partnerChannelExternal: false })))).not.toContain(
      'Slack Connect',
    );
  });
});
