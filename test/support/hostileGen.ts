import fc from 'fast-check';
import {
  ACCEPT_BLOCK_ID,
  ASK_BLOCK_ID,
  CALLBACK_ID,
  DECLINE_BLOCK_ID,
  NEXT_MOVE_BLOCK_ID,
  NOTE_BLOCK_ID,
  OUTCOME_BLOCK_ID,
  OWNER_BLOCK_ID,
  SHORTCUT_ID,
} from '../../src/blocks/ids.js';
import { malformedReason } from '../../src/receiver.js';
import { goodNewAe, REFS, type Ref } from './mayDo.js';
import { PARTNER_TEAM, people, TEAM } from './people.js';
import { seedOf } from './seed.js';

/**
 * Hostile input, the half that needs no app: the fast-check settings, generators of hostile values and identities,
 * the requests built from them, and the receiver's malformed rule (src/receiver.ts `malformedReason`). What sends
 * them through the real HTTP receiver and checks the app afterwards is test/support/hostile.ts.
 */

// ---------------------------------------------------------------------------------------------------------------
// fast-check settings

/** Fixed so CI is repeatable; fast-check prints it with any failure. SEED=<n> explores other inputs or replays one. */
export const SEED = seedOf(20261123);

/** The main properties: `numRuns` each (NUM_RUNS overrides it), every failure shrunk. */
export const propertyOpts = (numRuns: number) => ({
  seed: SEED,
  numRuns: Number(process.env.NUM_RUNS ?? numRuns),
  endOnFailure: false,
});

/** The properties that pin a defect found earlier: a few runs over a handful of shapes, the first failure shown. */
export const defectOpts = { seed: SEED, numRuns: 3, endOnFailure: true };

// ---------------------------------------------------------------------------------------------------------------
// Request bodies, and the receiver's rule for them

export const FORM = 'application/x-www-form-urlencoded';

/** Bolt's body limit, which the receiver keeps: a larger body is answered 413 before anything reads it. */
export const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Why the receiver refuses a signed body with 400 as something Slack never sends (undefined: it goes on to Bolt).
 * The receiver's own rule (src/receiver.ts `malformedReason`); bodies over the limit get 413 instead.
 */
export function refusedAsMalformed(body: string, contentType: string): string | undefined {
  if (Buffer.byteLength(body) > BODY_LIMIT) return undefined;
  return malformedReason(contentType, body);
}

/** `payload=<json>`, form-encoded, as Slack sends interactions. */
export const interactionBody = (payload: unknown) =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** A slash command's form body; a field given several values is sent several times. */
export function commandBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

/** One signed request of a batch (test/support/hostile.ts `HostileWorld.exercise`), and what may become of it. */
export interface Sent {
  label: string;
  body: string;
  contentType?: string;
  /**
   * Acceptable HTTP statuses if the body reaches Bolt: 200 for a request a listener answers; 400/404 too for one
   * nobody can route. A body the receiver finds malformed must get 400, whatever this says.
   */
  statuses: number[];
  /** Built to be malformed: the receiver must refuse it (400) rather than pass it on. */
  malformed?: boolean;
  /**
   * Carries fields of the wrong type that a listener may trip on (a TypeError): the app's global catch (an error
   * logged, the person told it did not go through) is then an acceptable answer. Anywhere else, a listener that
   * throws is a problem.
   */
  wrongTypes?: boolean;
  /** Where a refusal may be answered: the request's response_url, a DM to its user. */
  responseUrls: unknown[];
  userIds: unknown[];
}

/** Why the receiver refuses this request as malformed (400), or undefined when it reaches Bolt. */
export const malformed = (r: Sent) => refusedAsMalformed(r.body, r.contentType ?? FORM);

/** A refused interaction: payload → form-encoded, answered by a listener (200). */
export function interaction(label: string, payload: Record<string, unknown>, statuses = [200]): Sent {
  const user = payload.user as { id?: unknown } | undefined;
  return {
    label,
    body: interactionBody(payload),
    statuses,
    responseUrls: [payload.response_url],
    userIds: [user?.id],
  };
}

/** A person of ours as an interaction's `user`. */
export const internal = (p: { id: string }) => ({ id: p.id, team_id: TEAM });

/** The "Ask for partner help" global shortcut, pressed by the partner (the defect properties override fields). */
export const shortcutPayload = (triggerId: string, over: Record<string, unknown> = {}) => ({
  type: 'shortcut',
  callback_id: SHORTCUT_ID.helpRequest,
  trigger_id: triggerId,
  user: internal(people.partner),
  team: { id: TEAM },
  ...over,
});

// ---------------------------------------------------------------------------------------------------------------
// Generators: hostile values

/** Values of the wrong type where Slack sends a string. */
export const wrongType = fc.constantFrom<unknown>(
  0,
  42,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  ['x'],
  {},
  { value: 'x' },
  [[]],
);

/** A string of 10k–100k UTF-16 units, of one piece repeated (some pieces need escaping in JSON or in mrkdwn). */
export const huge = fc
  .tuple(
    fc.constantFrom(
      'a',
      '9',
      '<!channel>',
      '😀',
      '\u0000',
      '"',
      '\\',
      '{',
      '&amp;',
      '%',
      '\u202e',
      ' ',
      '\n',
    ),
    fc.integer({ min: 10_000, max: 100_000 }),
  )
  .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n - (n % 2)));

/** Short text with Slack's special pieces (mentions, links, escapes, control characters). */
export const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '<!channel>',
    '<!here>',
    '<@U0AE>',
    '<#C0PARTNER>',
    '&lt;',
    '\u0000',
    '\ud83d',
    '\u202e',
    '\r\n',
    '',
  ),
);

/** Which of the world's handoffs a request names (test/support/mayDo.ts). */
export const ref = fc.constantFrom(...REFS);

// ---------------------------------------------------------------------------------------------------------------
// Generators: who acts

export interface Identity {
  user: Record<string, unknown>;
  team: unknown;
  enterprise: unknown;
}

export const PEOPLE_IDS = Object.values(people).map((p) => p.id);

const userId = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PEOPLE_IDS, 'U0NOBODY') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      'u0ae',
      'U0AE ',
      ' U0AE',
      'U0AE\u0000',
      '<@U0AE>',
      'U0AE,U0OWNER',
      'U0MEMBER\n',
    ),
  },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: wrongType },
);

/** `user.team_id`: ours most of the time, else foreign, malformed, or missing. */
const userTeamId = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>(TEAM) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(PARTNER_TEAM, 'T0SISTER', 't0internal', `${TEAM} `, '', undefined),
  },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: wrongType },
);

/** `team`: the workspace the interaction belongs to, as the payload says (the app decides nothing on it). */
const team = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>({ id: TEAM, domain: 'acme' }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      { id: PARTNER_TEAM, domain: 'meridian' },
      { id: 'T0SISTER' },
      undefined,
      null,
      {},
      { id: 42 },
      { id: null },
      { id: [TEAM] },
    ),
  },
  { weight: 1, arbitrary: huge.map((id) => ({ id })) },
);

export const identity: fc.Arbitrary<Identity> = fc.record({
  user: fc.record({ id: userId, team_id: userTeamId, name: fc.oneof(fc.constant('someone'), huge) }),
  team,
  enterprise: fc.constantFrom<unknown>(null, undefined, { id: 'E0FOREIGN' }, { id: 42 }),
});

/** A person of ours, exactly as Slack identifies them. */
export const clean = (id: string): Identity => ({
  user: { id, team_id: TEAM, name: 'someone' },
  team: { id: TEAM, domain: 'acme' },
  enterprise: null,
});

const withUser = (i: Identity, user: Record<string, unknown>): Identity => ({
  ...i,
  user: { ...i.user, ...user },
});

/**
 * One change that turns a person allowed to act into someone the app must refuse: their user id from another
 * workspace, no workspace, a workspace id of the wrong shape, a Grid org in place of the workspace, a user id that is
 * almost theirs. (The payload's `team` is no such change: the app takes its own workspaces from auth.test, never from
 * the request, so the clicker's `user.team_id` alone decides.)
 */
export const NEAR_MISS: Record<string, (i: Identity) => Identity> = {
  'user.team_id foreign': (i) => withUser(i, { team_id: PARTNER_TEAM }),
  'user.team_id sister': (i) => withUser(i, { team_id: 'T0SISTER' }),
  'user.team_id missing': (i) => withUser(i, { team_id: undefined }),
  'user.team_id null': (i) => withUser(i, { team_id: null }),
  'user.team_id lower-case': (i) => withUser(i, { team_id: TEAM.toLowerCase() }),
  'user.team_id padded': (i) => withUser(i, { team_id: ` ${TEAM}` }),
  'user.team_id number': (i) => withUser(i, { team_id: 42 }),
  'user.team_id array': (i) => withUser(i, { team_id: [TEAM] }),
  'user.team_id object': (i) => withUser(i, { team_id: { id: TEAM } }),
  'enterprise only': (i) => ({
    ...i,
    team: null,
    enterprise: { id: TEAM },
    user: { ...i.user, team_id: 'E0GRID' },
  }),
  'user.id padded': (i) => withUser(i, { id: `${String(i.user.id)} ` }),
  'user.id lower-case': (i) => withUser(i, { id: String(i.user.id).toLowerCase() }),
  'user.id mention': (i) => withUser(i, { id: `<@${String(i.user.id)}>` }),
  'user.id NUL': (i) => withUser(i, { id: `${String(i.user.id)}\u0000` }),
  'user.id array': (i) => withUser(i, { id: [i.user.id] }),
  'user.id object': (i) => withUser(i, { id: { id: i.user.id } }),
  'user.id missing': (i) => withUser(i, { id: undefined }),
};
export const nearMiss = fc.constantFrom(...Object.keys(NEAR_MISS));

/**
 * Internal as the app sees it: the user's own workspace (`user.team_id`) is the one the app is installed in (the test
 * workspace has no Grid org and no INTERNAL_TEAM_IDS). The payload's `team` does not count.
 */
export const isInternal = (i: Identity) => i.user.team_id === TEAM;

/** May this identity act for one of `userIds`? */
export const actsAs = (i: Identity, userIds: readonly string[]) =>
  isInternal(i) && typeof i.user.id === 'string' && userIds.includes(i.user.id);

// ---------------------------------------------------------------------------------------------------------------
// Modal input, as Slack sends it in state.values

export const text = (value: unknown) => ({ value: { type: 'plain_text_input', value } });
export const select = (value: unknown, actionId = 'value') => ({
  [actionId]: {
    type: 'static_select',
    selected_option: value === undefined ? null : { value, text: { type: 'plain_text', text: 'x' } },
  },
});

/**
 * The accept modal's state.values (issue 51 item 1): a first step, its date (the world's clock stays on the harness's
 * Monday 23 November: the modal's default, Thursday 26 November) and an estimated value; each may be replaced.
 */
export const acceptState = (
  over: { step?: unknown; due?: unknown; estimatedValue?: unknown } = {},
): Record<string, unknown> => ({
  [ACCEPT_BLOCK_ID.step]: text('step' in over ? over.step : 'Intro call with Dana Reyes'),
  [ACCEPT_BLOCK_ID.due]: {
    value: { type: 'datepicker', selected_date: 'due' in over ? over.due : '2026-11-26' },
  },
  [ACCEPT_BLOCK_ID.value]: {
    value: { type: 'number_input', value: 'estimatedValue' in over ? over.estimatedValue : '48000' },
  },
});

/** state.values of each handoff modal that its right person could submit for `r`. */
export function validValues(callbackId: string, r: Ref): unknown {
  switch (callbackId) {
    case CALLBACK_ID.accept:
      return acceptState();
    case CALLBACK_ID.decline:
      return { [DECLINE_BLOCK_ID.reason]: select('timing'), [DECLINE_BLOCK_ID.note]: text('Not now.') };
    case CALLBACK_ID.reassign:
      return {
        [OWNER_BLOCK_ID.newAe]: { value: { type: 'users_select', selected_user: goodNewAe(r) } },
        [OWNER_BLOCK_ID.days]: { value: { type: 'number_input', value: '3' } },
      };
    case CALLBACK_ID.extend:
      return { [OWNER_BLOCK_ID.days]: { value: { type: 'number_input', value: '2' } } };
    case CALLBACK_ID.opportunity:
      return { [OUTCOME_BLOCK_ID.crmOpportunity]: text('OPP-1') };
    case CALLBACK_ID.note:
      return { [NOTE_BLOCK_ID]: text('The ops director prefers Thursday mornings.') };
    case CALLBACK_ID.nextMove:
      return {
        [NEXT_MOVE_BLOCK_ID.move]: text('Dana books the workshop with the ops team.'),
        [NEXT_MOVE_BLOCK_ID.date]: { value: { type: 'datepicker', selected_date: null } },
      };
    case CALLBACK_ID.question:
      return { [ASK_BLOCK_ID.question]: text('Who signs the order?') };
    case CALLBACK_ID.answer:
      return { [ASK_BLOCK_ID.answer]: text('The CFO.') };
    default:
      return { [OUTCOME_BLOCK_ID.reason]: select('timing'), [OUTCOME_BLOCK_ID.note]: text(null) };
  }
}
