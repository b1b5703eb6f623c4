import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHORTCUT_ID } from '../../../src/blocks/ids.js';
import { hostileWorld, stillServes } from '../../support/hostile.js';
import { huge, identity, interaction, junk, propertyOpts, wrongType } from '../../support/hostileGen.js';

/**
 * The "Ask for partner help" global shortcut through the real HTTP receiver: whoever presses it (any identity of
 * test/support/hostileGen.ts), with any trigger id and extra fields. Every request is correctly signed. The app
 * answers 200 (400 when the body is malformed), never a 5xx, still answers GET /healthz, logs no error, and leaves
 * every table as it was: the outbox may only gain a reply to the actor. See test/support/hostile.ts `exercise`.
 * (Unknown shortcuts and message actions are among the unrouted bodies of malformed.property.test.ts.)
 */

const world = hostileWorld('global shortcut');

const shortcut = fc.record({
  identity,
  triggerId: fc.oneof(fc.constant('fresh'), huge, wrongType, junk),
  callbackNoise: fc.option(fc.oneof(huge, wrongType), { nil: undefined }),
});

describe('hostile input through the real HTTP receiver (property)', () => {
  it('the global shortcut: whoever and whatever trigger, 200 (400 if malformed), nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(shortcut, async (plan) => {
        const payload = {
          type: 'shortcut',
          token: 'legacy-verification-token',
          action_ts: '1795442400.000300',
          callback_id: SHORTCUT_ID.helpRequest,
          trigger_id: plan.triggerId === 'fresh' ? world().h.slack.issueTriggerId() : plan.triggerId,
          user: plan.identity.user,
          team: plan.identity.team,
          enterprise: plan.identity.enterprise,
          api_app_id: 'A0APP',
          is_enterprise_install: false,
          ...(plan.callbackNoise !== undefined ? { x_hostile: plan.callbackNoise } : {}),
        };
        const problems = await world().exercise([interaction('shortcut', payload)]);
        expect(problems).toEqual([]);
      }),
      propertyOpts(40),
    );
  }, 60_000);
});

describe('afterwards', () => {
  it('after all of it, the app still serves a real request: the AE accepts handoff D', async () => {
    await stillServes(world());
  });
});
