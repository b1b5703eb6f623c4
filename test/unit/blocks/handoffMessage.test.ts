import type { ActionsBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { handoffMessage } from '../../../src/blocks/handoffMessage.js';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import { DECLINE_REASONS } from '../../../src/domain/decline.js';
import { type PacketInput, parsePacket } from '../../../src/domain/packet.js';

const validInput = (): PacketInput => ({
  accountName: 'Northwind',
  partnerOrg: 'Meridian',
  partnerContactName: 'Dana Reyes',
  whyPartner: 'Ran the migration.',
  customerTrigger: 'Asked about invoices.',
  jointValue: 'We automate; they implement.',
  warmPath: 'Dana introduces the AE.',
  sellerNextMove: 'Bring the demo.',
  partnerNextMove: 'Confirm the meeting.',
  aeUserId: 'U0AE',
  ownerUserId: 'U0AUTHOR',
  responseWindowDays: '3',
  partnerChannelId: 'C0PARTNER',
});

import { decision, handoff, WORST_PATTERNS, worstHandoff, worstNote } from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits } from './limits.js';

const actions = (blocks: KnownBlock[]) => blocks.filter((b): b is ActionsBlock => b.type === 'actions');
const allText = (blocks: KnownBlock[]) => JSON.stringify(blocks);

describe('handoffMessage: Block Kit limits for the largest packet', () => {
  it.each(WORST_PATTERNS)('stays within limits when every field is %j at its maximum', (pattern) => {
    expectMessageWithinLimits(handoffMessage(worstHandoff(pattern)));
    const accepted = worstHandoff(pattern, { status: 'accepted' });
    expectMessageWithinLimits(handoffMessage(accepted, decision()));
    const declined = worstHandoff(pattern, { status: 'declined' });
    const d = decision({ decision: 'declined', reasonCode: 'timing', note: worstNote(pattern) });
    expectMessageWithinLimits(handoffMessage(declined, d));
  });

  it('neutralises <!channel> typed into any packet field', () => {
    const h = worstHandoff('<!channel>');
    expectMentionsNeutralised(handoffMessage(h));
  });

  it('keeps a normalised evidence link at its maximum length within the section limit', () => {
    const parsed = parsePacket(
      { ...validInput(), evidenceUrl: `https://example.com/?q=${'<'.repeat(1970)}` },
      '2026-01-01',
    );
    expect(parsed.ok).toBe(false);
    const longest = parsePacket(
      { ...validInput(), evidenceUrl: `https://example.com/?q=${'a|'.repeat(490)}` },
      '2026-01-01',
    );
    expect(longest.ok).toBe(true);
    if (longest.ok) {
      expect(longest.packet.evidenceUrl).not.toMatch(/[|<> ]/);
      expectMessageWithinLimits(handoffMessage(handoff({ evidenceUrl: longest.packet.evidenceUrl })));
    }
  });

  it('shows every packet field to the AE', () => {
    const h = handoff();
    const text = allText(handoffMessage(h).blocks);
    for (const value of [
      h.customerTrigger,
      h.jointValue,
      h.whyPartner,
      h.sellerNextMove,
      h.warmPath,
      h.partnerNextMove,
      h.partnerContactName,
      h.partnerContactRole,
      h.crmOpportunity,
      h.riskNote,
      h.evidenceUrl,
    ]) {
      expect(text).toContain(value);
    }
    expect(text).toContain('by 2026-03-06; agreed in writing');
  });
});

describe('handoffMessage: the decision buttons', () => {
  it('offers Accept and Decline carrying the handoff id while the handoff is open', () => {
    const [block, ...rest] = actions(handoffMessage(handoff({ id: 314 })).blocks);
    expect(rest).toEqual([]);
    expect(block?.elements).toEqual([
      expect.objectContaining({
        action_id: ACTION_ID.accept,
        value: '314',
        text: expect.objectContaining({ text: 'Accept' }),
      }),
      expect.objectContaining({
        action_id: ACTION_ID.decline,
        value: '314',
        text: expect.objectContaining({ text: 'Decline' }),
      }),
    ]);
  });

  it('drops Accept/Decline, shows who accepted, and offers the outcome steps once accepted', () => {
    const message = handoffMessage(handoff({ status: 'accepted' }), decision());
    const ids = actions(message.blocks).flatMap((block) =>
      block.elements.map((e) => ('action_id' in e ? e.action_id : '')),
    );
    expect(ids).toEqual([
      'handoff_outcome_meeting_held',
      'handoff_outcome_opportunity_created',
      'handoff_outcome_won',
      'handoff_outcome_lost',
    ]);
    expect(
      actions(handoffMessage(handoff({ status: 'accepted', outcome: 'won' }), decision()).blocks),
    ).toEqual([]);
    expect(allText(message.blocks)).toMatch(/Accepted\* by <@U0AE>/);
    expect(message.text).toContain('accepted');
  });

  it('drops the buttons and shows the coded reason once declined', () => {
    const d = decision({ decision: 'declined', reasonCode: 'duplicate', note: 'Same as #12' });
    const message = handoffMessage(handoff({ status: 'declined' }), d);
    expect(actions(message.blocks)).toEqual([]);
    expect(allText(message.blocks)).toContain(`Declined* by <@U0AE>`);
    expect(allText(message.blocks)).toContain(DECLINE_REASONS.duplicate.label);
    expect(message.text).toContain('declined');
  });

  it('says the window in singular for one business day', () => {
    expect(allText(handoffMessage(handoff({ responseWindowDays: 1 })).blocks)).toContain('(1 business day)');
    expect(allText(handoffMessage(handoff({ responseWindowDays: 3 })).blocks)).toContain('(3 business days)');
  });
});
