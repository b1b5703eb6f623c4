import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../../src/blocks/ids.js';
import { hostileWorld, stillServes } from '../../support/hostile.js';
import {
  huge,
  type Identity,
  identity,
  interaction,
  junk,
  propertyOpts,
  wrongType,
} from '../../support/hostileGen.js';
import { blockAction } from '../../support/payloads.js';

/**
 * The period picker of RevOps' App Home (a static select), through the real HTTP receiver: whoever picks, whatever
 * option and whatever private_metadata the home view carries. Every request is correctly signed. The app answers 200
 * (400 when the body is malformed), never a 5xx, still answers GET /healthz, logs no error, and leaves every table
 * as it was. See test/support/hostile.ts `exercise`. (app_home_opened events with hostile fields are among the
 * unrouted bodies of malformed.property.test.ts; the App Home's Export button among the block actions.)
 */

const world = hostileWorld('App Home');

/** The period picker of RevOps' App Home: a static select. */
interface PeriodPlan {
  identity: Identity;
  selected: unknown;
  metadata: unknown;
  inHome: boolean;
}
const periodPick: fc.Arbitrary<PeriodPlan> = fc.record({
  identity,
  selected: fc.oneof(
    fc.constantFrom<unknown>({ value: '7d' }, { value: '90d' }, null, undefined, {}, { value: '__proto__' }),
    huge.map((value) => ({ value })),
    wrongType.map((value) => ({ value })),
  ),
  metadata: fc.oneof(huge, wrongType, junk, fc.constant('{"period":"__proto__"}')),
  inHome: fc.boolean(),
});

function periodPayload(p: PeriodPlan): Record<string, unknown> {
  const base = blockAction({
    actionId: ACTION_ID.homePeriod,
    value: 'x',
    responseUrl: world().h.slack.responseUrl(),
  });
  return {
    ...base,
    user: p.identity.user,
    team: p.identity.team,
    enterprise: p.identity.enterprise,
    actions: [
      {
        type: 'static_select',
        action_id: ACTION_ID.homePeriod,
        block_id: 'home_period',
        selected_option: p.selected,
        action_ts: '1700000001.000200',
      },
    ],
    ...(p.inHome
      ? {
          view: { id: 'V0HOME', type: 'home', private_metadata: p.metadata, callback_id: '', hash: '1' },
          container: { type: 'view', view_id: 'V0HOME' },
        }
      : {}),
  };
}

describe('hostile input through the real HTTP receiver (property)', () => {
  it('the App Home period picker: any selection or metadata, 200 (400 if malformed), nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(periodPick, async (plan) => {
        const problems = await world().exercise([interaction(ACTION_ID.homePeriod, periodPayload(plan))]);
        expect(problems).toEqual([]);
      }),
      propertyOpts(30),
    );
  }, 60_000);
});

describe('afterwards', () => {
  it('after all of it, the app still serves a real request: the AE accepts handoff D', async () => {
    await stillServes(world());
  });
});
