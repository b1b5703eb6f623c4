import { describe, expect, it } from 'vitest';
import { limitsWith, POLICY_LIMITS } from '../../../src/domain/escalation.js';
import { fieldsNaming } from '../../../src/domain/moves.js';
import { parsePolicies as parse, policyProblems as problems } from './unitdomain-policies.js';

const POLICIES = { basic: [{ at: 'due+4h', action: 'reassign', to: ['cover'] }] };

describe('the policy file’s limits', () => {
  it('are optional: each one left out keeps its default (2 reassignments per handoff)', () => {
    expect(parse({ policies: POLICIES }).limits).toBeUndefined();
    expect(limitsWith(undefined)).toEqual({ reassignments: 2 });
    expect(POLICY_LIMITS.reassignments.default).toBe(2);
  });

  it('reads a limit the file names', () => {
    expect(parse({ policies: POLICIES, limits: { reassignments: 0 } }).limits).toEqual({ reassignments: 0 });
    expect(limitsWith({ reassignments: 5 })).toEqual({ reassignments: 5 });
  });

  it('names a limit out of range, not whole, or unknown, with its place', () => {
    for (const reassignments of [11, 1.5])
      expect(problems({ policies: POLICIES, limits: { reassignments } })).toEqual([
        expect.stringMatching(/^limits\.reassignments: /),
      ]);
    expect(problems({ policies: POLICIES, limits: { moves: 1 } })).toEqual([
      expect.stringMatching(/^limits: .*moves/),
    ]);
  });
});

describe('packet fields that name the AE a handoff moved from', () => {
  const jordan = { id: 'U0AE', name: 'Jordan Seller' };
  it('finds the full name, the first name (whole word, any case) and a mention, in the packet’s order', () => {
    expect(
      fieldsNaming(
        {
          sellerNextMove: 'Dana will bring jordan to the review.',
          warmPath: 'Dana knows <@U0AE> from last year.',
          customerTrigger: 'Jordanian expansion',
          riskNote: 'Jordan Seller owns the account today.',
        },
        jordan,
        { name: 'Sam Closer' },
      ),
    ).toEqual(['Warm path', 'Seller next move', 'Risk note']);
  });

  it('a new AE with the same first name: only the full name counts', () => {
    expect(
      fieldsNaming(
        { sellerNextMove: 'Jordan brings the demo.', warmPath: 'Ask Jordan Seller first.' },
        jordan,
        { name: 'Jordan Price' },
      ),
    ).toEqual(['Warm path']);
  });
});
