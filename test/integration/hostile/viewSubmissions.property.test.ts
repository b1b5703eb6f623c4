import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCEPT_BLOCK_ID,
  ACTION_ID,
  ADD_TO_HANDOFF_BLOCK_ID,
  ASK_BLOCK_ID,
  ATTRIBUTION_REVIEW_BLOCK_ID,
  CALLBACK_ID,
  COVER_BLOCK_ID,
  DECLINE_BLOCK_ID,
  HELP_BLOCK_ID,
  levelBlockId,
  MY_DAYS_BLOCK_ID,
  managerBlockId,
  NEXT_MOVE_BLOCK_ID,
  NOTE_BLOCK_ID,
  OUTCOME_BLOCK_ID,
  OWNER_BLOCK_ID,
  PACKET_BLOCK_ID,
  PROGRAM_BLOCK_ID,
  REVIEW_BLOCK_ID,
  SCORE_WEIGHTS_NOTE_BLOCK_ID,
  STEP_DATE_BLOCK_ID,
  scoreWeightBlockId,
  settingBlockId,
} from '../../../src/blocks/ids.js';
import { nextMoveVersion } from '../../../src/core/heldBack.js';
import { COMPONENTS } from '../../../src/domain/scoringModel.js';
import { hostileWorld, signedPost, stillServes, wellFormed } from '../../support/hostile.js';
import {
  acceptState,
  actsAs,
  clean,
  defectOpts,
  huge,
  type Identity,
  identity,
  interaction,
  internal,
  isInternal,
  junk,
  malformed,
  NEAR_MISS,
  nearMiss,
  propertyOpts,
  ref,
  select,
  text,
  validValues,
  wrongType,
} from '../../support/hostileGen.js';
import {
  ADMIN,
  goodNewAe,
  HANDOFF_MODALS,
  MAY_SUBMIT,
  REFS,
  type Ref,
  type Seeds,
} from '../../support/mayDo.js';
import { packetState, viewSubmission } from '../../support/payloads.js';
import { people, TEAM } from '../../support/people.js';

/**
 * Hostile view submissions through the real HTTP receiver: every callback id, submitted by someone who may not
 * (test/support/mayDo.ts), one detail off, about another handoff, with private_metadata naming no handoff or draft,
 * a changed window, state.values that are not inputs, or a field out of bounds. Every request is correctly signed.
 * The app answers 200 (400 when the body is malformed), never a 5xx, still answers GET /healthz, logs no error, and
 * leaves every table as it was: the outbox may only gain a reply to the actor (an ephemeral, or a DM). See
 * test/support/hostile.ts `exercise`.
 *
 * DEFECTS 5 and 6 (listener errors on wrong-typed inputs) keep the properties that pinned them.
 */

const world = hostileWorld('view submissions');
/** Which callback ids and kinds of hostility the property exercised (asserted, so none is vacuous). */
const covered = new Set<string>();
const words = (list: string) => list.split(' ');

// ---------------------------------------------------------------------------------------------------------------
// View submissions: every callback id

/** private_metadata that names no handoff (or draft): the key is given under `key`. */
function badMetadata(key: 'handoffId' | 'draftId'): fc.Arbitrary<{ kind: string; raw?: unknown; ref?: Ref }> {
  const k = JSON.stringify(key);
  return fc.oneof(
    fc
      .constantFrom<unknown>(
        ...words('null [] {} "1" true'),
        '',
        ...words('null "1" 1e400 -1e400 -1 0 1.5 9007199254740993 1e21 [1] {"id":1} "0x10"').map(
          (v) => `{${k}:${v}}`,
        ),
        `{${k}:" 1"}`,
        `{${k}:`,
        `{${key}:1}`,
        `{'${key}':1}`,
        `{${k.toLowerCase()}:1}`,
        `{"__proto__":{${k}:1}}`,
        `{"constructor":{"prototype":{${k}:1}}}`,
        ...[5, null, { [key]: 1 }, true],
      )
      .map((raw) => ({ kind: 'raw', raw })),
    huge.map((raw) => ({ kind: 'raw', raw })),
    fc.integer({ min: 400, max: 100_000 }).map((n) => ({ kind: 'raw', raw: `{${k}:${'9'.repeat(n)}}` })),
    fc
      .record({ ref, form: fc.nat({ max: 6 }) })
      .map(({ ref: r, form }) => ({ kind: `malformed${form}`, ref: r })),
  );
}

function renderMetadata(
  m: { kind: string; raw?: unknown; ref?: Ref },
  key: 'handoffId' | 'draftId',
  idOf: (r: Ref) => number,
): unknown {
  if (m.kind === 'raw') return m.raw;
  const id = idOf(m.ref as Ref);
  const k = JSON.stringify(key);
  const forms = [
    `{${k}:"${id}"}`,
    `{${k}:${id}.5}`,
    `{${k}:-${id}}`,
    `{${k}:[${id}]}`,
    `{${k}:${id}`,
    `{${k.toLowerCase()}:${id}}`,
    `{${k}:${id},${k}:"x"}`,
  ];
  return forms[Number(m.kind.slice('malformed'.length))];
}

/** Business-day counts that are not 1–10 whole days, in every shape. */
const badDays = fc.oneof(
  fc.constantFrom<unknown>(
    '',
    ' ',
    ...words('abc 0 -1 11 100 3.5 1e400 NaN Infinity ١ ３'),
    null,
    {},
    [1, 2],
  ),
  huge,
);

/** Users who can never be a handoff's new AE, whatever the handoff. */
const badNewAe = fc.oneof(
  fc.constantFrom<unknown>(
    ...['U0NOBODY', people.bot.id, people.gone.id, people.partner.id, people.author.id],
    ...['', null, 42, [people.ae.id], `${people.ae.id} `],
  ),
  huge,
);

type ViewPlan = {
  callbackId: string;
  identity: Identity;
  why: string;
  /** Filled in at run time from the seeds. */
  metadata: (s: Seeds) => unknown;
  values: (s: Seeds) => unknown;
  blocks?: unknown[];
};

const refId = (s: Seeds, r: Ref) => s.rows[r].id;
const ownerMeta = (s: Seeds, r: Ref, cycle?: unknown) =>
  JSON.stringify({ handoffId: s.rows[r].id, cycle: cycle ?? s.rows[r].cycle });

const validMetadata = (s: Seeds, callbackId: string, r: Ref) =>
  callbackId === CALLBACK_ID.reassign || callbackId === CALLBACK_ID.extend
    ? ownerMeta(s, r)
    : callbackId === CALLBACK_ID.nextMove
      ? JSON.stringify({ handoffId: refId(s, r), version: nextMoveVersion(s.rows[r]) })
      : JSON.stringify({ handoffId: refId(s, r) });

/** Dates no first step may have: none, past, too far out, not a date. */
const BAD_DATES: unknown[] = [
  undefined,
  null,
  '',
  ...words('2020-01-01 2026-11-22 2027-06-01 tomorrow 2026-13-45'),
];
const NO_BLOCKS = fc.constant({ why: 'no blocks', values: () => ({}) });
/** Empty or blank text. */
const BLANK: unknown[] = ['', '   ', '\n\t', null, undefined];

/** Reasons no list offers (the right one shouted, a prototype's name). */
const badReason = (...more: string[]) =>
  fc.constantFrom<unknown>(undefined, '', 'TIMING', '__proto__', ...more);
const declineState = (reason: unknown, note: unknown) => ({
  [DECLINE_BLOCK_ID.reason]: select(reason, ACTION_ID.declineReason),
  [DECLINE_BLOCK_ID.note]: text(note),
});
const numberInput = (value: unknown) => ({ value: { type: 'number_input', value } });
const reassignState = (ae: unknown, days: unknown = '3') => ({
  [OWNER_BLOCK_ID.newAe]: { value: { type: 'users_select', selected_user: ae } },
  [OWNER_BLOCK_ID.days]: numberInput(days),
});
const nextMove = (move: unknown, date: unknown = null) => ({
  [NEXT_MOVE_BLOCK_ID.move]: text(move),
  [NEXT_MOVE_BLOCK_ID.date]: { value: { type: 'datepicker', selected_date: date } },
});
/** One text input left blank, or no blocks at all. */
const blankIn = (block: string, label: string) =>
  fc.oneof(
    fc.constantFrom(...BLANK).map((typed) => ({
      why: `${label} ${JSON.stringify(typed)}`,
      values: () => ({ [block]: text(typed) }),
    })),
    NO_BLOCKS,
  );

/** The field mutations that make each handoff modal invalid, whoever submits it. */
function badFields(callbackId: string): fc.Arbitrary<{ why: string; values: (r: Ref, s: Seeds) => unknown }> {
  switch (callbackId) {
    // The accept modal (issue 51 item 1): a first step the partner may not read, no date or one out of range, an
    // estimated value that is not a whole number. (A wrong-typed value reads as none given: not out of bounds.)
    case CALLBACK_ID.accept:
      return fc.oneof(
        fc
          .oneof(
            fc.constantFrom(...BLANK, 'tbd', 'n/a', 'Confidential: our 20% margin call', 'x'.repeat(151)),
            huge,
            wrongType,
          )
          .map((step) => ({
            why: `first step ${JSON.stringify(step)?.slice(0, 40)}`,
            values: () => acceptState({ step }),
          })),
        fc.oneof(fc.constantFrom(...BAD_DATES, '2026-02-30', '26-11-26'), huge, wrongType).map((due) => ({
          why: `first step date ${JSON.stringify(due)?.slice(0, 40)}`,
          values: () => acceptState({ due }),
        })),
        fc
          .constantFrom(...words('12.5 -1 abc 1000000001 NaN Infinity ١'), '48 000', '48,000')
          .map((estimatedValue) => ({
            why: `estimated value ${JSON.stringify(estimatedValue)}`,
            values: () => acceptState({ estimatedValue }),
          })),
        NO_BLOCKS,
      );
    // New date for the first step (issue 51 item 2): no date, one in the past or too far out, or not a date.
    case CALLBACK_ID.stepDate:
      return fc.oneof(
        fc.oneof(fc.constantFrom(...BAD_DATES), huge, wrongType).map((due) => ({
          why: `new step date ${JSON.stringify(due)?.slice(0, 40)}`,
          values: () => ({ [STEP_DATE_BLOCK_ID.due]: { value: { type: 'datepicker', selected_date: due } } }),
        })),
        NO_BLOCKS,
      );
    case CALLBACK_ID.decline:
      return fc.oneof(
        fc.oneof(badReason('timing ', 'toString'), huge, wrongType).map((reason) => ({
          why: `decline reason ${JSON.stringify(reason)?.slice(0, 40)}`,
          values: () => declineState(reason, null),
        })),
        huge.map((note) => ({
          why: `decline note of ${note.length}`,
          values: () => declineState('timing', note),
        })),
        NO_BLOCKS,
      );
    case CALLBACK_ID.reassign:
      return fc.oneof(
        badDays.map((days) => ({
          why: `reassign days ${String(days).slice(0, 20)}`,
          values: (r: Ref) => reassignState(goodNewAe(r), days),
        })),
        badNewAe.map((ae) => ({
          why: `reassign to ${String(ae).slice(0, 20)}`,
          values: () => reassignState(ae),
        })),
        fc.constant({
          why: 'reassign to the current AE',
          values: (r: Ref, s: Seeds) => reassignState(s.rows[r].aeUserId),
        }),
        NO_BLOCKS,
      );
    case CALLBACK_ID.extend:
      return fc.oneof(
        badDays.map((days) => ({
          why: `extend days ${String(days).slice(0, 20)}`,
          values: () => ({ [OWNER_BLOCK_ID.days]: numberInput(days) }),
        })),
        NO_BLOCKS,
      );
    case CALLBACK_ID.nextMove:
      return fc.oneof(
        fc
          .constantFrom('tbd', 'n/a', 'Dana calls', 'Dana gets her 15% referral fee.', 'x'.repeat(801))
          .map((move) => ({
            why: `next move ${JSON.stringify(move).slice(0, 40)}`,
            values: () => nextMove(move),
          })),
        fc.constantFrom<unknown>('2020-01-01', 'tomorrow', '2026-13-45', 42).map((date) => ({
          why: `next move date ${JSON.stringify(date)}`,
          values: () => nextMove('Dana books the workshop with the ops team.', date),
        })),
      );
    case CALLBACK_ID.note:
      return blankIn(NOTE_BLOCK_ID, 'note');
    case CALLBACK_ID.question:
      return blankIn(ASK_BLOCK_ID.question, 'question');
    case CALLBACK_ID.answer:
      return blankIn(ASK_BLOCK_ID.answer, 'answer');
    case CALLBACK_ID.opportunity:
      return blankIn(OUTCOME_BLOCK_ID.crmOpportunity, 'crm');
    default:
      return fc.oneof(
        fc.oneof(badReason('hasOwnProperty'), huge, wrongType).map((reason) => ({
          why: `lost reason ${JSON.stringify(reason)?.slice(0, 40)}`,
          values: () => ({ [OUTCOME_BLOCK_ID.reason]: select(reason), [OUTCOME_BLOCK_ID.note]: text(null) }),
        })),
        NO_BLOCKS,
      );
  }
}

/** The first person allowed to submit this modal for `r` (or an outsider when nobody is). */
function rightPerson(callbackId: string, r: Ref): Identity {
  const allowed = MAY_SUBMIT[callbackId]?.[r]?.[0] ?? people.partner.id;
  return { user: { id: allowed, team_id: TEAM }, team: { id: TEAM }, enterprise: null };
}

/** state.values that are not blocks of inputs (missing or null ones are malformed: see malformed.property.test.ts). */
const MALFORMED_VALUES = fc.constantFrom<unknown>(
  'x',
  [],
  5,
  true,
  {},
  // The modal's first block, not a block of inputs.
  ...[null, 'x', { value: null }, { value: 'x' }, []].map((block) => (callbackId: string) => ({
    [firstBlock(callbackId)]: block,
  })),
);

const firstBlock = (callbackId: string) =>
  ({
    [CALLBACK_ID.accept]: ACCEPT_BLOCK_ID.step,
    [CALLBACK_ID.decline]: DECLINE_BLOCK_ID.reason,
    [CALLBACK_ID.reassign]: OWNER_BLOCK_ID.days,
    [CALLBACK_ID.extend]: OWNER_BLOCK_ID.days,
    [CALLBACK_ID.opportunity]: OUTCOME_BLOCK_ID.crmOpportunity,
    [CALLBACK_ID.lost]: OUTCOME_BLOCK_ID.reason,
    [CALLBACK_ID.note]: NOTE_BLOCK_ID,
    [CALLBACK_ID.nextMove]: NEXT_MOVE_BLOCK_ID.move,
    [CALLBACK_ID.question]: ASK_BLOCK_ID.question,
    [CALLBACK_ID.answer]: ASK_BLOCK_ID.answer,
    [CALLBACK_ID.stepDate]: STEP_DATE_BLOCK_ID.due,
  })[callbackId] ?? 'x';

/** A plan about handoff `r`: its valid private_metadata, and valid values unless given. */
const onHandoff = (
  callbackId: string,
  identity: Identity,
  why: string,
  r: Ref,
  values: (s: Seeds) => unknown = () => validValues(callbackId, r),
): ViewPlan => ({ callbackId, identity, why, metadata: (s) => validMetadata(s, callbackId, r), values });

/** The right person for `callbackId`, one detail off (only for a modal someone may submit). */
const nearMissPlan = (callbackId: string): fc.Arbitrary<ViewPlan> =>
  fc
    .record({ r: ref, who: fc.nat(), miss: nearMiss })
    .filter(({ r }) => (MAY_SUBMIT[callbackId]?.[r] ?? []).length > 0)
    .map(({ r, who, miss }) => {
      const allowed = MAY_SUBMIT[callbackId]?.[r] ?? [];
      const near = (NEAR_MISS[miss] as (i: Identity) => Identity)(
        clean(allowed[who % allowed.length] as string),
      );
      return onHandoff(callbackId, near, `near miss: ${miss}`, r);
    });

/** The right person on the right handoff, with state.values that are not blocks of inputs. */
const malformedValuesPlan = (callbackId: string): fc.Arbitrary<ViewPlan> =>
  fc
    .record({ r: ref, values: MALFORMED_VALUES })
    .filter(({ r }) => (MAY_SUBMIT[callbackId]?.[r] ?? []).length > 0)
    .map(({ r, values }) => {
      const sent = typeof values === 'function' ? values(callbackId) : values;
      return onHandoff(
        callbackId,
        rightPerson(callbackId, r),
        `state.values ${JSON.stringify(sent)}`,
        r,
        () => sent,
      );
    });

/** Whether anyone may submit this modal for some handoff of the world (the answer modal: nobody, no question waits). */
const someoneMay = (callbackId: string) => REFS.some((r) => (MAY_SUBMIT[callbackId]?.[r] ?? []).length > 0);

/**
 * The plans for one modal. Those that start from a person allowed to submit it are left out for a modal nobody may
 * submit in this world: their filter could never be met, and fast-check would look for a value forever.
 */
const handoffModal: fc.Arbitrary<ViewPlan> = fc.constantFrom(...HANDOFF_MODALS).chain((callbackId) =>
  fc.oneof(
    // Someone who may not (or a handoff in the wrong state), with otherwise valid input.
    fc
      .record({ identity, r: ref })
      .filter(({ identity: i, r }) => !actsAs(i, MAY_SUBMIT[callbackId]?.[r] ?? []))
      .map(({ identity: i, r }) => {
        const another = REFS.some((other) => other !== r && actsAs(i, MAY_SUBMIT[callbackId]?.[other] ?? []));
        return onHandoff(
          callbackId,
          i,
          another ? `other handoff: ${r} is not theirs` : `not theirs / wrong state: ${r}`,
          r,
        );
      }),
    // The right person, one detail off.
    ...(someoneMay(callbackId) ? [nearMissPlan(callbackId)] : []),
    // Someone allowed on one handoff, with private_metadata pointing at another.
    fc
      .record({ from: ref, to: ref, who: fc.nat() })
      .map(({ from, to, who }) => {
        const allowed = MAY_SUBMIT[callbackId]?.[from] ?? [people.partner.id];
        return { to, identity: clean(allowed[who % allowed.length] as string) };
      })
      .filter(({ to, identity: i }) => !actsAs(i, MAY_SUBMIT[callbackId]?.[to] ?? []))
      .map(({ to, identity: i }) => onHandoff(callbackId, i, `other handoff: ${to} is not theirs`, to)),
    // private_metadata naming no handoff.
    fc.record({ identity, m: badMetadata('handoffId'), r: ref }).map(({ identity: i, m, r }) => ({
      ...onHandoff(callbackId, i, `metadata ${m.kind}`, r),
      metadata: (s: Seeds) => renderMetadata(m, 'handoffId', (r) => refId(s, r)),
    })),
    // Owner modals: the window changed since the modal opened.
    ...(callbackId === CALLBACK_ID.reassign || callbackId === CALLBACK_ID.extend
      ? [
          fc
            .record({
              identity,
              r: ref,
              cycle: fc.constantFrom<unknown>(0, -1, 2, 99, 1.5, '1', null, undefined, '1e400'),
            })
            .map(({ identity: i, r, cycle }) => ({
              ...onHandoff(callbackId, i, `cycle ${String(cycle)}`, r),
              metadata: (s: Seeds) =>
                cycle === undefined
                  ? JSON.stringify({ handoffId: refId(s, r) })
                  : ownerMeta(s, r, cycle === s.rows[r].cycle ? 99 : cycle),
            })),
        ]
      : []),
    // The right person on the right handoff, with state.values that are not blocks of inputs.
    ...(someoneMay(callbackId) ? [malformedValuesPlan(callbackId)] : []),
    // The right person on the right handoff, with a field out of bounds.
    fc
      .record({ identity, r: ref, bad: badFields(callbackId), byRightPerson: fc.boolean() })
      .map(({ identity: i, r, bad, byRightPerson }) => {
        const who = byRightPerson && MAY_SUBMIT[callbackId]?.[r] ? rightPerson(callbackId, r) : i;
        return onHandoff(callbackId, who, bad.why, r, (s) => bad.values(r, s));
      }),
  ),
);

/** Packet fields that are plain text inputs, and what breaks each. */
const TEXT_FIELDS = words(
  'accountName crmOpportunity accountDomain partnerOrg partnerContactName partnerContactRole whyPartner ' +
    'customerTrigger jointValue warmPath sellerNextMove partnerNextMove riskNote evidenceUrl',
);
const REQUIRED_TEXT = words('accountName partnerOrg partnerContactName customerTrigger sellerNextMove');

let viewCounter = 0;

/** A plan whose private_metadata is empty unless given. */
const plan = (
  callbackId: string,
  identity: Identity,
  why: string,
  values: (s: Seeds) => unknown,
  metadata: (s: Seeds) => unknown = () => '',
): ViewPlan => ({ callbackId, identity, why, metadata, values });
/** Anyone not of ours, or not identified as one of ours. */
const outsider = identity.filter((i) => !isInternal(i));
const author = clean(people.author.id);
/** The world's admin, also RevOps. */
const programAdmin = clean(ADMIN);
/** state.values that are not inputs, the same for every callback id. */
const MALFORMED_ANY = MALFORMED_VALUES.filter((v) => typeof v !== 'function');
const freshPacket = (change: object = {}) =>
  packetState({ accountName: 'Hostile Fresh P', accountDomain: 'hostile-p.com', ...change });

const packetModal: fc.Arbitrary<ViewPlan> = fc.oneof(
  // An external or malformed actor with a valid packet.
  outsider.map((i) => plan(CALLBACK_ID.packet, i, 'external author', () => freshPacket())),
  // Anyone, with one field out of bounds.
  fc
    .record({
      identity,
      field: fc.constantFrom(...TEXT_FIELDS),
      // Whitespace would be trimmed away from an optional field, leaving a valid packet.
      value: huge.filter((v) => v.trim().length > 0),
    })
    .map(({ identity: i, field, value }) =>
      plan(CALLBACK_ID.packet, i, `${field} of ${value.length}`, () =>
        packetState({ accountName: 'Hostile Fresh P', [field]: value }),
      ),
    ),
  fc
    .record({
      identity,
      field: fc.constantFrom(...REQUIRED_TEXT),
      value: fc.oneof(
        fc.constantFrom<unknown>('', '   ', null),
        wrongType.filter((v) => typeof v !== 'string'),
      ),
    })
    .map(({ identity: i, field, value }) =>
      plan(CALLBACK_ID.packet, i, `${field} = ${JSON.stringify(value)}`, () => {
        const state = freshPacket() as Record<string, Record<string, Record<string, unknown>>>;
        const block = PACKET_BLOCK_ID[field as keyof typeof PACKET_BLOCK_ID];
        (state[block] as Record<string, Record<string, unknown>>).value = { type: 'plain_text_input', value };
        return state;
      }),
    ),
  fc
    .record({
      identity,
      change: fc.oneof(
        fc
          .constantFrom<unknown>(people.partner.id, people.bot.id, people.gone.id, 'U0NOBODY', '', null)
          .map((aeUserId) => ({ aeUserId })),
        fc.oneof(badDays, fc.constantFrom('0', '11')).map((d) => ({ responseWindowDays: d })),
        fc
          .constantFrom<unknown>('2026-02-30', 'yesterday', '2026-1-1', '9999-99-99', 'x', null)
          .map((partnerNextMoveDate) => ({
            partnerNextMoveDate,
            partnerAgreedInWriting: true,
            partnerNextMove: '',
          })),
        fc
          .constantFrom('javascript:alert(1)', 'data:text/html,x', 'ftp://x', 'http://', '//evil.example.com')
          .map((evidenceUrl) => ({ evidenceUrl })),
        fc.constantFrom<unknown>('C0NOPE', '', null, 42).map((partnerChannelId) => ({ partnerChannelId })),
      ),
    })
    .map(({ identity: i, change }) =>
      plan(CALLBACK_ID.packet, i, `packet ${JSON.stringify(change).slice(0, 60)}`, () =>
        packetState({ accountName: 'Hostile Fresh P', ...(change as object) }),
      ),
    ),
);

/** The packet and help modals from a member who could send them, with state.values that are not inputs. */
const malformedForms: fc.Arbitrary<ViewPlan> = fc
  .record({ callbackId: fc.constantFrom(CALLBACK_ID.packet, CALLBACK_ID.helpRequest), values: MALFORMED_ANY })
  .map(({ callbackId, values }) =>
    plan(callbackId, author, `state.values ${JSON.stringify(values)}`, () => values),
  );

const reviewModal: fc.Arbitrary<ViewPlan> = fc.oneof(
  // Someone else's draft (the unsent one is the author's).
  identity
    .filter((i) => !actsAs(i, [people.author.id]))
    .map((i) =>
      plan(
        CALLBACK_ID.review,
        i,
        "someone else's draft",
        () => ({}),
        (s) => JSON.stringify({ draftId: s.draftUnsent }),
      ),
    ),
  // A draft that does not exist, named any way.
  fc.record({ identity, m: badMetadata('draftId') }).map(({ identity: i, m }) =>
    plan(
      CALLBACK_ID.review,
      i,
      `metadata ${m.kind}`,
      () => ({}),
      (s) => renderMetadata(m, 'draftId', () => s.draftUnsent + 1000),
    ),
  ),
  // A draft already sent: sending again changes nothing, whoever and whatever the override reason.
  fc.record({ identity, reason: fc.oneof(huge, wrongType, junk) }).map(({ identity: i, reason }) => ({
    ...plan(
      CALLBACK_ID.review,
      i,
      'already sent',
      () => ({ [REVIEW_BLOCK_ID.override]: text(reason) }),
      (s) => JSON.stringify({ draftId: s.draftSent }),
    ),
    blocks: [{ type: 'input', block_id: REVIEW_BLOCK_ID.override }],
  })),
);

/** "Add to handoff" (issue 52) by someone of another organization: refused, nothing attached. */
const addMessageModal: fc.Arbitrary<ViewPlan> = outsider.map((i) =>
  plan(
    CALLBACK_ID.addToHandoff,
    i,
    'external person attaching a message',
    () => ({
      [ADD_TO_HANDOFF_BLOCK_ID]: {
        [ACTION_ID.value]: {
          type: 'static_select',
          selected_option: { value: '1', text: { type: 'plain_text', text: '#1' } },
        },
      },
    }),
    () => JSON.stringify({ c: 'C0PARTNER', ts: '1795442400.000100', x: 'Can we meet Thursday?' }),
  ),
);

const helpState = (more: Record<string, unknown> = {}) => ({
  [HELP_BLOCK_ID.account]: text('Acme'),
  [HELP_BLOCK_ID.ask]: text('An intro, please.'),
  ...more,
});
const helpModal: fc.Arbitrary<ViewPlan> = fc.oneof(
  outsider.map((i) => plan(CALLBACK_ID.helpRequest, i, 'external requester', () => helpState())),
  fc
    .record({
      identity,
      field: fc.constantFrom(HELP_BLOCK_ID.account, HELP_BLOCK_ID.ask, HELP_BLOCK_ID.partner),
      value: fc.oneof(huge, fc.constantFrom<unknown>('', '   ', null, undefined), wrongType),
    })
    .filter(({ field, value }) => field !== HELP_BLOCK_ID.partner || typeof value === 'string')
    .filter(({ field, value }) =>
      field === HELP_BLOCK_ID.partner ? (value as string).trim().length > 150 : true,
    )
    .map(({ identity: i, field, value }) =>
      plan(CALLBACK_ID.helpRequest, i, `${field} = ${JSON.stringify(value)?.slice(0, 30)}`, () =>
        helpState({ [field]: text(value) }),
      ),
    ),
);

/**
 * The cover form: from anyone outside, or with a cover or a day the app must refuse (yourself, a partner, nobody, a
 * day past or too far, junk). Nothing is written.
 */
const coverState = (cover: unknown, until: unknown) => ({
  [COVER_BLOCK_ID.cover]: { value: { type: 'users_select', selected_user: cover } },
  [COVER_BLOCK_ID.until]: { value: { type: 'datepicker', selected_date: until } },
});
const cover = (i: Identity, why: string, user: unknown, until: unknown) =>
  plan(
    CALLBACK_ID.cover,
    i,
    why,
    () => coverState(user, until),
    () => '{}',
  );
const coverForm: fc.Arbitrary<ViewPlan> = fc.oneof(
  outsider.map((i) => cover(i, 'external person naming a cover', people.otherAe.id, '2026-12-04')),
  fc
    .record({
      cover: fc.oneof(
        fc.constantFrom<unknown>(
          ...[people.author.id, people.partner.id, 'U0NOBODY', people.bot.id, people.gone.id, null, ''],
        ),
        wrongType,
        huge,
      ),
      until: fc.oneof(fc.constantFrom<unknown>('2026-12-04'), wrongType, junk),
    })
    .map(({ cover: who, until }) =>
      cover(
        author,
        `cover ${JSON.stringify(who)?.slice(0, 30)} until ${JSON.stringify(until)?.slice(0, 20)}`,
        who,
        until,
      ),
    ),
  fc
    .constantFrom<unknown>('2026-11-01', '2027-06-01', '2026-02-30', '26-12-04')
    .map((until) => cover(author, `until ${String(until)}`, people.otherAe.id, until)),
);

/**
 * "Your days" (issue 53): from anyone outside; or from one of ours with no working day, a region the app does not know,
 * a last day that has passed or is no date, or state.values that are not inputs. Nothing is written.
 */
const daysBox = (selected: unknown) => ({ value: { type: 'checkboxes', selected_options: selected } });
const myDays = (
  i: Identity,
  why: string,
  more: Record<string, unknown> = {},
  days = [{ value: '1' }] as unknown,
) =>
  plan(
    CALLBACK_ID.myDays,
    i,
    why,
    () => ({ [MY_DAYS_BLOCK_ID.days]: daysBox(days), ...more }),
    () => '{}',
  );
const myDaysForm: fc.Arbitrary<ViewPlan> = fc.oneof(
  outsider.map((i) => myDays(i, 'external person saving their days')),
  fc
    .oneof(
      fc.constantFrom<unknown>(
        [],
        [{ value: '8' }],
        [{ value: '0' }],
        [{ value: 1 }],
        [{}],
        [null],
        null,
        'x',
      ),
      wrongType,
      huge,
    )
    .map((days) => myDays(author, `days ${JSON.stringify(days)?.slice(0, 30)}`, {}, days)),
  fc
    .constantFrom('XX', 'US, ZZ-99', 'none, US', 'DE-XX', 'A B C D E F', 'U0AE')
    .map((regions) => myDays(author, `regions ${regions}`, { [MY_DAYS_BLOCK_ID.regions]: text(regions) })),
  fc
    .constantFrom<[unknown, unknown]>(
      ['16:00', '08:00'],
      ['08:00', '08:00'],
      ['08:00', null],
      [null, '16:00'],
      ['25:00', '26:00'],
      ['8am', '4pm'],
      ['08:00', 16],
      [{}, '16:00'],
    )
    .map(([starts, ends]) =>
      myDays(author, `hours ${JSON.stringify(starts)}–${JSON.stringify(ends)}`, {
        [MY_DAYS_BLOCK_ID.starts]: { value: { type: 'timepicker', selected_time: starts } },
        [MY_DAYS_BLOCK_ID.ends]: { value: { type: 'timepicker', selected_time: ends } },
      }),
    ),
  fc.constantFrom('2020-01-01', '2026-02-30', '26-12-04', 'soon').map((until) =>
    myDays(author, `until ${until}`, {
      [MY_DAYS_BLOCK_ID.until]: { value: { type: 'datepicker', selected_date: until } },
    }),
  ),
  MALFORMED_ANY.map((values) =>
    plan(CALLBACK_ID.myDays, author, `state.values ${JSON.stringify(values)}`, () => values),
  ),
);

/**
 * The program's editors (issue 53): a valid form of any part from anyone but the admin (outside, or one of ours with no
 * role: no pool is anyone's here); the admin's own forms with something the editor or the program refuses; a pool or
 * policy that is not there; private_metadata naming no part; state.values that are not inputs. Nothing is written.
 */
const usersBox = (selected: unknown) => ({ value: { type: 'multi_users_select', selected_users: selected } });
const userBox = (selected: unknown) => ({ value: { type: 'users_select', selected_user: selected } });
const optionsBox = (values: unknown[]) => ({
  value: {
    type: 'multi_static_select',
    selected_options: values.map((value) => ({ value, text: { type: 'plain_text', text: 'x' } })),
  },
});
const radioBox = (value: unknown) => ({
  value: { type: 'radio_buttons', selected_option: value === undefined ? null : { value } },
});
const partOf = (part: string, key = '-') => JSON.stringify({ part, key });
/** A level row of the policy editor: when, then, whom. */
const levelRow = (row: number, at: unknown, action: unknown, to: unknown[] = []) => ({
  [levelBlockId(row, 'when')]: select(at),
  [levelBlockId(row, 'action')]: select(action),
  [levelBlockId(row, 'to')]: optionsBox(to),
});
const newPolicy = (levels: Record<string, unknown>, id: unknown = 'hostile') => ({
  [PROGRAM_BLOCK_ID.id]: text(id),
  ...levels,
});
const newPool = (id: unknown, members: unknown) => ({
  [PROGRAM_BLOCK_ID.id]: text(id),
  [PROGRAM_BLOCK_ID.members]: usersBox(members),
});
const calendar = (closures: unknown, holidays: unknown = 'by_zone', regions: unknown = '') => ({
  [PROGRAM_BLOCK_ID.closures]: text(closures),
  [PROGRAM_BLOCK_ID.holidays]: radioBox(holidays),
  [PROGRAM_BLOCK_ID.regions]: text(regions),
});

/** A partner's editor: its key is the partner of handoff A in the directory (known once the world is seeded). */
const partnerOfA = (s: Seeds) => partOf('partner', String(s.rows.A.partnerId));
const partnerForm = (managers: unknown, notify: unknown = 'decisions') => ({
  [PROGRAM_BLOCK_ID.managers]: usersBox(managers),
  [PROGRAM_BLOCK_ID.notify]: radioBox(notify),
});
/** A settings group's editor with these inputs (the others left empty: their default). */
const settingsForm = (answers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(answers).map(([key, value]) => [settingBlockId(key), text(value)]));

/** A program form: the part (or why it is refused), private_metadata naming the part, and state.values. */
type ProgramForm = { why: string; metadata: unknown; values: unknown };
const form = (why: string, metadata: unknown, values: unknown): ProgramForm => ({ why, metadata, values });
const managerPair = (ae: unknown, manager: unknown) => ({
  [managerBlockId(0, 'ae')]: userBox(ae),
  [managerBlockId(0, 'manager')]: userBox(manager),
});
const admins = (users: unknown) => ({ [PROGRAM_BLOCK_ID.admins]: usersBox(users) });

/** Forms the admin (also RevOps) may save: refused from anyone else (the partner has no manager of its own here). */
const VALID_PROGRAM_FORMS: readonly ProgramForm[] = [
  form('pool', partOf('pool', ''), newPool('hostile-pool', [people.ae.id])),
  form('policy', partOf('policy', ''), newPolicy(levelRow(0, 'due', 'remind'))),
  form('calendar', partOf('calendar'), calendar('2026-12-24')),
  form('roles', partOf('roles'), admins([ADMIN, people.ae.id])),
  form('managers', partOf('managers'), managerPair(people.ae.id, people.owner.id)),
  form('partner', partnerOfA, partnerForm([people.owner.id])),
  form('settings', partOf('settings', 'window'), settingsForm({ stallBusinessDays: '3' })),
  form('settings', partOf('settings', 'packets'), settingsForm({ conflictLookbackDays: '30' })),
];

/** 400 closure days (a year holds at most 366), each a day of the calendar. */
const TOO_MANY_CLOSURES = Array.from({ length: 400 }, (_, i) =>
  new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
).join('\n');
const show = (value: unknown, length = 30) => JSON.stringify(value)?.slice(0, length);

/** The admin's forms that must be refused inline (or, with no part named, acknowledged and left). */
const BAD_PROGRAM_FORMS: readonly ProgramForm[] = [
  ...['', 'Bad Id', 'x'.repeat(41), '-x', '__proto__', 'emea backup', 'EMEA'].map((id) =>
    form(`pool id ${show(id, 20)}`, partOf('pool', ''), newPool(id, [people.ae.id])),
  ),
  ...[[], ['not-a-user'], [42], 'U0AE', null].map((members) =>
    form(`pool members ${show(members)}`, partOf('pool', ''), newPool('hostile-pool', members)),
  ),
  ...['nope', '__proto__', 'constructor', 'toString'].flatMap((key) => [
    form(`pool not there: ${key}`, partOf('pool', key), newPool('x', [people.ae.id])),
    form(`policy not there: ${key}`, partOf('policy', key), newPolicy(levelRow(0, 'due', 'remind'))),
  ]),
  ...(
    [
      ['id taken by nothing, bad', levelRow(0, 'due', 'remind'), 'Bad Id'],
      ['of no level', {}],
      ['check-in at the due time', levelRow(0, 'due', 'check_in')],
      ['reassign to two', levelRow(0, 'due', 'reassign', ['cover', 'owner'])],
      ['notify nobody', levelRow(0, 'due', 'notify')],
      ['reassign to no pool', levelRow(0, 'due', 'reassign', ['pool:nope'])],
      ['at no time', levelRow(0, 'soon', 'remind')],
      ['of no action', levelRow(0, 'due', 'explode')],
      ['of a level with no action', levelRow(0, 'due', undefined)],
    ] as const
  ).map(([why, levels, id]) => form(`policy ${why}`, partOf('policy', ''), newPolicy(levels, id))),
  ...['soon', '2026-13-01', '2026-02-30', '26-12-24', '2026-12-24 tomorrow', TOO_MANY_CLOSURES].map(
    (closures) => form(`closures ${show(closures)}`, partOf('calendar'), calendar(closures)),
  ),
  ...[null, 'everyone', 42, 'regions'].map((holidays) =>
    form(
      `holidays ${show(holidays)}`,
      partOf('calendar'),
      calendar('', holidays, holidays === 'regions' ? 'XX, DE-XX' : ''),
    ),
  ),
  form('holidays of no region', partOf('calendar'), calendar('', 'regions', '')),
  ...[[], [people.ae.id], ['not-a-user'], 'U0MEMBER', null].map((users) =>
    form(`admins ${show(users)}`, partOf('roles'), admins(users)),
  ),
  ...[
    [people.ae.id, undefined],
    [undefined, people.owner.id],
    [people.ae.id, people.ae.id],
    ['not-a-user', people.owner.id],
    [undefined, undefined],
  ].map(([ae, manager]) =>
    form(`manager pair ${show([ae, manager])}`, partOf('managers'), managerPair(ae, manager)),
  ),
  ...['nope', '0', '-1', '1.5', '999999999', '__proto__', ''].map((key) =>
    form(`partner not there: ${show(key)}`, partOf('partner', key), partnerForm([people.owner.id])),
  ),
  // Junk ids are not users (none left): the partner, which has none, would tell nobody what it chose.
  form('partner managers not users', partnerOfA, partnerForm(['not-a-user', 42])),
  form(
    'partner managers, 21 of them',
    partnerOfA,
    partnerForm(Array.from({ length: 21 }, (_, i) => `U0HOSTILE${i}`)),
  ),
  form('partner notify, no managers', partnerOfA, partnerForm([], 'decisions')),
  ...['nope', '__proto__', 'constructor', '-', ''].map((group) =>
    form(
      `settings of no group: ${show(group)}`,
      partOf('settings', group),
      settingsForm({ stallBusinessDays: '3' }),
    ),
  ),
  ...['-1', '61', '1.5', 'abc', '1e400', 'NaN', 'Infinity'].map((days) =>
    form(
      `settings stall days ${show(days)}`,
      partOf('settings', 'window'),
      settingsForm({ stallBusinessDays: days }),
    ),
  ),
  form('settings time zone and hours', partOf('settings', 'window'), {
    ...settingsForm({ defaultTimeZone: 'Mars/Olympus', reminders: '150%,yesterday' }),
    [settingBlockId('businessDayStart')]: { value: { type: 'timepicker', selected_time: '18:00' } },
    [settingBlockId('businessDayEnd')]: { value: { type: 'timepicker', selected_time: '25:99' } },
  }),
  form(
    'settings packet scores crossed',
    partOf('settings', 'packets'),
    settingsForm({ scoreReady: '10', scoreFix: '12' }),
  ),
  ...[
    ...words('null [] {} {"part":"roles"} {"part":"nope","key":"-"} {"part":"roles","key":5} {"part":'),
    '',
    5,
    null,
  ].map((metadata) => form(`metadata ${show(metadata)}`, metadata, calendar('2026-12-24'))),
];

/** A form of the program's editors, submitted by `i` (its own state.values unless given). */
const programPlan = (i: Identity, why: string, f: ProgramForm, values = f.values) =>
  plan(
    CALLBACK_ID.programPart,
    i,
    why,
    () => values,
    (s) => (typeof f.metadata === 'function' ? f.metadata(s) : f.metadata),
  );
const badProgramPlan = (f: ProgramForm) => programPlan(programAdmin, f.why, f);
const programForm: fc.Arbitrary<ViewPlan> = fc.oneof(
  fc
    .record({ i: identity, f: fc.constantFrom(...VALID_PROGRAM_FORMS) })
    .filter(({ i }) => !actsAs(i, [ADMIN]))
    .map(({ i, f }) => programPlan(i, `not theirs: the ${f.why}`, f)),
  fc.constantFrom(...BAD_PROGRAM_FORMS).map(badProgramPlan),
  fc
    .record({ f: fc.constantFrom(...VALID_PROGRAM_FORMS), values: MALFORMED_ANY })
    .map(({ f, values }) =>
      programPlan(programAdmin, `state.values ${show(values, 99)} (the ${f.why})`, f, values),
    ),
);

/**
 * "Review attribution" (issue 54): a decision from anyone but RevOps and admins; the admin's own with no reason, a
 * review that is not there (the world has none open), or private_metadata naming none. Nothing is written.
 */
const reviewNote = (value: unknown) => ({ [ATTRIBUTION_REVIEW_BLOCK_ID]: text(value) });
const reviewForm: fc.Arbitrary<ViewPlan> = fc.oneof(
  fc
    .record({ i: identity, decision: fc.constantFrom('keep', 'change') })
    .filter(({ i }) => !actsAs(i, [ADMIN]))
    .map(({ i, decision }) =>
      plan(
        CALLBACK_ID.attributionReview,
        i,
        `not theirs: ${decision} a review`,
        () => reviewNote('The CRM is right.'),
        () => JSON.stringify({ reviewId: 1, decision }),
      ),
    ),
  fc
    .record({
      metadata: fc.constantFrom<unknown>(
        ...words('{} {"reviewId":1} {"reviewId":"1","decision":"keep"} {"reviewId":1,"decision":"toss"}'),
        ...words('{"reviewId":-1,"decision":"keep"} {"reviewId":999999,"decision":"change"}'),
        ...['{"reviewId":1e400,"decision":"keep"}', '', 5, null],
      ),
      note: fc.oneof(fc.constantFrom<unknown>('', '   ', null, 'Looks right.'), wrongType, huge),
    })
    .map(({ metadata, note }) =>
      plan(
        CALLBACK_ID.attributionReview,
        programAdmin,
        `review ${JSON.stringify(metadata)} note ${JSON.stringify(note)?.slice(0, 20)}`,
        () => reviewNote(note),
        () => metadata,
      ),
    ),
);

/**
 * The score's weights (issue 54): valid weights from anyone but RevOps or an admin (refused, the editor closes); from
 * the admin, a weight off the scale, missing or of the wrong type, all zero, a note too long, or state.values that
 * are not inputs (inline errors). Nothing is written.
 */
const weightValues = (weight: unknown, note?: unknown) => ({
  ...Object.fromEntries(
    COMPONENTS.map((id) => [
      scoreWeightBlockId(id),
      { value: { type: 'static_select', selected_option: { value: weight } } },
    ]),
  ),
  ...(note === undefined ? {} : { [SCORE_WEIGHTS_NOTE_BLOCK_ID]: text(note) }),
});
/**
 * A workspace's own CRM form (issue 55). The world runs on SLACK_BOT_TOKEN, where no such form is served (the CRM is the
 * deployment's settings): whoever submits it, with whatever system and credentials, is refused and nothing is stored.
 * Its checks on an OAuth install: test/integration/twoWorkspaces.test.ts.
 */
const crmConnectForm: fc.Arbitrary<ViewPlan> = fc.oneof(
  fc
    .record({
      i: identity,
      metadata: fc.oneof(
        fc.constantFrom(
          ...words('{"system":"salesforce"} {"system":"hubspot"} { null {"system":"__proto__"}'),
          '',
        ),
        fc.constantFrom('{"system":3}', '{"system":"toString"}', '[]'),
        huge,
      ),
    })
    .map(({ i, metadata }) =>
      plan(
        CALLBACK_ID.crmConnect,
        i,
        `crm form on a token deployment: ${metadata.slice(0, 30)}`,
        () => ({
          crm_loginUrl: text('https://acme.my.salesforce.com'),
          crm_clientId: text('3MVG9key'),
          crm_clientSecret: text('secret'),
          crm_accessToken: text('pat-na1-x'),
        }),
        () => metadata,
      ),
    ),
  fc.oneof(huge, wrongType).map((typed) =>
    plan(
      CALLBACK_ID.crmConnect,
      programAdmin,
      `crm credential ${JSON.stringify(typed)?.slice(0, 30)}`,
      () => ({ crm_accessToken: text(typed) }),
      () => '{"system":"hubspot"}',
    ),
  ),
);

const weights = (i: Identity, why: string, values: unknown) =>
  plan(CALLBACK_ID.scoreWeights, i, why, () => values);
const scoreWeightsForm: fc.Arbitrary<ViewPlan> = fc.oneof(
  identity
    .filter((i) => !actsAs(i, [ADMIN]))
    .map((i) => weights(i, 'not RevOps nor an admin: the weights', weightValues('2'))),
  fc
    .oneof(fc.constantFrom<unknown>('4', '-1', '1.5', '', 'x', 3, null, '0'), wrongType, huge)
    .map((weight) =>
      weights(programAdmin, `weight ${JSON.stringify(weight)?.slice(0, 30)}`, weightValues(weight)),
    ),
  fc
    .oneof(huge, wrongType)
    .map((note) =>
      weights(programAdmin, `note ${JSON.stringify(note)?.slice(0, 30)}`, weightValues('5', note)),
    ),
  MALFORMED_ANY.map((values) => weights(programAdmin, `state.values ${JSON.stringify(values)}`, values)),
);
/** Extras on the view: huge or odd view ids (the packet's and help request's idempotency key), huge blocks. */
const viewNoise = fc.record(
  { viewId: fc.oneof(huge, wrongType, junk), hash: fc.oneof(huge, wrongType), title: huge },
  { requiredKeys: [] },
);

function viewPayload(p: ViewPlan, n: typeof viewNoise extends fc.Arbitrary<infer T> ? T : never) {
  viewCounter += 1;
  const base = viewSubmission({ callbackId: p.callbackId, values: {}, viewId: `V0HOSTILE${viewCounter}` });
  return {
    ...base,
    user: p.identity.user,
    team: p.identity.team,
    enterprise: p.identity.enterprise,
    view: {
      ...base.view,
      private_metadata: p.metadata(world().seeds),
      state: { values: p.values(world().seeds) },
      blocks: p.blocks ?? [],
      ...(n.viewId !== undefined ? { id: n.viewId } : {}),
      ...(n.hash !== undefined ? { hash: n.hash } : {}),
      ...(n.title !== undefined ? { title: { type: 'plain_text', text: n.title } } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

describe('hostile input through the real HTTP receiver (property)', () => {
  it('view submissions (every callback id): refused with an answer (400 for a malformed body), healthy, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: handoffModal },
          { weight: 2, arbitrary: packetModal },
          { weight: 1, arbitrary: reviewModal },
          { weight: 1, arbitrary: helpModal },
          { weight: 1, arbitrary: addMessageModal },
          { weight: 1, arbitrary: malformedForms },
          { weight: 1, arbitrary: coverForm },
          { weight: 1, arbitrary: myDaysForm },
          { weight: 1, arbitrary: scoreWeightsForm },
          { weight: 1, arbitrary: crmConnectForm },
          { weight: 2, arbitrary: programForm },
          { weight: 1, arbitrary: reviewForm },
        ),
        viewNoise,
        async (plan, n) => {
          const sent = interaction(`${plan.callbackId} (${plan.why})`, viewPayload(plan, n));
          if (!malformed(sent)) {
            covered.add(plan.callbackId);
            if (plan.why.startsWith('other handoff')) covered.add('other handoff (modal)');
            if (plan.why.startsWith('near miss')) covered.add('near miss (modal)');
            if (plan.why.startsWith('state.values')) covered.add('malformed state.values');
          }
          const problems = await world().exercise([sent]);
          expect(problems, `${plan.callbackId}: ${plan.why}`).toEqual([]);
        },
      ),
      propertyOpts(240),
    );
    expect([...covered]).toEqual(
      expect.arrayContaining([
        ...Object.values(CALLBACK_ID),
        'other handoff (modal)',
        'malformed state.values',
        'near miss (modal)',
      ]),
    );
  }, 120_000);

  it('the program’s editors, every form once (the property samples them): refused or answered inline, nothing written', async () => {
    const users = [internal(people.ae), { id: people.member.id, team_id: 'T0FOREIGN' }];
    const notTheirs = users.flatMap((user) =>
      VALID_PROGRAM_FORMS.map((f) => {
        const i = { user, team: { id: user.team_id }, enterprise: null } as never;
        return programPlan(i, `not ${user.id}'s (${user.team_id}): the ${f.why}`, f);
      }),
    );
    const sent = [...BAD_PROGRAM_FORMS.map(badProgramPlan), ...notTheirs].map((plan) =>
      wellFormed(interaction(`${plan.callbackId} (${plan.why})`, viewPayload(plan, {}))),
    );
    expect(await world().exercise(sent)).toEqual([]);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Defects found earlier, now fixed: each keeps the property that pinned it, asserting the fixed behaviour

describe('defects found earlier (fixed: each property asserts the fix)', () => {
  /**
   * DEFECT 5 (fixed). A text input whose value is not a string, from the person allowed to submit it, reaches the
   * listener and trips it: the app's global catch logs the failure as an error and tells the person on the form that
   * it did not go through (never an empty ack, which Slack shows as success). Nothing is written.
   */
  it('wrong-typed text inputs from the right person: 200 with an error on the form, nothing written, the failure logged as an error', async () => {
    const ae = internal(people.ae);
    const cases = (value: unknown) =>
      [
        [CALLBACK_ID.opportunity, ae, 'B', { [OUTCOME_BLOCK_ID.crmOpportunity]: text(value) }],
        [
          CALLBACK_ID.lost,
          ae,
          'B',
          { [OUTCOME_BLOCK_ID.reason]: select('timing'), [OUTCOME_BLOCK_ID.note]: text(value) },
        ],
        [CALLBACK_ID.decline, internal(people.otherAe), 'D', declineState('timing', value)],
      ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<unknown>(42, {}, [], true), async (value) => {
        const requests = cases(value).map(([callbackId, user, r, values]) => ({
          ...wellFormed(
            interaction(
              `${callbackId} ${JSON.stringify(value)}`,
              viewSubmission({
                callbackId,
                user,
                privateMetadata: JSON.stringify({ handoffId: world().seeds.rows[r].id }),
                values,
              }),
            ),
          ),
          wrongTypes: true,
        }));
        expect(await world().exercise(requests)).toEqual([]);
        // The person is told, on the form (it stays open with their entries), never shown success.
        const answer = await signedPost(world().h, requests[0]?.body ?? '');
        expect(await answer.json()).toMatchObject({ response_action: 'errors' });
      }),
      defectOpts,
    );
  });

  /**
   * DEFECT 6 (fixed). Packet checkboxes whose `selected_options` is not an array, from anyone: the packet listener
   * answers 200 and logs a warning, never an error.
   */
  it('packet checkboxes that are not arrays: 200, nothing written, no error logged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(PACKET_BLOCK_ID.onPriorityList, PACKET_BLOCK_ID.partnerAgreedInWriting),
        fc.constantFrom<unknown>({}, 5, 'x', true),
        identity,
        async (block, options, who) => {
          const payload = viewSubmission({ callbackId: CALLBACK_ID.packet, values: {} });
          const values = {
            ...packetState({ accountName: 'Hostile Never P' }),
            [block]: { value: { type: 'checkboxes', selected_options: options } },
          };
          const packet = (i: Identity, label: string) =>
            interaction(`${block}=${JSON.stringify(options)} by ${label}`, {
              ...payload,
              user: i.user,
              team: i.team,
              view: { ...payload.view, state: { values } },
            });
          // The author (certain to reach the listener), and anyone (refused 400 if their identity is malformed).
          const requests = [wellFormed(packet(clean(people.author.id), 'the author')), packet(who, 'anyone')];
          expect(await world().exercise(requests)).toEqual([]);
        },
      ),
      defectOpts,
    );
  });
});

describe('afterwards', () => {
  it('after all of it, the app still serves a real request: the AE accepts handoff D', async () => {
    await stillServes(world());
  });
});
