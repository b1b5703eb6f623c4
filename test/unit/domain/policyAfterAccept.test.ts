import { describe, expect, it } from 'vitest';
import {
  checkAfter,
  defaultAfterAccept,
  lastStepCheck,
  nextStepCheck,
  stepSchedule,
} from '../../../src/domain/firstStep.js';
import { parsePolicies, policyProblems } from './unitdomain-policies.js';

/** The policy file's levels after the Accept ("commitment" levels), and the schedule they give. */

const POOLS = { backup: { name: 'Backup AEs', users: ['U0AE2', 'U0AE3'] } };
const [parse, problems] = [parsePolicies, policyProblems];

/** A policy of these levels after the response window's own (one reminder): the problems are placed from [1] on. */
const withLevels = (levels: unknown[]) => ({
  pools: POOLS,
  policies: { p: [{ at: '50%', action: 'remind' }, ...levels] },
});

describe('the policy file: levels after the Accept', () => {
  it('reads the whole life in one policy: the window, then the first step, then the take-back to a pool', () => {
    const book = parse(
      withLevels([
        { at: '50%', action: 'remind' },
        { at: 'due', action: 'notify', to: ['owner'] },
        { at: 'commitment-2d', action: 'remind' },
        { at: 'commitment', action: 'check_in' },
        { at: 'commitment+1d', action: 'notify', to: ['owner'] },
        { at: 'commitment+3d', action: 'reassign', to: ['pool:backup'] },
      ]),
    );
    const policy = book.policies.p;
    // The window's levels stay the window's: the commitment levels are not planned in it.
    expect(policy?.levels.map((l) => l.action)).toEqual(['remind', 'remind', 'notify']);
    expect(policy?.afterAccept).toEqual({
      reminder: { days: -2 },
      check_in: { days: 0 },
      owner: { days: 1 },
      take_back: { days: 3, to: { kind: 'pool', name: 'backup', displayName: 'Backup AEs' } },
    });
  });

  it('takes back to the owner, and a policy without commitment levels keeps the default ladder', () => {
    const book = parse({
      policies: {
        p: [
          { at: 'due', action: 'notify', to: ['owner'] },
          { at: 'commitment+2d', action: 'reassign', to: ['owner'] },
        ],
        q: [{ at: '50%', action: 'remind' }],
      },
    });
    expect(book.policies.p?.afterAccept).toEqual({ take_back: { days: 2, to: { kind: 'owner' } } });
    expect(book.policies.q?.afterAccept).toBeUndefined();
  });

  it('refuses a policy of levels after the accept alone: the response window would say nothing', () => {
    expect(problems({ policies: { p: [{ at: 'commitment', action: 'check_in' }] } })).toEqual([
      'policies.p: name the response window\'s levels too (like { "at": "50%", "action": "remind" }), not only those after the accept',
    ]);
  });

  it('names every problem with its place', () => {
    expect(
      problems(
        withLevels([
          { at: 'commitment+1d', action: 'remind' },
          { at: 'commitment-1d', action: 'check_in' },
          { at: 'commitment+2d', action: 'notify', to: ['manager'] },
          { at: 'commitment+3d', action: 'reassign', to: ['pool:nobody'] },
          { at: 'commitment+4d', action: 'reassign', to: ['cover'] },
          { at: 'commitment+1w', action: 'notify', to: ['owner'] },
          { at: 'commitment', action: 'escalate' },
        ]),
      ),
    ).toEqual([
      'policies.p[1].at: a remind after the Accept comes before the step, like commitment-1d',
      "policies.p[2].at: a check_in after the Accept comes on the step's date: commitment",
      'policies.p[3].to: after the Accept, notify goes to ["owner"]',
      'policies.p[4].to[0]: no pool named "nobody" in pools',
      'policies.p[5]: the policy already has a reassign after the Accept',
      'policies.p[5].to: a take-back goes to exactly one of ["owner"] or ["pool:<name>"]',
      'policies.p[6].at: "commitment+1w" must be like commitment-1d, commitment or commitment+3d',
      expect.stringMatching(/^policies\.p\[7\]\.action: /),
    ]);
  });

  it('refuses a take-back before the owner is told', () => {
    expect(
      problems(
        withLevels([
          { at: 'commitment+3d', action: 'notify', to: ['owner'] },
          { at: 'commitment+2d', action: 'reassign', to: ['owner'] },
        ]),
      ),
    ).toEqual(['policies.p: after the Accept, the take-back must come after the owner']);
  });
});

describe("a first step's schedule under a policy's ladder", () => {
  const berlin = { timeZone: 'Europe/Berlin', dayStart: '09:00', dayEnd: '17:00' };
  const ladder = {
    reminder: { days: -2 },
    check_in: { days: 0 },
    owner: { days: 1 },
    take_back: { days: 3, to: { kind: 'owner' as const } },
  };

  it('counts each check in business days of the AE, weekends skipped', () => {
    // A step on Monday 30 November 2026: reminded Thursday 26th 09:00 (two business days before), checked in Monday
    // 16:00, the owner told Tuesday 16:00, taken back Thursday 3 December 16:00.
    const schedule = stepSchedule('2026-11-30', berlin, ladder);
    expect(schedule.reminder?.toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(schedule.check_in?.toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(schedule.owner?.toISOString()).toBe('2026-12-01T15:00:00.000Z');
    expect(schedule.take_back?.toISOString()).toBe('2026-12-03T15:00:00.000Z');
    expect(lastStepCheck(schedule)?.toISOString()).toBe('2026-12-03T15:00:00.000Z');
  });

  it('goes from each check to the next the ladder names, skipping what it leaves out', () => {
    const only = stepSchedule('2026-11-30', berlin, { check_in: { days: 0 }, take_back: ladder.take_back });
    expect(only.reminder).toBeUndefined();
    expect(checkAfter(only, 'check_in')?.check).toBe('take_back');
    expect(checkAfter(only, 'take_back')).toBeUndefined();
    expect(nextStepCheck(only, new Date('2026-11-25T09:00:00Z'))?.check).toBe('check_in');
    expect(nextStepCheck(only, new Date('2026-12-01T09:00:00Z'))?.check).toBe('take_back');
    expect(nextStepCheck(only, new Date('2026-12-04T09:00:00Z'))).toBeUndefined();
  });

  it('has no take-back by default: an existing install is never surprised', () => {
    const schedule = stepSchedule('2026-11-30', berlin, defaultAfterAccept(2));
    expect(schedule.take_back).toBeUndefined();
    expect(Object.keys(schedule)).toEqual(['reminder', 'check_in', 'owner']);
  });
});
