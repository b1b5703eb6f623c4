import type { InputBlock, PlainTextInput } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { CALLBACK_ID, PACKET_BLOCK_ID } from '../../../src/blocks/ids.js';
import { packetModal } from '../../../src/blocks/packetModal.js';
import { FIELD_LIMITS } from '../../../src/domain/packet.js';
import { fill } from './fixtures.js';
import { expectModalWithinLimits } from './limits.js';

const inputs = (view: ReturnType<typeof packetModal>) =>
  view.blocks.filter((b): b is InputBlock => b.type === 'input');

describe('packetModal', () => {
  it('stays within modal limits, even with a huge prefilled account name', () => {
    expectModalWithinLimits(packetModal({ authorUserId: 'U0AUTHOR' }));
    expectModalWithinLimits(packetModal({ authorUserId: 'U0AUTHOR', accountName: fill('<!channel>', 5000) }));
  });

  it('has one input for every packet field, under the ids the submit handler reads', () => {
    const view = packetModal({ authorUserId: 'U0AUTHOR' });
    expect(view.callback_id).toBe(CALLBACK_ID.packet);
    expect(
      inputs(view)
        .map((b) => b.block_id)
        .sort(),
    ).toEqual(Object.values(PACKET_BLOCK_ID).sort());
  });

  it('limits each text input to what the packet accepts', () => {
    const byBlock = new Map(
      inputs(packetModal({ authorUserId: 'U0AUTHOR' })).map((b) => [b.block_id, b.element]),
    );
    for (const [field, max] of Object.entries(FIELD_LIMITS)) {
      const element = byBlock.get(PACKET_BLOCK_ID[field as keyof typeof FIELD_LIMITS]);
      if (element?.type === 'plain_text_input') expect((element as PlainTextInput).max_length).toBe(max);
    }
  });

  it('prefills the account (cut to its limit) and the author as owner', () => {
    const view = packetModal({ authorUserId: 'U0AUTHOR', accountName: fill('a', 400) });
    const byBlock = new Map(
      inputs(view).map((b) => [b.block_id, b.element as unknown as Record<string, unknown>]),
    );
    const account = byBlock.get(PACKET_BLOCK_ID.accountName)?.initial_value as string;
    expect(account).toHaveLength(FIELD_LIMITS.accountName);
    expect(account.endsWith('…')).toBe(true);
    expect(byBlock.get(PACKET_BLOCK_ID.ownerUserId)?.initial_user).toBe('U0AUTHOR');
  });

  it('marks only the optional packet fields as optional', () => {
    const optional = inputs(packetModal({ authorUserId: 'U0AUTHOR' }))
      .filter((b) => b.optional)
      .map((b) => b.block_id)
      .sort();
    const b = PACKET_BLOCK_ID;
    expect(optional).toEqual(
      [
        b.crmOpportunity,
        b.accountDomain,
        b.onPriorityList,
        b.opportunityCreatedOn,
        b.partnerTouchOn,
        b.partnerContactRole,
        b.partnerNextMoveDate,
        b.partnerAgreedInWriting,
        b.riskNote,
        b.evidenceUrl,
        // A partner not on Slack Connect has no channel; the review says they hear nothing in Slack.
        b.partnerChannelId,
      ].sort(),
    );
  });
});
