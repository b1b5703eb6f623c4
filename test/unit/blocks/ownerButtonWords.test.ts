import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import type { SurfaceParams } from '../../../src/blocks/surfaces.js';
import type { HandoffRow, SurfaceKind } from '../../../src/db/schema.js';
import { NO_OFFER } from '../../../src/domain/lifecycle.js';
import type { Unassigned } from '../../../src/domain/moves.js';
import { handoff, plannedToPool } from './fixtures.js';
import { ownerOffer } from './offers.js';
import { paramsOf, rendered, surfaceModel } from './surfaceModels.js';

/**
 * Every message is a view of the handoff: the owner's notices that ask for Reassign, Extend or
 * Withdraw ask for a click only where the buttons are. On an older notice that lost them to the reader's newest one
 * (a policy's later notice, say), they say where the buttons are; to a reader who cannot act, they ask nothing.
 */

const plan = plannedToPool;
const unassigned: Unassigned = { policy: 'meridian', level: 2, why: 'pool', pool: 'backup', skipped: [] };

const away = { waiting: true, away: ':palm_tree: Vacation' };
const [open, expired] = [handoff(), handoff({ status: 'expired' })];
/** The notices that may ask the owner to act, each in the state it is written in: [label, kind, handoff, params]. */
const ASKING: [string, SurfaceKind, HandoffRow, SurfaceParams][] = [
  ['the expiry notice', 'expired_owner', expired, {}],
  ['the away notice', 'escalation', open, away],
  [
    'the away notice, with a cover and a day back',
    'escalation',
    open,
    { ...away, cover: 'U0COVER', back: plan.when },
  ],
  ['the away notice, with a move planned', 'escalation', open, { ...away, plan }],
  ['a move the policy could not make', 'escalation', expired, { unassigned }],
];

/** Words that ask for a click on a button of this message. */
const CLICKS = [/Reassign it/, /Reassign to them/, /Reassign gives/, /: reassign it yourself/, /Extend the/];

const words = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

describe('the owner’s notices ask for a click only where their buttons are', () => {
  for (const [label, kind, h, params] of ASKING) {
    const model = (over: Parameters<typeof surfaceModel>[2]) =>
      rendered(surfaceModel(kind, h, { params: paramsOf(h, { to: h.ownerUserId, ...params }), ...over }));

    it(`${label}: with the buttons on it, asks for them`, () => {
      const message = model({ offer: ownerOffer(h) });
      expect(JSON.stringify(message.blocks)).toContain(ACTION_ID.reassign);
      expect(CLICKS.some((click) => click.test(words(message)))).toBe(true);
    });

    it(`${label}: with the buttons on a newer message, says where they are`, () => {
      const message = model({ offer: NO_OFFER, ownerElsewhere: true });
      expect(JSON.stringify(message.blocks)).not.toContain(ACTION_ID.reassign);
      for (const click of CLICKS) expect(words(message)).not.toMatch(click);
      expect(words(message)).toContain('from your newest message about it.');
    });

    it(`${label}: to a reader who cannot act, asks nothing`, () => {
      const message = model({ offer: NO_OFFER, ownerElsewhere: false });
      for (const click of CLICKS) expect(words(message)).not.toMatch(click);
      expect(words(message)).not.toMatch(/you can reassign|from your newest message/i);
    });
  }
});

describe('an older owner message, past tense, says where the owner’s buttons are in its "Now:" line', () => {
  // The handoff expired after these were sent; the expiry notice, the owner's newest, has the buttons.
  const h = handoff({ status: 'expired' });
  const sent = handoff();
  const OLDER: { label: string; kind: SurfaceKind; params: SurfaceParams }[] = [
    { label: 'the confirmation', kind: 'sent_confirmation', params: {} },
    { label: 'the away notice', kind: 'escalation', params: { waiting: true, away: ':palm_tree: Vacation' } },
  ];
  for (const { label, kind, params } of OLDER) {
    const model = (over: Parameters<typeof surfaceModel>[2]) =>
      rendered(
        surfaceModel(kind, h, {
          params: paramsOf(sent, { to: h.ownerUserId, ...params }),
          current: false,
          ...over,
        }),
      );

    it(`${label}: with the buttons on a newer message, points there`, () => {
      const message = model({ offer: NO_OFFER, ownerElsewhere: true });
      expect(words(message)).not.toContain(ACTION_ID.reassign);
      expect(words(message)).toContain(
        '*Now:* expired without an answer from <@U0AE>; you can reassign, extend or withdraw it from your newest message about it.',
      );
    });

    it(`${label}: with the buttons on it, says what they do`, () => {
      const message = model({ offer: ownerOffer(h) });
      expect(words(message)).toContain(ACTION_ID.reassign);
      expect(words(message)).toContain('; you can reassign, extend or withdraw it.');
    });
  }
});
