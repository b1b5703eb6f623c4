import { describe, expect, it } from 'vitest';
import {
  checkFirstStep,
  defaultAfterAccept,
  defaultFirstStep,
  FIRST_STEP_MAX,
  FIRST_STEP_MAX_DAYS_AHEAD,
  nextStepCheck,
  stepDate,
  stepSchedule,
} from '../../../src/domain/firstStep.js';

const TODAY = '2026-11-25';
const ok = { text: 'Intro call with Dana and the CFO', due: '2026-12-02', estimatedValue: '' };

describe('the first step the AE commits to when accepting', () => {
  it('takes a step the partner may read, its date and an optional whole value', () => {
    expect(checkFirstStep(ok, TODAY)).toEqual({
      ok: true,
      step: { text: 'Intro call with Dana and the CFO', due: '2026-12-02', estimatedValue: null },
    });
    expect(
      checkFirstStep({ ...ok, text: '  Intro   call with\nDana ', estimatedValue: '48000' }, TODAY),
    ).toEqual({
      ok: true,
      step: { text: 'Intro call with Dana', due: '2026-12-02', estimatedValue: 48_000 },
    });
    // Today is a date the step may have.
    expect(checkFirstStep({ ...ok, due: TODAY }, TODAY).ok).toBe(true);
  });

  it('refuses filler and near-empty steps, as the packet refuses them in the partner next move', () => {
    for (const text of ['tbd', 'n/a', 'call', 'a call']) {
      const checked = checkFirstStep({ ...ok, text }, TODAY);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.errors.text).toMatch(/The partner reads this word for word/);
    }
    const empty = checkFirstStep({ ...ok, text: '   ' }, TODAY);
    expect(empty.ok ? undefined : empty.errors.text).toMatch(/Say what the first step is/);
  });

  it('refuses words that read as internal, naming them: the partner reads the step', () => {
    const checked = checkFirstStep(
      { ...ok, text: 'Intro call, confidential: discuss the 15% referral fee' },
      TODAY,
    );
    expect(checked.ok).toBe(false);
    expect(checked.ok ? undefined : checked.errors.text).toBe(
      'The partner reads this word for word, and “confidential”, “15%”, “fee” reads as internal. Say the step as the partner may read it; keep the rest for the CRM.',
    );
  });

  it('refuses a step too long to read at a glance', () => {
    const checked = checkFirstStep({ ...ok, text: `Intro call ${'x'.repeat(FIRST_STEP_MAX)}` }, TODAY);
    expect(checked.ok ? undefined : checked.errors.text).toBe(
      `Keep the step under ${FIRST_STEP_MAX} characters.`,
    );
  });

  it('wants a date from today to the longest a first step may wait', () => {
    const problem = (due: string | null) => {
      const checked = checkFirstStep({ ...ok, due }, TODAY);
      return checked.ok ? undefined : checked.errors.due;
    };
    expect(problem(null)).toBe('Pick the date of the first step.');
    expect(problem('2026-02-30')).toBe('Pick the date of the first step.');
    expect(problem('next week')).toBe('Pick the date of the first step.');
    expect(problem('2026-11-24')).toBe('Pick today or a later date.');
    expect(problem('2027-02-23')).toBeUndefined();
    expect(problem('2027-02-24')).toBe(
      `Pick a date within ${FIRST_STEP_MAX_DAYS_AHEAD} days: a first step further out leaves the deal idle.`,
    );
  });

  it('wants a whole, non-negative value or none', () => {
    for (const estimatedValue of ['-1', '12.5', 'lots', '1000000001']) {
      const checked = checkFirstStep({ ...ok, estimatedValue }, TODAY);
      expect(checked.ok ? undefined : checked.errors.estimatedValue).toBe(
        'Give a whole number, like 48000, or leave it empty.',
      );
    }
    expect(checkFirstStep({ ...ok, estimatedValue: '0' }, TODAY)).toMatchObject({
      ok: true,
      step: { estimatedValue: 0 },
    });
  });

  it('names every field with a problem at once', () => {
    const checked = checkFirstStep({ text: 'tbd', due: '2026-11-01', estimatedValue: 'x' }, TODAY);
    expect(checked.ok ? [] : Object.keys(checked.errors).sort()).toEqual(['due', 'estimatedValue', 'text']);
  });

  it('reads the date as people do', () => {
    expect(stepDate('2026-12-02')).toBe('Wed 2 Dec');
    expect(stepDate('2027-01-05')).toBe('Tue 5 Jan');
    expect(stepDate('not a date')).toBe('not a date');
  });
});

describe('a first step on a day the AE does not work', () => {
  it('is refused on the date, saying why and naming their next working day', () => {
    const closed = (kind: 'closure' | 'off') => () => ({ kind, next: '2026-12-03' });
    const holiday = () => ({ kind: 'holiday' as const, name: 'Christmas Day (DE)', next: '2026-12-03' });
    const dueError = (closedOn: Parameters<typeof checkFirstStep>[2]) => {
      const checked = checkFirstStep(ok, TODAY, closedOn);
      return checked.ok ? undefined : checked.errors.due;
    };
    expect(dueError(closed('closure'))).toBe(
      'Wed 2 Dec is a company closure day: pick a day you work, like Thu 3 Dec.',
    );
    expect(dueError(closed('off'))).toBe(
      'Wed 2 Dec is not one of your working days: pick a day you work, like Thu 3 Dec.',
    );
    expect(dueError(holiday)).toBe(
      'Wed 2 Dec is a public holiday for you (Christmas Day (DE)): pick a day you work, like Thu 3 Dec.',
    );
    expect(checkFirstStep(ok, TODAY, () => undefined).ok).toBe(true);
  });
});

describe('the default first step', () => {
  it('always passes its own checks: an unusable name gives "Intro call with the partner"', () => {
    for (const name of [
      'G^Mk'.repeat(40),
      'tbd',
      'x'.repeat(200),
      'Confidential contact',
      '',
      '  ',
      'Dana Whitfield',
    ])
      expect(checkFirstStep({ ...ok, text: defaultFirstStep({ partnerContactName: name }) }, TODAY).ok).toBe(
        true,
      );
    expect(defaultFirstStep({ partnerContactName: 'G^Mk'.repeat(40) })).toBe('Intro call with the partner');
    expect(defaultFirstStep({ partnerContactName: '  Dana   Reyes ' })).toBe('Intro call with Dana Reyes');
    expect(defaultFirstStep({ partnerContactName: 'Dana Whitfield' })).toBe('Intro call with Dana Whitfield');
  });

  it("is the packet's own seller next move when the partner may read it", () => {
    const dana = { partnerContactName: 'Dana Reyes' };
    expect(defaultFirstStep({ ...dana, sellerNextMove: '  Run the  carrier demo\nwith Dana. ' })).toBe(
      'Run the carrier demo with Dana',
    );
    // Filler, too long, or words that read as internal: the intro call.
    for (const sellerNextMove of ['tbd', 'x'.repeat(200), 'Keep it internal: bring the pricing sheet', ''])
      expect(defaultFirstStep({ ...dana, sellerNextMove })).toBe('Intro call with Dana Reyes');
  });
});

describe("the first step's checks", () => {
  const berlin = { timeZone: 'Europe/Berlin', dayStart: '09:00', dayEnd: '17:00' };
  const iso = (s: Partial<Record<string, Date>>) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v?.toISOString()]));

  it('reminds the business day before, checks in on the date, tells the owner after the grace (weekends skipped)', () => {
    // A step on Monday 30 November: reminded Friday 09:00, checked in Monday 16:00, the owner told Wednesday 16:00.
    expect(iso(stepSchedule('2026-11-30', berlin, defaultAfterAccept(2)))).toEqual({
      reminder: '2026-11-27T08:00:00.000Z',
      check_in: '2026-11-30T15:00:00.000Z',
      owner: '2026-12-02T15:00:00.000Z',
    });
  });

  it("skips the AE's holidays for the reminder and the grace", () => {
    // Thursday 24 December and Monday 28 December closed: a step on Tuesday 29 December is reminded on the 23rd.
    const closed = new Set(['2026-12-24', '2026-12-25', '2026-12-28']);
    const calendar = { ...berlin, isHoliday: (date: string) => closed.has(date) };
    const schedule = iso(stepSchedule('2026-12-29', calendar, defaultAfterAccept(1)));
    expect(schedule.reminder).toBe('2026-12-23T08:00:00.000Z');
    expect(schedule.owner).toBe('2026-12-30T15:00:00.000Z');
  });

  it('checks in on the next working day when the date became a closure day, and counts the grace from there', () => {
    // Monday 30 November closed after the step was given: checked in Tuesday 16:00, the owner told Thursday 16:00.
    const calendar = { ...berlin, isHoliday: (date: string) => date === '2026-11-30' };
    expect(iso(stepSchedule('2026-11-30', calendar, defaultAfterAccept(2)))).toEqual({
      reminder: '2026-11-27T08:00:00.000Z',
      check_in: '2026-12-01T15:00:00.000Z',
      owner: '2026-12-03T15:00:00.000Z',
    });
  });

  it('gives the first check still ahead: a step due soon skips what is past', () => {
    const schedule = stepSchedule('2026-11-30', berlin, defaultAfterAccept(2));
    expect(nextStepCheck(schedule, new Date('2026-11-26T09:00:00Z'))?.check).toBe('reminder');
    expect(nextStepCheck(schedule, new Date('2026-11-27T08:00:00Z'))?.check).toBe('check_in');
    expect(nextStepCheck(schedule, new Date('2026-11-30T15:00:00Z'))?.check).toBe('owner');
    expect(nextStepCheck(schedule, new Date('2026-12-02T15:00:00Z'))).toBeUndefined();
  });
});
