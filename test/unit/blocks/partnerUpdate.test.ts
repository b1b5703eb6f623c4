import { describe, expect, it } from 'vitest';
import { partnerMoveText, partnerThreadParent, partnerUpdate } from '../../../src/blocks/partnerUpdate.js';
import { DECLINE_REASON_CODES, DECLINE_REASONS, type DeclineReason } from '../../../src/domain/decline.js';
import { ERASED_TEXT } from '../../../src/domain/erasure.js';
import { partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';
import { decision, handoff } from './fixtures.js';

/** What the notification service does: project the stored handoff, then render. */
const render = (h = handoff(), d = decision()) =>
  partnerUpdate(
    partnerSafeUpdate(
      h,
      d.decision,
      d.decision === 'declined' ? (d.reasonCode as DeclineReason | null) : null,
    ),
  );

const declined = (overrides = {}) =>
  decision({
    decision: 'declined',
    reasonCode: 'partner_not_fit',
    note: 'INTERNAL: their delivery was late',
    ...overrides,
  });

describe('partnerUpdate', () => {
  it('tells the partner who took an accepted handoff, without pinging the AE', () => {
    const message = render(handoff(), decision());
    expect(message.text).toContain('*Northwind Logistics*: accepted');
    expect(message.text).toContain('Jordan Seller');
    expect(message.text).toContain('Dana Reyes (Meridian Cloud Consulting)');
    expect(message.text).not.toContain('<@');
  });

  it.each(DECLINE_REASON_CODES)(
    'shows the partner-safe wording for a %s decline, never the label or note',
    (code) => {
      const message = render(handoff(), declined({ reasonCode: code }));
      const json = JSON.stringify(message);
      const { label, partnerSafe } = DECLINE_REASONS[code];
      expect(json).toContain(partnerSafe);
      expect(json.replaceAll(partnerSafe, '')).not.toContain(label);
      expect(json).not.toContain('INTERNAL');
    },
  );

  it('says no reason for a neutral decline, in one sentence less', () => {
    const { text } = render(handoff(), declined({ reasonCode: 'neutral' }));
    expect(text).toMatch(/^\*[^*]+\*: not taken forward for now\. Thank you, /);
  });
});

describe('partnerThreadParent: the next move from the partner', () => {
  const parent = (event: Parameters<typeof partnerSafeUpdate>[1]) =>
    JSON.stringify(partnerThreadParent(partnerSafeUpdate(handoff(), event, null)).blocks);

  it('is shown while the deal is being taken up (accepted), and after a step when the view keeps it', () => {
    for (const event of ['accepted', 'meeting_held', 'opportunity_created'] as const)
      expect(parent(event)).toContain('*Next from ');
  });

  it('dates theirs as ours, in one format', () => {
    const update = {
      ...partnerSafeUpdate(handoff({ partnerNextMoveDate: '2026-12-02' }), 'accepted', null),
      nextStep: { text: 'Intro call', due: '2026-12-03' },
    };
    const text = JSON.stringify(partnerThreadParent(update).blocks);
    expect(text).toContain('Intro call by Thu 3 Dec');
    expect(text).toContain('shares review notes. By Wed 2 Dec.');
    expect(text).not.toContain('2026-12-02');
  });

  it('dates a move written as a phrase in it, and one written as a sentence after it, never in brackets', () => {
    expect(partnerMoveText('Dana books the workshop', '2026-12-09')).toBe(
      'Dana books the workshop by Wed 9 Dec',
    );
    expect(partnerMoveText('Dana books the workshop!  ', '2026-12-09')).toBe(
      'Dana books the workshop! By Wed 9 Dec.',
    );
    expect(partnerMoveText('Dana books the workshop.', null)).toBe('Dana books the workshop.');
  });

  it('is gone once the deal is closed (won, lost), declined or withdrawn, or before a decision', () => {
    for (const event of ['won', 'lost', 'declined', 'withdrawn', 'considering'] as const)
      expect(parent(event)).not.toContain('*Next from ');
  });
});

describe('partnerThreadParent and partnerUpdate: our AE is named only once they accepted', () => {
  const both = (event: Parameters<typeof partnerSafeUpdate>[1]) => {
    const update = partnerSafeUpdate(handoff(), event, 'timing', 'timing');
    return JSON.stringify([partnerThreadParent(update), partnerUpdate(update)]);
  };

  it.each(['declined', 'withdrawn', 'considering'] as const)('%s: no AE named', (event) => {
    expect(both(event)).not.toContain('Jordan');
    expect(both(event)).not.toContain('our AE');
  });

  it.each(['accepted', 'meeting_held', 'opportunity_created', 'won', 'lost'] as const)(
    '%s: the AE who accepted is named in the parent',
    (event) => {
      expect(both(event)).toContain('our AE: Jordan Seller');
    },
  );

  it('an acceptance after a decline says it is taken forward after all', () => {
    const update = {
      ...partnerSafeUpdate(handoff({ aeName: 'Sam Closer' }), 'accepted'),
      afterDecline: true,
    };
    expect(partnerUpdate(update).text).toContain('taken forward after all. Sam Closer is taking it forward');
  });
});

describe('a person erased on request, as the partner reads them', () => {
  const erased = handoff({
    partnerContactName: ERASED_TEXT,
    aeName: ERASED_TEXT,
    partnerNextMove: `${ERASED_TEXT} confirms the meeting.`,
  });

  it.each(['accepted', 'declined', 'won', 'lost', 'withdrawn'] as const)(
    '%s: their contact is "your contact" and our erased AE "our team", never a tombstone',
    (event) => {
      const update = partnerSafeUpdate(erased, event, 'timing', 'timing');
      const shown = JSON.stringify([partnerThreadParent(update), partnerUpdate(update)]);
      expect(shown).not.toContain(ERASED_TEXT);
      expect(shown).toContain('your contact (Meridian Cloud Consulting)');
    },
  );

  it('brought by and thanked as their contact; our team takes it forward', () => {
    const accepted = partnerSafeUpdate(erased, 'accepted');
    expect(JSON.stringify(partnerThreadParent(accepted).blocks)).toContain('brought by your contact (');
    expect(partnerUpdate(accepted).text).toContain('Our team is taking it forward with your contact (');
    expect(partnerUpdate(partnerSafeUpdate(erased, 'declined', 'timing')).text).toContain(
      'Thank you, your contact (',
    );
  });
});
