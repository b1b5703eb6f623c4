import { describe, expect, it } from 'vitest';
import type { HandoffRow } from '../../../src/db/schema.js';
import {
  can,
  check,
  HANDOFF_STATUSES,
  type HandoffStatus,
  isPossible,
  NO_OFFER,
  OWNER_ACTIONS,
  offerFor,
  PERSON_ACTIONS,
  type PersonAction,
  sweepTimesEndedBy,
  type Verdict,
  type Viewer,
} from '../../../src/domain/lifecycle.js';
import { OUTCOMES, type Outcome } from '../../../src/domain/outcomes.js';
import { handoff } from '../blocks/fixtures.js';

const INTERNAL = 'T0INTERNAL';
/** Another workspace of our Enterprise Grid org (INTERNAL_TEAM_IDS). */
const SISTER = 'T0SISTER';
/** The partner's own workspace, met in a Slack Connect channel. */
const PARTNER = 'T0PARTNER';
const DUE = new Date('2026-03-05T10:00:00Z');

/** A handoff sent by the author, owned by someone else, with an AE: every person on it is a different user. */
const state = (status: HandoffStatus, outcome: Outcome | null = null): HandoffRow =>
  handoff({
    status,
    outcome,
    authorUserId: 'U0AUTHOR',
    ownerUserId: 'U0OWNER',
    aeUserId: 'U0AE',
    aeTeamId: INTERNAL,
    dueAt: DUE,
  });

const viewer = (userId: string, teamId: string | undefined): Viewer => ({
  actor: { userId, teamId },
  internalTeamIds: [INTERNAL, SISTER],
  adminUserIds: ['U0ADMIN'],
});

/** What a person is to the handoff, as README's "Who may act" names them. */
type Persona = 'ae' | 'owner' | 'author' | 'admin' | 'member' | 'external';

const PERSONAS: readonly { name: string; persona: Persona; viewer: Viewer }[] = [
  { name: 'the AE', persona: 'ae', viewer: viewer('U0AE', INTERNAL) },
  { name: 'the owner', persona: 'owner', viewer: viewer('U0OWNER', INTERNAL) },
  // The owner may belong to another workspace of the org: the owner is known by user id.
  { name: 'the owner from a sister workspace', persona: 'owner', viewer: viewer('U0OWNER', SISTER) },
  { name: 'an admin', persona: 'admin', viewer: viewer('U0ADMIN', INTERNAL) },
  { name: 'the author (not the owner)', persona: 'author', viewer: viewer('U0AUTHOR', INTERNAL) },
  { name: 'another internal member', persona: 'member', viewer: viewer('U0SOMEONE', INTERNAL) },
  // Same user id as the AE, another internal workspace: not the AE (user id *and* workspace).
  { name: "the AE's user id in a sister workspace", persona: 'member', viewer: viewer('U0AE', SISTER) },
  // Slack Connect ids can repeat across organizations: a partner with the AE's, owner's or admin's id is external.
  { name: "a partner with the AE's user id", persona: 'external', viewer: viewer('U0AE', PARTNER) },
  { name: "a partner with the owner's user id", persona: 'external', viewer: viewer('U0OWNER', PARTNER) },
  { name: "a partner with an admin's user id", persona: 'external', viewer: viewer('U0ADMIN', PARTNER) },
  { name: 'someone with no workspace', persona: 'external', viewer: viewer('U0AE', undefined) },
];

/**
 * README "Who may act", written out independently of the lifecycle table: who may take each action, and when.
 * Outcome steps only move forward (meeting held < opportunity created < won | lost) and nothing follows won or lost.
 */
const AHEAD: Record<Outcome | 'none', readonly Outcome[]> = {
  none: ['meeting_held', 'opportunity_created', 'won', 'lost'],
  meeting_held: ['opportunity_created', 'won', 'lost'],
  opportunity_created: ['won', 'lost'],
  won: [],
  lost: [],
};

interface Situation {
  h: HandoffRow;
  /** Now; undefined: the caller does not know it (the window counts as open until the sweep closes it). */
  at: Date | undefined;
}

/** While the AE's question pauses the clock, the window does not run out. */
const decisionPossible = ({ h, at }: Situation) =>
  h.status === 'sent' && (h.pausedAt !== null || at === undefined || at.getTime() < h.dueAt.getTime());
const stepPossible =
  (step: Outcome) =>
  ({ h }: Situation) =>
    h.status === 'accepted' && AHEAD[h.outcome ?? 'none'].includes(step);

const RULES: Record<PersonAction, { who: readonly Persona[]; when: (s: Situation) => boolean }> = {
  accept: { who: ['ae'], when: decisionPossible },
  decline: { who: ['ae'], when: decisionPossible },
  reassign: {
    who: ['owner', 'admin'],
    when: ({ h }) => ['sent', 'expired', 'declined', 'taken_back'].includes(h.status),
  },
  extend: { who: ['owner', 'admin'], when: ({ h }) => ['sent', 'expired'].includes(h.status) },
  withdraw: {
    who: ['owner', 'admin'],
    when: ({ h }) => ['sent', 'expired', 'taken_back'].includes(h.status),
  },
  // What the partner reads as fact: from the AE or an admin (or the CRM, which is no person).
  meeting_held: { who: ['ae', 'admin'], when: stepPossible('meeting_held') },
  opportunity_created: { who: ['ae', 'admin'], when: stepPossible('opportunity_created') },
  won: { who: ['ae', 'admin'], when: stepPossible('won') },
  lost: { who: ['ae', 'admin'], when: stepPossible('lost') },
  // The owner and the author report an outcome instead, for the AE to confirm; the AE may say it is not right.
  report_outcome: {
    who: ['owner', 'author'],
    when: ({ h }) => h.status === 'accepted' && AHEAD[h.outcome ?? 'none'].length > 0,
  },
  decline_report: { who: ['ae'], when: ({ h }) => h.status === 'accepted' },
  // Undo of the latest step, by the AE or an admin (the service checks the recorder and the window).
  undo_outcome: { who: ['ae', 'admin'], when: ({ h }) => h.status === 'accepted' && h.outcome !== null },
  // The packet can be changed while the AE has not answered: by whoever wrote it, owns it, or an admin.
  edit: { who: ['author', 'owner', 'admin'], when: decisionPossible },
  // Before deciding the AE asks the author one question (each AE one) and for more time once per handoff; the
  // author answers while the AE waits; the owner or an admin gives the time asked for, also after the expiry.
  ask_question: {
    who: ['ae'],
    when: (s) => decisionPossible(s) && s.h.questionAssignment !== s.h.assignment,
  },
  answer_question: {
    who: ['author'],
    when: ({ h }) => h.status === 'sent' && h.questionOpen && h.questionAssignment === h.assignment,
  },
  ask_more_time: { who: ['ae'], when: (s) => decisionPossible(s) && s.h.moreTime === null },
  grant_more_time: {
    who: ['owner', 'admin'],
    when: ({ h }) => ['sent', 'expired'].includes(h.status) && h.moreTime === 'asked',
  },
  // After the Accept the AE moves their first step while it is ahead (not done, no outcome yet).
  new_step_date: {
    who: ['ae'],
    when: ({ h }) =>
      h.status === 'accepted' && Boolean(h.firstStep) && !h.firstStepDoneAt && h.outcome === null,
  },
  // The AE hands an accepted deal back to the owner before any outcome, with or without a first step.
  hand_back: { who: ['ae'], when: ({ h }) => h.status === 'accepted' && h.outcome === null },
  // A deal accepted before first steps existed: its AE names one (asked by an admin: offered on that message only).
  name_step: { who: ['ae'], when: ({ h }) => h.status === 'accepted' && !h.firstStep && h.outcome === null },
};

function expected(persona: Persona, action: PersonAction, s: Situation): Verdict {
  if (persona === 'external') return 'external';
  const rule = RULES[action];
  if (!rule.who.includes(persona)) return 'not_allowed';
  return rule.when(s) ? 'ok' : 'not_now';
}

/** What the AE asked before deciding: a question (open and pausing the clock, answered, another AE's), more time. */
const ASKED: readonly Partial<HandoffRow>[] = [
  { questionAssignment: 1, questionOpen: true, pausedAt: new Date(DUE.getTime() - 3_600_000) },
  { questionAssignment: 1, questionOpen: false },
  { assignment: 2, questionAssignment: 1, questionOpen: true },
  { moreTime: 'asked', moreTimeDays: 2 },
  { moreTime: 'granted', moreTimeDays: 2 },
];

/** Every status, every outcome of an accepted deal, and what the AE may have asked of a waiting or expired one. */
const STATES: readonly HandoffRow[] = [
  ...HANDOFF_STATUSES.filter((s) => s !== 'accepted').map((s) => state(s)),
  state('accepted'),
  ...OUTCOMES.map((outcome) => state('accepted', outcome)),
  ...ASKED.map((asked) => ({ ...state('sent'), ...asked })),
  ...ASKED.filter((asked) => asked.moreTime).map((asked) => ({ ...state('expired'), ...asked })),
];
/** Before the due time, exactly at it, after it, and unknown. */
const TIMES: readonly (Date | undefined)[] = [
  new Date(DUE.getTime() - 1),
  DUE,
  new Date(DUE.getTime() + 86_400_000),
  undefined,
];
const SITUATIONS: readonly Situation[] = STATES.flatMap((h) => TIMES.map((at) => ({ h, at })));
const askedLabel = (h: HandoffRow) =>
  `${h.questionAssignment ? `/asked in ${h.questionAssignment}${h.questionOpen ? ' (open)' : ''}${h.pausedAt ? ' paused' : ''}` : ''}${h.assignment > 1 ? `/assignment ${h.assignment}` : ''}${h.moreTime ? `/more time ${h.moreTime}` : ''}`;
const label = ({ h, at }: Situation) =>
  `${h.status}${h.outcome ? `/${h.outcome}` : ''}${askedLabel(h)} at ${at ? at.toISOString() : 'unknown time'}`;

describe('lifecycle', () => {
  it('lets only a sent handoff be decided', () => {
    expect(HANDOFF_STATUSES.filter((status) => isPossible('accept', state(status)))).toEqual(['sent']);
    expect(HANDOFF_STATUSES.filter((status) => isPossible('decline', state(status)))).toEqual(['sent']);
  });
});

describe('check / can: who may act (README), for every action, state and person', () => {
  const cases = PERSONAS.flatMap((p) => PERSON_ACTIONS.map((action) => ({ ...p, action })));

  it.each(cases)('$name: $action', ({ persona, viewer: v, action }) => {
    const actual = SITUATIONS.map((s) => `${label(s)}: ${check(v, action, s.h, s.at)}`);
    const wanted = SITUATIONS.map((s) => `${label(s)}: ${expected(persona, action, s)}`);
    expect(actual).toEqual(wanted);
    for (const s of SITUATIONS) {
      expect(can(v, action, s.h, s.at)).toBe(expected(persona, action, s) === 'ok');
    }
  });

  it('covers every person action and status', () => {
    expect(Object.keys(RULES).sort()).toEqual([...PERSON_ACTIONS].sort());
    expect(new Set(STATES.map((h) => h.status))).toEqual(new Set(HANDOFF_STATUSES));
  });

  it('gives a person holding several roles the union of their rights', () => {
    const h = handoff({
      status: 'sent',
      ownerUserId: 'U0AE',
      aeUserId: 'U0AE',
      aeTeamId: INTERNAL,
      dueAt: DUE,
    });
    const both = viewer('U0AE', INTERNAL);
    const before = new Date(DUE.getTime() - 1);
    expect(PERSON_ACTIONS.filter((action) => can(both, action, h, before))).toEqual([
      'accept',
      'decline',
      'reassign',
      'extend',
      'withdraw',
      'edit',
      'ask_question',
      'ask_more_time',
    ]);
  });
});

describe('offerFor', () => {
  const offered = (v: Viewer, { h, at }: Situation): PersonAction[] => {
    const offer = offerFor(v, h, at);
    return [
      ...(offer.decide ? (['accept', 'decline'] as const) : []),
      ...offer.asks,
      ...(offer.answer ? (['answer_question'] as const) : []),
      ...offer.owner,
      ...offer.outcomes,
      ...(offer.edit ? (['edit'] as const) : []),
      ...(offer.newStepDate ? (['new_step_date'] as const) : []),
      ...(offer.handBack ? (['hand_back'] as const) : []),
      ...(offer.reports.length > 0 ? (['report_outcome'] as const) : []),
    ];
  };
  /** Offered on their own messages (the AE's copy of a report, the recorder's notice), not from the handoff. */
  const ON_THEIR_OWN: readonly PersonAction[] = ['decline_report', 'undo_outcome', 'name_step'];

  it.each(PERSONAS)('$name: offers exactly what `can` allows, in every situation', ({ viewer: v }) => {
    // The same actions, whichever order the buttons come in.
    const actual = SITUATIONS.map((s) => `${label(s)}: ${offered(v, s).sort().join(',')}`);
    const allowed = SITUATIONS.map(
      (s) =>
        `${label(s)}: ${PERSON_ACTIONS.filter(
          (action) => !ON_THEIR_OWN.includes(action) && can(v, action, s.h, s.at),
        )
          .sort()
          .join(',')}`,
    );
    expect(actual).toEqual(allowed);
    for (const s of SITUATIONS) {
      // Accept and Decline are one pair of buttons: never one without the other.
      expect(can(v, 'accept', s.h, s.at)).toBe(can(v, 'decline', s.h, s.at));
      expect(offerFor(v, s.h, s.at).owner.every((action) => OWNER_ACTIONS.includes(action))).toBe(true);
    }
  });

  it('offers each person their buttons', () => {
    const before = new Date(DUE.getTime() - 1);
    const offer = (userId: string, h: HandoffRow, at?: Date) => offerFor(viewer(userId, INTERNAL), h, at);
    const asks = ['ask_question', 'ask_more_time'];
    expect(offer('U0AE', state('sent'), before)).toEqual({ ...NO_OFFER, decide: true, asks });
    expect(offer('U0AE', state('sent'), DUE)).toEqual(NO_OFFER);
    expect(offer('U0OWNER', state('expired'))).toEqual({
      ...NO_OFFER,
      owner: ['reassign', 'extend', 'withdraw'],
    });
    expect(offer('U0ADMIN', state('declined'))).toEqual({ ...NO_OFFER, owner: ['reassign'] });
    const ahead = ['opportunity_created', 'won', 'lost'];
    expect(offer('U0AE', state('accepted', 'meeting_held'))).toEqual({ ...NO_OFFER, outcomes: ahead });
    expect(offer('U0OWNER', state('accepted', 'lost'))).toEqual(NO_OFFER);
    // The author (partner marketing) and the owner report the steps still ahead; the AE confirms them.
    expect(offer('U0AUTHOR', state('accepted'))).toEqual({
      ...NO_OFFER,
      reports: ['meeting_held', ...ahead],
    });
    expect(offer('U0OWNER', state('accepted', 'opportunity_created'))).toEqual({
      ...NO_OFFER,
      reports: ['won', 'lost'],
    });
  });
});

describe('the sweep’s times a state ends', () => {
  it('keeps a reminder only while waiting, an escalation step only while open or expired', () => {
    expect(Object.fromEntries(HANDOFF_STATUSES.map((status) => [status, sweepTimesEndedBy(status)]))).toEqual(
      {
        sent: {},
        accepted: { nextReminderAt: null, nextEscalationAt: null, pausedAt: null, pauseEndsAt: null },
        declined: { nextReminderAt: null, nextEscalationAt: null, pausedAt: null, pauseEndsAt: null },
        expired: { nextReminderAt: null, pausedAt: null, pauseEndsAt: null },
        withdrawn: { nextReminderAt: null, nextEscalationAt: null, pausedAt: null, pauseEndsAt: null },
        taken_back: { nextReminderAt: null, nextEscalationAt: null, pausedAt: null, pauseEndsAt: null },
      },
    );
  });
});
