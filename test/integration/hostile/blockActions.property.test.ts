import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_ID,
  CALLBACK_ID,
  HELP_BLOCK_ID,
  OUTCOME_ACTION_PREFIX,
  SHORTCUT_ID,
} from '../../../src/blocks/ids.js';
import { click, hostileWorld, stillServes, wellFormed } from '../../support/hostile.js';
import {
  actsAs,
  clean,
  defectOpts,
  huge,
  type Identity,
  identity,
  interaction,
  isInternal,
  junk,
  malformed,
  NEAR_MISS,
  nearMiss,
  propertyOpts,
  ref,
  text,
  wrongType,
} from '../../support/hostileGen.js';
import { MAY_CHANGE, READ_ONLY, REFS, type Ref, type Seeds } from '../../support/mayDo.js';
import { blockAction, viewSubmission } from '../../support/payloads.js';
import { PARTNER_TEAM, people } from '../../support/people.js';

/**
 * Hostile block actions through the real HTTP receiver: every action id the app registers, pressed by someone who
 * may not (test/support/mayDo.ts), one detail off, on another handoff, naming no handoff or a stale window; the period
 * picker of RevOps' App Home with any selection or private_metadata; the "Ask for partner help" global shortcut,
 * whoever presses it, with any trigger id and extra fields. Every request is correctly signed. The app answers 200
 * (400 when the body is malformed), never a 5xx, still answers GET /healthz, logs no error, and leaves every table as
 * it was: the outbox may only gain a reply to the actor (an ephemeral, or a DM). See test/support/hostile.ts
 * `exercise`. (Unknown shortcuts and message actions, and app_home_opened events with hostile fields, are among the
 * unrouted bodies of malformed.property.test.ts.)
 *
 * DEFECT 9 (a foreign workspace taken for ours) keeps the property that pinned it.
 */

const world = hostileWorld('block actions and shortcuts');
/** Which action ids and kinds of hostility the property exercised (asserted, so none is vacuous). */
const covered = new Set<string>();

// ---------------------------------------------------------------------------------------------------------------
// Generators: which handoff a button names

/** Button values that name no handoff: not a plain id, or an id that does not exist. */
const badIdText = fc.oneof(
  fc.constantFrom(
    ...'0 -1 1.5 1e400 0x10 +1 １ NaN Infinity -0 null 1,2 18446744073709551616 1:1:1 :1 1: 1:-1 1:1e400'.split(
      ' ',
    ),
    ...[' 1', '1 ', '', "1' OR '1'='1", '1;DROP TABLE handoffs', '9'.repeat(15), '9'.repeat(16), '\u00001'],
  ),
  fc.bigInt({ min: 10_000n, max: 10n ** 30n }).map(String),
  fc.integer({ min: 10_000, max: 100_000 }).map((n) => '9'.repeat(n)),
  huge,
);

/** An existing handoff, named the wrong way. */
const MALFORMED_REF: ((id: number) => unknown)[] = [
  ...['{} ', ' {}', '{}.0', '{}e0', '+{}', '{}\n', '#{}', '-{}', '[{}]', '{}%00'].map(
    (form) => (id: number) => form.replace('{}', String(id)),
  ),
  (id) => `0x${id.toString(16)}`,
  (id) => id,
  (id) => [String(id)],
  (id) => ({ id }),
  (id) => String(id).split(''),
  ...[null, true, undefined].map((value) => () => value),
];

type ValueGen =
  | { kind: 'ref'; ref: Ref; withCycle: boolean }
  | { kind: 'bad'; text: string }
  | { kind: 'malformed'; ref: Ref; form: number }
  | { kind: 'wrongType'; value: unknown }
  | { kind: 'cycle'; ref: Ref; cycle: number }
  | { kind: 'help'; which: 'helpOpen' | 'helpClaimed' };

const badValue: fc.Arbitrary<ValueGen> = fc.oneof(
  badIdText.map((text) => ({ kind: 'bad' as const, text })),
  fc.record({
    kind: fc.constant('malformed' as const),
    ref,
    form: fc.nat({ max: MALFORMED_REF.length - 1 }),
  }),
  wrongType.map((value) => ({ kind: 'wrongType' as const, value })),
);

const refValue = (r: Ref, withCycle = false): ValueGen => ({ kind: 'ref', ref: r, withCycle });

/** The button's value, once the world's ids are known. */
function renderValue(v: ValueGen, seeds: Seeds): unknown {
  switch (v.kind) {
    case 'ref': {
      const row = seeds.rows[v.ref];
      return v.withCycle ? `${row.id}:${row.cycle}` : String(row.id);
    }
    case 'bad':
      return v.text;
    case 'malformed':
      return (MALFORMED_REF[v.form] as (id: number) => unknown)(seeds.rows[v.ref].id);
    case 'wrongType':
      return v.value;
    case 'cycle':
      return `${seeds.rows[v.ref].id}:${v.cycle}`;
    case 'help':
      return String(seeds[v.which]);
  }
}

/** Harmless extras Slack never sends: must not change the outcome. */
const noise = fc.record(
  {
    extraKey: fc.oneof(huge, wrongType, junk),
    token: fc.oneof(huge, wrongType),
    messageText: huge,
    triggerId: fc.oneof(huge, wrongType, junk),
  },
  { requiredKeys: [] },
);
type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------------------------
// Block actions: every action id

interface ButtonPlan {
  actionId: string;
  identity: Identity;
  value: ValueGen;
  inHome: boolean;
  noise: Noise;
  why: string;
}

const inHome = fc.boolean();

const changingButton: fc.Arbitrary<ButtonPlan> = fc.oneof(
  // Someone who may not: another AE, another owner, a partner, a foreign or missing team, a handoff not theirs.
  fc
    .record({
      actionId: fc.constantFrom(...Object.keys(MAY_CHANGE)),
      identity,
      r: ref,
      withCycle: fc.boolean(),
      inHome,
      noise,
    })
    .filter(({ actionId, identity: i, r }) => !actsAs(i, MAY_CHANGE[actionId]?.[r] ?? []))
    .map(({ r, withCycle, ...p }) => ({
      ...p,
      value: refValue(r, withCycle),
      why: REFS.some((other) => other !== r && actsAs(p.identity, MAY_CHANGE[p.actionId]?.[other] ?? []))
        ? `other handoff: ${r} is not theirs`
        : `not theirs / wrong state: ${r}`,
    })),
  // The right person, one detail off (see NEAR_MISS).
  fc
    .record({
      actionId: fc.constantFrom(...Object.keys(MAY_CHANGE)),
      r: ref,
      who: fc.nat(),
      miss: nearMiss,
      inHome,
      noise,
    })
    .filter(({ actionId, r }) => (MAY_CHANGE[actionId]?.[r] ?? []).length > 0)
    .map(({ actionId, r, who, miss, ...p }) => {
      const allowed = MAY_CHANGE[actionId]?.[r] ?? [];
      return {
        ...p,
        actionId,
        identity: (NEAR_MISS[miss] as (i: Identity) => Identity)(
          clean(allowed[who % allowed.length] as string),
        ),
        value: refValue(r),
        why: `near miss: ${miss}`,
      };
    }),
  // Someone allowed on one handoff, pressing the button of another.
  fc
    .record({
      actionId: fc.constantFrom(...Object.keys(MAY_CHANGE)),
      from: ref,
      to: ref,
      who: fc.nat(),
      inHome,
      noise,
    })
    .map(({ actionId, from, to, who, ...p }) => {
      const allowed = MAY_CHANGE[actionId]?.[from] ?? [people.partner.id];
      return { ...p, actionId, to, identity: clean(allowed[who % allowed.length] as string) };
    })
    .filter(({ actionId, to, identity: i }) => !actsAs(i, MAY_CHANGE[actionId]?.[to] ?? []))
    .map(({ to, ...p }) => ({ ...p, value: refValue(to), why: `other handoff: ${to} is not theirs` })),
  // Anyone, naming no handoff.
  fc
    .record({
      actionId: fc.constantFrom(...Object.keys(MAY_CHANGE)),
      identity,
      value: badValue,
      inHome,
      noise,
    })
    .map((p) => ({ ...p, why: 'no such handoff' })),
  // The right person, with a stale window in the value (withdraw: `id:cycle` of an older window).
  fc
    .record({
      r: fc.constantFrom<Ref>('A', 'D'),
      stale: fc.integer({ min: 2, max: 1_000_000 }),
      inHome,
      noise,
    })
    .map(({ r, stale, ...p }) => ({
      ...p,
      actionId: ACTION_ID.withdraw,
      identity: clean(r === 'A' ? people.author.id : people.owner.id),
      value: { kind: 'cycle' as const, ref: r, cycle: stale },
      why: `withdraw ${r} with cycle ${stale}`,
    })),
);

/** "I'll take it" on a help request: any internal member may take the open one; the other is taken already. */
const helpClaimButton: fc.Arbitrary<ButtonPlan> = fc
  .record({
    identity,
    value: fc.oneof(
      fc.constant<ValueGen>({ kind: 'help', which: 'helpClaimed' }),
      fc.constant<ValueGen>({ kind: 'help', which: 'helpOpen' }),
      badValue,
    ),
    inHome,
    noise,
  })
  .filter(({ identity: i, value }) => !(value.kind === 'help' && value.which === 'helpOpen' && isInternal(i)))
  .map((p) => ({
    ...p,
    actionId: ACTION_ID.helpClaim,
    why:
      p.value.kind === 'help'
        ? `${p.value.which} by ${isInternal(p.identity) ? 'member' : 'outsider'}`
        : 'no such request',
  }));

const readOnlyButton: fc.Arbitrary<ButtonPlan> = fc
  .record({
    actionId: fc.constantFrom(...READ_ONLY),
    identity,
    value: fc.oneof(fc.record({ kind: fc.constant('ref' as const), ref, withCycle: fc.boolean() }), badValue),
    inHome,
    noise,
  })
  .map((p) => ({ ...p, why: 'opens a modal or uploads, never writes' }));

function buttonPayload(p: ButtonPlan): Record<string, unknown> {
  const base = blockAction({
    actionId: p.actionId,
    value: 'x',
    responseUrl: world().h.slack.responseUrl(),
    triggerId: world().h.slack.issueTriggerId(),
    channelId: 'D0AE',
  });
  const action = {
    ...(base.actions[0] as Record<string, unknown>),
    value: renderValue(p.value, world().seeds),
  };
  return {
    ...base,
    user: p.identity.user,
    team: p.identity.team,
    enterprise: p.identity.enterprise,
    actions: [action],
    ...(p.inHome
      ? {
          view: { id: 'V0HOME', type: 'home', private_metadata: '', callback_id: '', hash: '1' },
          container: { type: 'view', view_id: 'V0HOME' },
        }
      : {}),
    ...applyNoise(p.noise),
  };
}

function applyNoise(n: Noise): Record<string, unknown> {
  return {
    ...(n.extraKey !== undefined ? { x_hostile: n.extraKey } : {}),
    ...(n.token !== undefined ? { token: n.token } : {}),
    ...(n.messageText !== undefined
      ? { message: { type: 'message', ts: '1700000000.000100', text: n.messageText, blocks: [] } }
      : {}),
    ...(n.triggerId !== undefined ? { trigger_id: n.triggerId } : {}),
  };
}

/** The period picker of RevOps' App Home (a static select): whoever picks, whatever option and view metadata. */
const periodPick = fc.record({
  identity,
  selected: fc.oneof(
    fc.constantFrom<unknown>({ value: '7d' }, { value: '90d' }, null, undefined, {}, { value: '__proto__' }),
    huge.map((value) => ({ value })),
    wrongType.map((value) => ({ value })),
  ),
  metadata: fc.oneof(huge, wrongType, junk, fc.constant('{"period":"__proto__"}')),
  inHome: fc.boolean(),
});

function periodPayload(
  p: typeof periodPick extends fc.Arbitrary<infer T> ? T : never,
): Record<string, unknown> {
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

/** The "Ask for partner help" global shortcut: whoever presses it, any trigger id, extra fields. */
const shortcut = fc.record({
  identity,
  triggerId: fc.oneof(fc.constant('fresh'), huge, wrongType, junk),
  callbackNoise: fc.option(fc.oneof(huge, wrongType), { nil: undefined }),
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

describe('hostile input through the real HTTP receiver (property)', () => {
  it('block actions (every action id): refused (200, or 400 for a malformed body), healthy, no error, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: changingButton },
          { weight: 1, arbitrary: helpClaimButton },
          { weight: 2, arbitrary: readOnlyButton },
        ),
        async (plan) => {
          const sent = interaction(`${plan.actionId} (${plan.why})`, buttonPayload(plan));
          // Coverage counts only what reached the listeners (a malformed body stops at the receiver).
          if (!malformed(sent)) {
            covered.add(plan.actionId);
            if (plan.why.startsWith('other handoff')) covered.add('other handoff (button)');
            if (plan.why.startsWith('near miss')) covered.add('near miss (button)');
          }
          const problems = await world().exercise([sent]);
          expect(problems, `${plan.actionId}: ${plan.why}`).toEqual([]);
        },
      ),
      propertyOpts(180),
    );
    expect([...covered]).toEqual(
      expect.arrayContaining([
        ...READ_ONLY,
        ...Object.keys(MAY_CHANGE),
        ACTION_ID.helpClaim,
        'other handoff (button)',
        'near miss (button)',
      ]),
    );
  }, 120_000);

  it('the App Home period picker: any selection or metadata, 200 (400 if malformed), nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(periodPick, async (plan) => {
        expect(await world().exercise([interaction(ACTION_ID.homePeriod, periodPayload(plan))])).toEqual([]);
      }),
      propertyOpts(30),
    );
  }, 60_000);

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
        expect(await world().exercise([interaction('shortcut', payload)])).toEqual([]);
      }),
      propertyOpts(40),
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Defects found earlier, now fixed: each keeps the property that pinned it, asserting the fixed behaviour

describe('defects found earlier (fixed: each property asserts the fix)', () => {
  /**
   * DEFECT 9 (fixed, authorization). "Our workspaces" come from auth.test and config (src/handlers/context.ts), never
   * from the request: a request whose `team.id` and `user.team_id` both name a partner's workspace is an outsider's,
   * who may not take or file a help request, withdraw a handoff or record its outcome.
   */
  it('requests naming a foreign workspace as their own: refused, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(PARTNER_TEAM, 'T0SISTER'), async (foreignTeam) => {
        const foreign = (userId: string) => ({
          user: { id: userId, team_id: foreignTeam },
          team: { id: foreignTeam, domain: 'elsewhere' },
        });
        const press = (label: string, actionId: string, userId: string, value: number) =>
          interaction(label, {
            ...click(world(), actionId, { ...foreign(userId) }),
            actions: [{ type: 'button', action_id: actionId, value: String(value) }],
          });
        const { rows, helpOpen } = world().seeds;
        const requests = [
          press('help claim by a partner', ACTION_ID.helpClaim, people.partner.id, helpOpen),
          interaction('help request by a partner', {
            ...viewSubmission({
              callbackId: CALLBACK_ID.helpRequest,
              viewId: `V0FOREIGN${foreignTeam}`,
              values: {
                [HELP_BLOCK_ID.account]: text('Acme'),
                [HELP_BLOCK_ID.ask]: text('An intro, please.'),
              },
            }),
            ...foreign(people.partner.id),
          }),
          press(
            'withdraw A by its owner id from another workspace',
            ACTION_ID.withdraw,
            people.author.id,
            rows.A.id,
          ),
          press(
            'meeting held on B by its owner id from another workspace',
            `${OUTCOME_ACTION_PREFIX}meeting_held`,
            people.author.id,
            rows.B.id,
          ),
        ].map(wellFormed);
        expect(await world().exercise(requests)).toEqual([]);
      }),
      defectOpts,
    );
  });
});

describe('afterwards', () => {
  it('after all of it, the app still serves a real request: the AE accepts handoff D', async () => {
    await stillServes(world());
  });
});
