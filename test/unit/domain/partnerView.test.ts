import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS } from '../../../src/domain/decline.js';
import { LOST_REASONS } from '../../../src/domain/outcomes.js';
import {
  heldBackNextMove,
  type PartnerFact,
  type PartnerHandoff,
  type PartnerHistory,
  partnerFacts,
  partnerNews,
  partnerView,
} from '../../../src/domain/partnerView.js';

const handoff = (overrides: Partial<PartnerHandoff> = {}): PartnerHandoff => ({
  status: 'sent',
  assignment: 1,
  accountName: 'Northwind Logistics',
  partnerOrg: 'Meridian Cloud Consulting',
  partnerContactName: 'Dana Reyes',
  aeName: 'Jordan Seller',
  partnerNextMove: 'Dana introduces Jordan to Ken Ito, their CFO.',
  partnerNextMoveDate: '2026-11-26',
  ...overrides,
});

const decision = (id: number, assignment: number, decision: string, reasonCode: string | null) =>
  ({ kind: 'decision', id, assignment, decision, reasonCode }) as PartnerFact;
const accepted = (id: number, assignment = 1) => decision(id, assignment, 'accepted', null);
const declined = (id: number, assignment: number, reasonCode = 'timing') =>
  decision(id, assignment, 'declined', reasonCode);
const step = (
  id: number,
  outcome: 'meeting_held' | 'opportunity_created' | 'won' | 'lost',
  reason?: string,
) => ({ kind: 'outcome', id, outcome, reasonCode: reason ?? null }) as PartnerFact;

const history = (h: PartnerHandoff, facts: PartnerFact[], threadStarted = false): PartnerHistory => ({
  handoff: h,
  facts,
  threadStarted,
});

describe('partnerView: what the partner may know', () => {
  it('knows nothing before a decision, whatever the routing, nor of the withdrawal of a deal it never heard of', () => {
    for (const status of ['sent', 'expired'] as const)
      for (const assignment of [1, 2, 5])
        expect(partnerView(history(handoff({ status, assignment }), []))).toBeNull();
    expect(
      partnerView(history(handoff({ status: 'withdrawn', assignment: 3 }), [{ kind: 'withdrawn' }])),
    ).toBeNull();
  });

  it('an acceptance names the AE who accepted, with the partner next move still ahead', () => {
    const view = partnerView(history(handoff({ status: 'accepted' }), [accepted(1)]), {
      today: '2026-11-24',
    });
    expect(view).toMatchObject({
      event: 'accepted',
      aeName: 'Jordan Seller',
      partnerNextMove: 'Dana introduces Jordan to Ken Ito, their CFO.',
      partnerNextMoveDate: '2026-11-26',
    });
  });

  it('a decline names nobody, says the partner-safe reason; moving it and a second decline change nothing', () => {
    const first = history(handoff({ status: 'declined' }), [declined(1, 1, 'wrong_owner')], true);
    const moved = history(
      handoff({ status: 'sent', assignment: 2, aeName: 'Sam Closer' }),
      [declined(1, 1, 'wrong_owner')],
      true,
    );
    const again = history(
      handoff({ status: 'declined', assignment: 2, aeName: 'Sam Closer' }),
      [declined(1, 1, 'wrong_owner'), declined(2, 2, 'already_working')],
      true,
    );
    const views = [first, moved, again].map((x) => partnerView(x));
    expect(views.map((v) => v && [v.event, v.aeName, v.partnerNextMove, v.reasonWording])).toEqual(
      Array(3).fill(['declined', null, '', DECLINE_REASONS.wrong_owner.partnerSafe]),
    );
    expect(partnerNews(views[1] ?? null, views[2] ?? null)).toBeNull();
  });

  it('then an acceptance by the next AE is told truthfully: taken forward after all, by that AE', () => {
    const before = partnerView(
      history(handoff({ status: 'sent', assignment: 2, aeName: 'Sam Closer' }), [declined(1, 1)], true),
    );
    const after = partnerView(
      history(
        handoff({ status: 'accepted', assignment: 2, aeName: 'Sam Closer' }),
        [declined(1, 1), accepted(2, 2)],
        true,
      ),
    );
    expect(partnerNews(before, after)).toMatchObject({
      event: 'accepted',
      aeName: 'Sam Closer',
      afterDecline: true,
    });
  });

  it('a withdrawal after a decline is told, naming nobody', () => {
    const view = partnerView(
      history(
        handoff({ status: 'withdrawn', assignment: 2, aeName: 'Sam Closer' }),
        [declined(1, 1), { kind: 'withdrawn' }],
        true,
      ),
    );
    expect(view).toMatchObject({ event: 'withdrawn', aeName: null });
  });

  it('each outcome names the AE who accepted; a loss gives only its partner-safe wording', () => {
    const h = handoff({ status: 'accepted' });
    const facts = [accepted(1), step(1, 'meeting_held'), step(2, 'lost', 'competitor')];
    const views = [1, 2, 3].map((n) => partnerView(history(h, facts.slice(0, n))));
    expect(views.map((v) => v && [v.event, v.aeName])).toEqual([
      ['accepted', 'Jordan Seller'],
      ['meeting_held', 'Jordan Seller'],
      ['lost', 'Jordan Seller'],
    ]);
    expect(views[2]?.reasonWording).toBe(LOST_REASONS.competitor.partnerSafe);
    // After a loss the next move is no longer asked for.
    expect(views[2]?.partnerNextMove).toBe('');
  });

  it('keeps the next move past a step when its date reaches past the step’s day, else holds it back', () => {
    const at = Date.parse('2026-11-25T10:00:00Z');
    const met = { ...step(2, 'meeting_held'), at } as PartnerFact;
    const facts = [accepted(1), met];
    const view = (date: string | null) =>
      partnerView(
        history(
          handoff({ status: 'accepted', partnerNextMoveDate: date, aeTimeZone: 'Europe/Berlin' }),
          facts,
        ),
      );
    expect(view('2026-11-26')?.partnerNextMove).toBe('Dana introduces Jordan to Ken Ito, their CFO.');
    // Due on the step's day or before, or with no date: written for before the step.
    expect(view('2026-11-25')?.partnerNextMove).toBe('');
    expect(view(null)?.partnerNextMove).toBe('');
    // Confirmed (or rewritten) by its author after the step: it holds.
    const answered = (answeredAt: number) =>
      partnerView(
        history(
          handoff({ status: 'accepted', partnerNextMoveDate: null, aeTimeZone: 'Europe/Berlin' }),
          facts,
        ),
        { answeredAt },
      )?.partnerNextMove;
    expect(answered(at + 60_000)).toBe('Dana introduces Jordan to Ken Ito, their CFO.');
    expect(answered(at - 60_000)).toBe('');
  });

  it('a thread an earlier version started with a reassignment post reads "with our team", naming nobody', () => {
    const view = partnerView(history(handoff({ assignment: 2, aeName: 'Sam Closer' }), [], true));
    expect(view).toMatchObject({ event: 'considering', aeName: null, partnerNextMove: '' });
    const withdrawn = partnerView(
      history(handoff({ status: 'withdrawn', assignment: 2 }), [{ kind: 'withdrawn' }], true),
    );
    expect(partnerNews(view, withdrawn)).toMatchObject({ event: 'withdrawn' });
  });

  it('never names an AE who did not accept, even if the history were inconsistent', () => {
    // An acceptance recorded on an earlier assignment cannot name the AE of a later one.
    const view = partnerView(history(handoff({ status: 'accepted', assignment: 2 }), [accepted(1, 1)]));
    expect(view?.aeName).toBeNull();
  });
});

describe('partnerView: partner next moves that no longer hold are held back', () => {
  const h = handoff({ status: 'accepted', assignment: 2, aeName: 'Sam Closer' });

  it('a "by" date that has passed', () => {
    expect(partnerView(history(h, [accepted(1, 2)]), { today: '2026-11-27' })).toMatchObject({
      partnerNextMove: '',
      partnerNextMoveDate: null,
    });
    // On the day itself it still holds.
    expect(partnerView(history(h, [accepted(1, 2)]), { today: '2026-11-26' })?.partnerNextMove).not.toBe('');
  });

  it('a move naming someone who is no longer the AE, by full or first name', () => {
    expect(heldBackNextMove(h, { formerAeNames: ['Jordan Seller'] })).toBe('names_former_ae');
    expect(
      heldBackNextMove(
        { ...h, partnerNextMove: 'Intro call with Jordan Seller.' },
        { formerAeNames: ['Jordan Seller'] },
      ),
    ).toBe('names_former_ae');
    expect(
      partnerView(history(h, [accepted(1, 2)]), { formerAeNames: ['Jordan Seller'] })?.partnerNextMove,
    ).toBe('');
  });

  it('but not a name that is only part of a word, nor a first name the AE now shares', () => {
    expect(
      heldBackNextMove(
        { ...h, partnerNextMove: 'Send the Jordanian office plan.' },
        { formerAeNames: ['Jordan Seller'] },
      ),
    ).toBeUndefined();
    expect(
      heldBackNextMove({ ...h, aeName: 'Jordan Price' }, { formerAeNames: ['Jordan Seller'] }),
    ).toBeUndefined();
    expect(heldBackNextMove(h, {})).toBeUndefined();
  });
});

describe('partnerFacts', () => {
  it('orders decisions, then outcome steps, then a withdrawal', () => {
    expect(
      partnerFacts(
        { status: 'withdrawn' },
        [
          { id: 7, assignment: 2, decision: 'declined', reasonCode: 'timing' },
          { id: 3, assignment: 1, decision: 'declined', reasonCode: null },
        ],
        [],
      ).map((f) => (f.kind === 'withdrawn' ? 'withdrawn' : `${f.kind}:${f.id}`)),
    ).toEqual(['decision:3', 'decision:7', 'withdrawn']);
  });
});

describe('partnerView: the first step our AE committed to', () => {
  const committed = handoff({
    status: 'accepted',
    firstStep: 'Intro call with Dana and their CFO',
    firstStepDue: '2026-12-02',
  });
  const next = { text: 'Intro call with Dana and their CFO', due: '2026-12-02' };

  it("is the deal's next step from the accept to its date, where the date is read", () => {
    expect(partnerView(history(committed, [accepted(1)]))?.nextStep).toEqual(next);
    expect(partnerView(history(committed, [accepted(1)]), { today: '2026-12-02' })?.nextStep).toEqual(next);
    // The day after its date it is no longer true: held back until it is done or has a new date.
    expect(partnerView(history(committed, [accepted(1)]), { today: '2026-12-03' })?.nextStep).toBeUndefined();
  });

  it('is never shown before the accept, after an outcome, once another AE has the deal, or with no step', () => {
    expect(partnerView(history({ ...committed, status: 'sent' }, [], true))?.nextStep).toBeUndefined();
    expect(partnerView(history(committed, [accepted(1), step(2, 'meeting_held')]))?.nextStep).toBeUndefined();
    expect(partnerView(history({ ...committed, assignment: 2 }, [accepted(1)]))?.nextStep).toBeUndefined();
    // A deal accepted before steps were asked.
    expect(partnerView(history(handoff({ status: 'accepted' }), [accepted(1)]))?.nextStep).toBeUndefined();
  });
});

describe('partnerView: taken back after the accept', () => {
  it('keeps "accepted", names nobody, and holds back a next move naming the AE it left', () => {
    const view = partnerView(history(handoff({ status: 'taken_back' }), [accepted(1)]), {
      today: '2026-11-24',
    });
    expect(view).toMatchObject({ event: 'accepted', aeName: null, partnerNextMove: '' });
    // Nor one naming the AE who has it now and has not accepted it (the owner gave it back to Jordan).
    const back = { status: 'sent' as const, assignment: 3 };
    expect(partnerView(history(handoff(back), [accepted(1)]), { today: '2026-11-24' })).toMatchObject({
      aeName: null,
      partnerNextMove: '',
    });
    // A move naming nobody still holds.
    const plain = { partnerNextMove: 'Dana sends the plan.' };
    expect(
      partnerView(history(handoff({ status: 'taken_back', ...plain }), [accepted(1)]), {
        today: '2026-11-24',
      }),
    ).toMatchObject({ aeName: null, partnerNextMove: 'Dana sends the plan.' });
  });
});
