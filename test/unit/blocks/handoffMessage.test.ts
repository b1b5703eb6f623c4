import type { ActionsBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { handoffMessage } from '../../../src/blocks/handoffMessage.js';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import { plannedMoveText } from '../../../src/blocks/moveNotices.js';
import type { AccountFinding } from '../../../src/db/schema.js';
import { DECLINE_REASONS } from '../../../src/domain/decline.js';
import { NO_OFFER } from '../../../src/domain/lifecycle.js';
import { type PacketInput, parsePacket } from '../../../src/domain/packet.js';
import { northwind } from '../../support/payloads.js';

import {
  decision,
  fill,
  handoff,
  plannedToPool,
  WORST_PATTERNS,
  worstHandoff,
  worstNote,
} from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits } from './limits.js';
import { aeOffer, EVERY_BUTTON, ownerOffer } from './offers.js';
import { paramsOf, rendered, surfaceModel } from './surfaceModels.js';

/** During the window (the fixture's handoff is sent 2 March, due 5 March). */
const now = new Date('2026-03-03T09:00:00Z');
const actions = (blocks: KnownBlock[]) => blocks.filter((b): b is ActionsBlock => b.type === 'actions');
const allText = (blocks: KnownBlock[]) => JSON.stringify(blocks);

describe('handoffMessage: Block Kit limits for the largest packet', () => {
  it.each(WORST_PATTERNS)('stays within limits when every field is %j at its maximum', (pattern) => {
    // Every button offered: the worst case, more than any one reader gets.
    const sent = handoffMessage(worstHandoff(pattern), { offer: EVERY_BUTTON });
    expect(actions(sent.blocks)).toHaveLength(1);
    expectMessageWithinLimits(sent);
    if (pattern === '<!channel>') expectMentionsNeutralised(sent);
    const accepted = worstHandoff(pattern, { status: 'accepted' });
    const acceptedMessage = handoffMessage(accepted, { decision: decision(), offer: EVERY_BUTTON });
    // The four outcome steps, New date and Hand it back (every button offered, the step ahead or not).
    expect(actions(acceptedMessage.blocks).flatMap((b) => b.elements)).toHaveLength(6);
    expectMessageWithinLimits(acceptedMessage);
    const declined = worstHandoff(pattern, { status: 'declined' });
    const d = decision({ decision: 'declined', reasonCode: 'timing', note: worstNote(pattern) });
    expectMessageWithinLimits(handoffMessage(declined, { decision: d, offer: EVERY_BUTTON }));
    expectMessageWithinLimits(
      handoffMessage(worstHandoff(pattern), { movedTo: 'U0NEWAE', offer: EVERY_BUTTON }),
    );
  });

  it.each(WORST_PATTERNS)('keeps what was flagged at sending within limits and inert (%j)', (pattern) => {
    // More findings than fit, every name at its longest, and an override reason longer than the form allows.
    const findings: AccountFinding[] = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 2
        ? { kind: 'reseller', resellerName: fill(pattern, 300), accountName: fill(pattern, 300) }
        : {
            kind: i % 3 === 0 ? 'conflict' : 'duplicate',
            handoffId: 100_000 + i,
            accountName: fill(pattern, 300),
            partnerOrg: fill(pattern, 300),
            status: 'expired',
            aeUserId: 'U0OTHERAE',
          },
    );
    const h = worstHandoff(pattern, {
      findings,
      overrideReason: fill(pattern, 5000),
      scoreBand: 'keep_building',
    });
    const message = handoffMessage(h, { offer: EVERY_BUTTON });
    expectMessageWithinLimits(message);
    expect(allText(message.blocks)).toContain('more');
    if (pattern === '<!channel>') expectMentionsNeutralised(message);
  });

  it('shows no flagged section when nothing was flagged, or on handoffs sent before it was recorded', () => {
    for (const findings of [[], null]) {
      const h = handoff({ findings });
      expect(allText(handoffMessage(h, { offer: aeOffer(h) }).blocks)).not.toContain(
        'Flagged when it was sent',
      );
    }
  });

  it('keeps a normalised evidence link at its maximum length within the section limit', () => {
    const packet = (evidenceUrl: string) =>
      parsePacket({ ...northwind, evidenceUrl } as PacketInput, '2026-11-23');
    expect(packet(`https://example.com/?q=${'<'.repeat(1970)}`).ok).toBe(false);
    const longest = packet(`https://example.com/?q=${'a|'.repeat(490)}`);
    expect(longest.ok).toBe(true);
    if (longest.ok) {
      expect(longest.packet.evidenceUrl).not.toMatch(/[|<> ]/);
      const h = handoff({ evidenceUrl: longest.packet.evidenceUrl });
      expectMessageWithinLimits(handoffMessage(h, { offer: aeOffer(h) }));
    }
  });

  it('shows every packet field to the AE', () => {
    const h = handoff();
    const text = allText(handoffMessage(h, { offer: aeOffer(h) }).blocks);
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
    expect(text).toContain('By Fri 6 Mar · agreed in writing.');
  });
});

describe('handoffMessage: the decision buttons', () => {
  it('offers Accept and Decline carrying the handoff id while the handoff is open', () => {
    const h = handoff({ id: 314 });
    const [block, ...rest] = actions(handoffMessage(h, { offer: aeOffer(h, now) }).blocks);
    expect(rest).toEqual([]);
    const button = (action_id: string, text: string, more: object = {}) =>
      expect.objectContaining({ action_id, value: '314', text: expect.objectContaining({ text }), ...more });
    expect(block?.elements).toEqual([
      button(ACTION_ID.accept, 'Accept'),
      button(ACTION_ID.decline, 'Decline'),
      // Before deciding: ask the author, or ask for more time (Slack's confirm dialog first).
      button(ACTION_ID.askQuestion, 'Ask the author'),
      button(ACTION_ID.askMoreTime, 'Need more time', {
        confirm: expect.objectContaining({ title: expect.objectContaining({ text: 'Ask for more time?' }) }),
      }),
    ]);
  });

  it('shows no Accept/Decline to a reader `can` refuses: past the due time, or not the AE', () => {
    const h = handoff();
    expect(actions(handoffMessage(h, { offer: aeOffer(h, h.dueAt) }).blocks)).toEqual([]);
    expect(actions(handoffMessage(h, { offer: ownerOffer(h, now) }).blocks)).toEqual([]);
    expect(actions(handoffMessage(h, { offer: NO_OFFER }).blocks)).toEqual([]);
  });

  it('tells the AE the handoff moved away from says where it went, asks nothing and offers nothing', () => {
    const h = handoff({ aeUserId: 'U0NEWAE', assignment: 2, cycle: 2 });
    const message = handoffMessage(h, { movedTo: 'U0NEWAE', offer: EVERY_BUTTON });
    expect(actions(message.blocks)).toEqual([]);
    expect(allText(message.blocks)).toContain('*Reassigned* to <@U0NEWAE>');
    expect(allText(message.blocks)).not.toContain('please answer by');
  });

  it('tells the AE it came back to on their older copy that the newer one is current, never "reassigned to you"', () => {
    // Sent to Jordan (assignment 1), moved to Sam, then given back to Jordan (assignment 3): his first packet.
    const h = handoff({ aeUserId: 'U0AE', assignment: 3, cycle: 3 });
    const older = rendered(
      surfaceModel('ae_packet', h, {
        params: paramsOf(h, { to: 'U0AE', assignment: 1 }),
        current: false,
        offer: aeOffer(h, now),
      }),
    );
    expect(actions(older.blocks)).toEqual([]);
    expect(allText(older.blocks)).not.toContain('*Reassigned* to <@U0AE>');
    expect(allText(older.blocks)).not.toContain('Nothing more is needed from you');
    expect(allText(older.blocks)).toContain('your newer message about it, below, is the current one');
    // The copy of an AE it moved away from for good still says where it went.
    const away = rendered(
      surfaceModel('ae_packet', h, { params: paramsOf(h, { to: 'U0AE2', ae: 'U0AE2', assignment: 2 }) }),
    );
    expect(allText(away.blocks)).toContain('*Reassigned* to <@U0AE>. Nothing more is needed from you.');
  });

  it('drops Accept/Decline, shows who accepted, and offers the outcome steps once accepted', () => {
    const h = handoff({ status: 'accepted' });
    const message = handoffMessage(h, { decision: decision(), offer: aeOffer(h, now) });
    const ids = actions(message.blocks).flatMap((block) =>
      block.elements.map((e) => ('action_id' in e ? e.action_id : '')),
    );
    expect(ids).toEqual([
      'handoff_outcome_meeting_held',
      'handoff_outcome_opportunity_created',
      'handoff_outcome_won',
      'handoff_outcome_lost',
      // Before any outcome the AE may hand the deal back to its owner.
      'handoff_hand_back',
    ]);
    const won = handoff({ status: 'accepted', outcome: 'won' });
    expect(actions(handoffMessage(won, { decision: decision(), offer: aeOffer(won, now) }).blocks)).toEqual(
      [],
    );
    const met = handoff({ status: 'accepted', outcome: 'meeting_held' });
    expect(
      actions(handoffMessage(met, { decision: decision(), offer: aeOffer(met, now) }).blocks).flatMap((b) =>
        b.elements.map((e) => ('action_id' in e ? e.action_id : '')),
      ),
    ).toEqual(['handoff_outcome_opportunity_created', 'handoff_outcome_won', 'handoff_outcome_lost']);
    // The packet is the AE's own copy: their decision reads "by you".
    expect(allText(message.blocks)).toMatch(/Accepted\* by you <!date/);
    expect(message.text).toContain('accepted');
  });

  it('drops the buttons and shows the coded reason once declined', () => {
    const d = decision({ decision: 'declined', reasonCode: 'duplicate', note: 'Same as #12' });
    const h = handoff({ status: 'declined' });
    const message = handoffMessage(h, { decision: d, offer: aeOffer(h, now) });
    expect(actions(message.blocks)).toEqual([]);
    expect(allText(message.blocks)).toContain('Declined* by you <!date');
    expect(allText(message.blocks)).toContain(DECLINE_REASONS.duplicate.label);
    expect(message.text).toContain('declined');
  });

  it('says the window in singular for one business day', () => {
    const one = handoff({ responseWindowDays: 1 });
    const three = handoff({ responseWindowDays: 3 });
    expect(allText(handoffMessage(one, { offer: aeOffer(one) }).blocks)).toContain('(1 business day)');
    expect(allText(handoffMessage(three, { offer: aeOffer(three) }).blocks)).toContain('(3 business days)');
  });
});

describe("the AE's expired packet", () => {
  const expired = handoff({ status: 'expired' });
  const text = (view: Parameters<typeof handoffMessage>[1]) =>
    JSON.stringify(handoffMessage(expired, view).blocks);

  it('says all the owner may do: reassign, extend or withdraw it', () => {
    expect(text({ offer: NO_OFFER })).toContain(
      'The owner <@U0AUTHOR> has been told and may reassign, extend or withdraw it.',
    );
  });

  it("says what the policy will do, in the owner's notice's words, and what the owner may do until then", () => {
    const plan = plannedToPool;
    expect(text({ offer: NO_OFFER, plan })).toContain(
      `The owner <@U0AUTHOR> has been told. ${plannedMoveText(expired, plan, false)} Until then the owner may still reassign, extend or withdraw it.`,
    );
  });
});
