import { describe, expect, it } from 'vitest';
import {
  aeDeclined,
  aeHasDeal,
  awaitsAe,
  backWithOwner,
  DECISIONS,
  dealLive,
  describeStatus,
  ESCALATING_STATUSES,
  EXTENDABLE_STATUSES,
  endedForGood,
  HANDOFF_STATUSES,
  type HandoffStatus,
  isDecision,
  lapsed,
  OPEN_BEFORE_OUTCOMES,
  OPEN_STATUSES,
  REMINDED_STATUSES,
  STATUS_FACTS,
  TRANSITIONS,
} from '../../../src/domain/lifecycle.js';

/**
 * The lists of states are derived from one place (STATUS_FACTS and the lifecycle table): pinned here at their values
 * of today, in their order, and checked against the table, so that a new state lands in them on purpose.
 */
const transitions = Object.values(TRANSITIONS);
const sameSet = (a: readonly HandoffStatus[], b: readonly HandoffStatus[]) =>
  expect([...a].sort()).toEqual([...b].sort());

describe('the lists of states', () => {
  it('are the values of today, in order', () => {
    expect(HANDOFF_STATUSES).toEqual(['sent', 'accepted', 'declined', 'expired', 'withdrawn', 'taken_back']);
    expect(OPEN_STATUSES).toEqual(['sent', 'accepted', 'expired', 'taken_back']);
    expect(OPEN_BEFORE_OUTCOMES).toEqual(['sent', 'expired', 'taken_back']);
    expect(ESCALATING_STATUSES).toEqual(['sent', 'expired']);
    expect(EXTENDABLE_STATUSES).toEqual(['sent', 'expired']);
    expect(REMINDED_STATUSES).toEqual(['sent', 'taken_back']);
    expect(DECISIONS).toEqual(['accepted', 'declined']);
    expect(HANDOFF_STATUSES.filter(isDecision)).toEqual(['accepted', 'declined']);
  });

  it('describe every state in the same words as before', () => {
    expect(Object.fromEntries(HANDOFF_STATUSES.map((s) => [s, describeStatus(s)]))).toEqual({
      sent: 'waiting for the AE',
      accepted: 'accepted',
      declined: 'declined',
      expired: 'expired without an answer',
      withdrawn: 'withdrawn',
      taken_back: 'taken back from the AE',
    });
    expect(Object.keys(STATUS_FACTS)).toEqual([...HANDOFF_STATUSES]);
  });
});

describe('the predicates on a state', () => {
  const where = (predicate: (status: HandoffStatus) => boolean) => HANDOFF_STATUSES.filter(predicate);

  it('hold in the states of today', () => {
    expect(where(awaitsAe)).toEqual(['sent']);
    expect(where(lapsed)).toEqual(['expired']);
    expect(where(aeHasDeal)).toEqual(['accepted']);
    expect(where(backWithOwner)).toEqual(['taken_back']);
    expect(where(aeDeclined)).toEqual(['declined']);
    expect(where(endedForGood)).toEqual(['withdrawn']);
  });

  it('say where each state stands, once: an open state by one of four, a closed one by one of two', () => {
    for (const status of HANDOFF_STATUSES) {
      const open = [awaitsAe, lapsed, aeHasDeal, backWithOwner].filter((p) => p(status)).length;
      const closed = [aeDeclined, endedForGood].filter((p) => p(status)).length;
      expect([open, closed], status).toEqual(STATUS_FACTS[status].open ? [1, 0] : [0, 1]);
    }
  });

  it('agree with the lifecycle table', () => {
    sameSet(where(awaitsAe), TRANSITIONS.accept.from);
    sameSet(where(lapsed), [TRANSITIONS.expire.to as HandoffStatus]);
    sameSet(where(aeHasDeal), TRANSITIONS.won.from);
    sameSet(where(backWithOwner), [TRANSITIONS.take_back.to as HandoffStatus]);
    sameSet(where(aeDeclined), [TRANSITIONS.decline.to as HandoffStatus]);
    // Nothing leaves a state that ended for good.
    sameSet(
      where(endedForGood),
      HANDOFF_STATUSES.filter((s) => !transitions.some((t) => t.from.includes(s))),
    );
  });

  it('call a deal live while its AE has it and it is neither won nor lost', () => {
    expect(dealLive({ status: 'accepted', outcome: null })).toBe(true);
    expect(dealLive({ status: 'accepted', outcome: 'opportunity_created' })).toBe(true);
    expect(dealLive({ status: 'accepted', outcome: 'won' })).toBe(false);
    expect(dealLive({ status: 'accepted', outcome: 'lost' })).toBe(false);
    expect(dealLive({ status: 'taken_back', outcome: null })).toBe(false);
  });
});

describe('the states and the lifecycle table', () => {
  const reached = new Set(transitions.flatMap((t) => (t.to ? [t.to] : [])));
  const left = new Set(transitions.filter((t) => t.to !== null).flatMap((t) => t.from));
  const named = new Set(transitions.flatMap((t) => [...t.from, ...(t.to ? [t.to] : [])]));

  it('name only known states, and every known state is reached by some event', () => {
    for (const status of named) expect(HANDOFF_STATUSES).toContain(status);
    expect([...reached].sort()).toEqual([...HANDOFF_STATUSES].sort());
  });

  it('leave every open state by some event; the one state nothing leaves is not open', () => {
    for (const status of OPEN_STATUSES) expect(left.has(status), status).toBe(true);
    const terminal = HANDOFF_STATUSES.filter((s) => !left.has(s));
    expect(terminal).toEqual(['withdrawn']);
    for (const status of terminal) {
      expect(STATUS_FACTS[status].open).toBe(false);
      expect(
        transitions.some((t) => t.from.includes(status)),
        status,
      ).toBe(false);
    }
  });

  it('agree with the derived lists', () => {
    // The decisions are the states accept and decline lead to.
    expect([TRANSITIONS.accept.to, TRANSITIONS.decline.to]).toEqual([...DECISIONS]);
    // Outcome steps happen only in open states; the open states before them are those a withdrawal may end.
    for (const status of TRANSITIONS.won.from) expect(OPEN_STATUSES).toContain(status);
    sameSet(OPEN_BEFORE_OUTCOMES, TRANSITIONS.withdraw.from);
    // The escalation sweep reads open states only; a state that is not open has no reminder nor escalation.
    for (const status of ESCALATING_STATUSES) expect(OPEN_STATUSES).toContain(status);
    for (const status of TRANSITIONS.remind.from) expect(OPEN_STATUSES).toContain(status);
  });
});
