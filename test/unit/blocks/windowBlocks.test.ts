import { describe, expect, it } from 'vitest';
import { handoffMessage } from '../../../src/blocks/handoffMessage.js';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import { extendModal, ownerActionButtons, reassignModal } from '../../../src/blocks/ownerActions.js';
import {
  escalationMessage,
  expiredOwnerNotice,
  extendedAeNotice,
  extendedOwnerNotice,
  reassignedOwnerNotice,
  reminderMessage,
  timeLeft,
  withdrawnOwnerNotice,
} from '../../../src/blocks/windowNotices.js';
import type { OwnerAction } from '../../../src/domain/lifecycle.js';
import { decision, handoff, WORST_PATTERNS, worstHandoff } from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits, expectModalWithinLimits } from './limits.js';
import { EVERY_BUTTON } from './offers.js';
import { everyInternalSurface } from './surfaceModels.js';

const now = new Date('2026-03-03T10:00:00Z');

describe('an expiry while the AE was away', () => {
  const h = handoff({ status: 'expired' });
  const shown = (m: { blocks?: unknown }) => JSON.stringify(m.blocks);

  it('says what showed it (the status, escaped; or the cover, named), and not "Silence" (which it is without)', () => {
    const status = escalationMessage(h, { status: ':airplane: Out <!here> till Monday' });
    expect(shown(status)).toContain('*Expired while away*');
    expect(shown(status)).toContain('status: :airplane: Out &lt;!here&gt; till Monday');
    expect(shown(status)).not.toContain('*Silence*');
    const cover = expiredOwnerNotice(h, { cover: 'U0COVER' });
    expect(shown(cover)).toContain('was away (they named <@U0COVER> to cover)');
    expect(shown(cover)).toContain('does not count as their silence');
    // Silence when nothing showed an absence.
    expect(shown(escalationMessage(h))).toContain('*Silence*');
    expect(shown(expiredOwnerNotice(h))).not.toContain('away');
  });
});

describe('response-window messages for the largest packet', () => {
  for (const pattern of WORST_PATTERNS) {
    it(`stay within Slack's limits and keep typed mentions inert (${pattern})`, () => {
      const h = worstHandoff(pattern, { status: 'expired' });
      // Every surface of the expired handoff as delivered, every button offered, as queued and moved on.
      const surfaces = everyInternalSurface(
        h,
        { decision: decision({ decision: 'declined', reasonCode: 'timing' }) },
        { at: now.getTime(), previousAe: 'U0OLD', since: now.getTime() },
      ).map((s) => s.message);
      const messages = [
        reminderMessage({ ...h, status: 'sent' }, now),
        expiredOwnerNotice(h),
        escalationMessage(h),
        // An expiry while away, with the worst status text as what showed it.
        expiredOwnerNotice(h, { status: h.accountName }),
        escalationMessage(h, { status: h.accountName }),
        reassignedOwnerNotice(h, 'U0OLD'),
        extendedOwnerNotice(h),
        extendedAeNotice(h),
        withdrawnOwnerNotice(h),
        handoffMessage(h, { offer: EVERY_BUTTON }),
        handoffMessage({ ...h, status: 'withdrawn', withdrawnAt: now }, { offer: EVERY_BUTTON }),
        handoffMessage({ ...h, status: 'sent' }, { movedTo: 'U0NEW', offer: EVERY_BUTTON }),
        ...surfaces,
      ];
      // The worst case really carries the owner's buttons.
      expect(JSON.stringify(surfaces)).toContain(ACTION_ID.withdraw);
      for (const message of messages) expectMessageWithinLimits(message);
      if (pattern === '<!channel>') for (const message of messages) expectMentionsNeutralised(message);
      expectModalWithinLimits(reassignModal(h));
      expectModalWithinLimits(reassignModal(h, 'U0COVER'));
      expectModalWithinLimits(extendModal(h));
    });
  }
});

describe('owner action buttons follow the handoff state', () => {
  it('renders exactly the buttons offered, in a fixed order', () => {
    const h = handoff();
    const only = (offered: OwnerAction[]) =>
      ownerActionButtons(h, offered)?.elements.map((e) => ('action_id' in e ? e.action_id : '')) ?? [];
    expect(only(['withdraw', 'reassign'])).toEqual([ACTION_ID.reassign, ACTION_ID.withdraw]);
    expect(only(['extend'])).toEqual([ACTION_ID.extend]);
    expect(ownerActionButtons(h, [])).toBeUndefined();
  });

  it('asks for confirmation before withdrawing', () => {
    const withdraw = ownerActionButtons(handoff(), ['reassign', 'extend', 'withdraw'])?.elements.find(
      (e) => 'action_id' in e && e.action_id === ACTION_ID.withdraw,
    );
    expect(withdraw && 'confirm' in withdraw && withdraw.confirm?.confirm?.text).toBe('Withdraw');
  });
});

describe('timeLeft', () => {
  it('speaks in hours under a day and a half, in days beyond', () => {
    expect(timeLeft(now, new Date('2026-03-03T10:30:00Z'))).toBe('less than an hour');
    expect(timeLeft(now, new Date('2026-03-03T11:00:00Z'))).toBe('about 1 hour');
    expect(timeLeft(now, new Date('2026-03-04T16:00:00Z'))).toBe('about 30 hours');
    expect(timeLeft(now, new Date('2026-03-06T10:00:00Z'))).toBe('about 3 days');
    expect(timeLeft(now, new Date('2026-03-01T10:00:00Z'))).toBe('less than an hour');
  });
});
