import { describe, expect, it } from 'vitest';
import { REVIEW_BLOCK_ID } from '../../../src/blocks/ids.js';
import { emptyPoolText } from '../../../src/blocks/packetReplies.js';
import { partnerThreadParent } from '../../../src/blocks/partnerUpdate.js';
import { reviewModal } from '../../../src/blocks/reviewModal.js';
import { partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';
import { readiness } from '../../../src/domain/readiness.js';
import { scorePacket } from '../../../src/domain/scoring.js';
import type { Finding } from '../../../src/packets/checks.js';
import type { Review } from '../../../src/packets/index.js';
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
    readiness: readiness(packet, null),
    classification: 'partner_influenced',
    classificationReason: fill(pattern, 400),
    findings,
    overrideNeeded: ['duplicate'],
    partnerChannelExternal: true,
    authorLastScores: [14, 16, 18],
    partner: { id: 3, name: fill(pattern, 150) },
    partnerChannel: {
      id: 'C0PARTNER',
      name: 'ext-meridian',
      external: [{ teamId: 'T0P', teamName: fill(pattern, 150) }],
    },
    confirm: { kind: 'alias', typed: fill(pattern, 150), partner: { id: 3, name: fill(pattern, 150) } },
    internalText: (['accountName', 'partnerOrg', 'partnerContactName', 'partnerNextMove'] as const).map(
      (field) => ({
        field,
        matches: Array.from({ length: 30 }, (_, i) => `${fill(pattern, 50)}${i}`),
      }),
    ),
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
    const none = JSON.stringify(reviewModal(1, review('a', { partnerChannel: null, confirm: undefined })));
    expect(none).not.toContain('Slack Connect channel shared with the partner');
    expect(none).toContain('No partner channel.');
    expect(none).toContain('will hear nothing about this handoff in Slack');
  });

  it('shows the partner post as the partner channel will show it, rendered by the code that posts it', () => {
    const r = review('a', { confirm: undefined, internalText: [] });
    const ids = (x: Review) => reviewModal(1, x).blocks.map((b) => b.block_id);
    const post = partnerThreadParent(partnerSafeUpdate({ ...r.packet, aeName: r.ae.name }, 'accepted'));
    const blocks = reviewModal(1, r).blocks;
    const at = blocks.findIndex((b) => JSON.stringify(b) === JSON.stringify(post.blocks[0]));
    expect(at).toBeGreaterThan(0);
    expect(blocks[at + 1]).toEqual(post.blocks[1]);
    expect(ids(r)).not.toContain(REVIEW_BLOCK_ID.confirmPartner);
    expect(ids(r)).not.toContain(REVIEW_BLOCK_ID.confirmInternalText);
  });

  it('asks to confirm a partner match and internal-looking text, each with a required checkbox', () => {
    const r = review('a', {
      confirm: { kind: 'workspace', teamName: 'Meridian Cloud Consulting', partnerName: 'Meridian' },
      internalText: [{ field: 'partnerNextMove', matches: ['internal', '15%', 'fee'] }],
    });
    const view = reviewModal(1, r);
    const box = (id: string) =>
      view.blocks.find((b) => b.block_id === id) as { optional?: boolean; type: string };
    expect(box(REVIEW_BLOCK_ID.confirmPartner)?.type).toBe('input');
    expect(box(REVIEW_BLOCK_ID.confirmPartner)?.optional).not.toBe(true);
    expect(box(REVIEW_BLOCK_ID.confirmInternalText)?.type).toBe('input');
    const text = JSON.stringify(view);
    expect(text).toContain(
      'shared with the Slack workspace *Meridian Cloud Consulting*. Is that *Meridian*?',
    );
    expect(text).toContain('• *Partner next move*: “internal”, “15%”, “fee”');
  });
});

describe('the review header agrees with the readiness checklist', () => {
  const header = (r: Review) => (reviewModal(1, r).blocks[0] as { text: { text: string } }).text.text;
  const strong = (r: Review): Review => ({ ...r, scorecard: { ...r.scorecard, total: 18, band: 'ready' } });

  it('says ready only when every item holds, and how many are open otherwise', () => {
    const base = strong(review('a'));
    const items = (open: number) => base.readiness.map((item, i) => ({ ...item, met: i >= open }));
    expect(header({ ...base, readiness: items(0) })).toBe('18/18 · Ready to hand off');
    // A strong packet whose channel-conflict check is not noted: not "Ready" beside a ⬜.
    const conflictOpen = base.readiness.map((item) => ({ ...item, met: !/conflict/.test(item.label) }));
    expect(header({ ...base, readiness: conflictOpen })).toBe(
      '18/18 · Strong, not ready: 1 readiness item open',
    );
    expect(header({ ...base, readiness: items(2) })).toBe(
      '18/18 · Strong, not ready: 2 readiness items open',
    );
    // Lower bands keep their own words.
    const fix = { ...base, scorecard: { ...base.scorecard, total: 12, band: 'fix' as const } };
    expect(header({ ...fix, readiness: items(2) })).toBe('12/18 · Fix the weak parts');
  });
});

describe('a packet that named a pool (no pool id reaches a reader)', () => {
  const skipped = [{ user: 'U0AWAY', why: 'away' }];
  const roundRobin = (r: Review) => JSON.stringify(reviewModal(1, r));

  it('names the pool as the policy file names it', () => {
    const text = roundRobin(
      review('a', { fromPool: { name: 'emea-ae', title: 'EMEA account executives', skipped } }),
    );
    expect(text).toContain('is the next AE of the *EMEA account executives* pool');
    expect(text).not.toContain('emea-ae');
  });

  it('a review saved before the pool had a title reads the id made readable', () => {
    const text = roundRobin(review('a', { fromPool: { name: 'emea-ae', skipped } }));
    expect(text).toContain('is the next AE of the *Emea ae* pool');
    expect(text).not.toContain('emea-ae');
  });

  it('the inline error for a pool with nobody free names the pool as people read it', () => {
    expect(emptyPoolText('EMEA account executives', 2)).toBe(
      'Nobody in the EMEA account executives pool can take it now (2 skipped: away, paused, full, or you). Choose an account executive.',
    );
  });
});
