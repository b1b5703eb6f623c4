import { expect, it } from 'vitest';
import type { ProgramLogRow } from '../../../src/db/repositories/program.js';
import { type PolicyForm, policyEdits } from '../../../src/program/policyForm.js';
import { programStateOf } from '../../../src/program/state.js';

/**
 * The routes a saved policy editor writes: a partner or a pool chosen in a policy follows that policy only.
 * The first route that matches a handoff decides, so a second route for the same partner would never be reached
 * while the page said "Followed by Meridian's handoffs" under both policies.
 */

let ids = 0;
const row = (kind: string, key: string, body: unknown): ProgramLogRow => {
  ids += 1;
  return { id: ids, kind, key, body, actor: 'import', note: null, at: new Date('2026-11-23T14:00:00Z') };
};
const levels = [{ at: 'due', action: 'notify', to: ['owner'] }];
const state = programStateOf(
  3,
  [
    row('pool', 'emea', { name: 'EMEA', users: ['U0AE', 'U0AE2'] }),
    row('policy', 'meridian', { name: 'Meridian partners', levels }),
    row('routes', '-', [
      { partner: 'Meridian Cloud Consulting', policy: 'meridian' },
      { aePool: 'emea', policy: 'meridian' },
      { partner: 'Tailspin Integrators', policy: 'meridian' },
    ]),
  ],
  8,
  () => undefined,
);
const form = (over: Partial<PolicyForm>): PolicyForm => ({
  id: 'emea-escalation',
  isNew: true,
  name: 'EMEA escalation',
  levels: [{ row: 0, level: levels[0] as PolicyForm['levels'][number]['level'] }],
  partners: [],
  pools: [],
  apply: false,
  remove: false,
  ...over,
});
const routesOf = (f: PolicyForm) => policyEdits(state, f, 'U0ADMIN').find((e) => e.kind === 'routes')?.body;

it('policyEdits’ routes: a partner or pool chosen in a policy leaves the policy it followed; an edit keeps them in place; removing takes them', () => {
  // A partner chosen in a new policy leaves the policy it followed (spelled as routing matches it).
  expect(routesOf(form({ partners: ['meridian cloud consulting'] }))).toEqual([
    { aePool: 'emea', policy: 'meridian' },
    { partner: 'Tailspin Integrators', policy: 'meridian' },
    { partner: 'meridian cloud consulting', policy: 'emea-escalation' },
  ]);
  // A pool chosen leaves its policy too; partners not chosen keep theirs.
  expect(routesOf(form({ pools: ['emea'] }))).toEqual([
    { partner: 'Meridian Cloud Consulting', policy: 'meridian' },
    { partner: 'Tailspin Integrators', policy: 'meridian' },
    { aePool: 'emea', policy: 'emea-escalation' },
  ]);
  // An edit of the policy that has them keeps them where its first route was; removing it takes them all.
  const meridian = form({
    id: 'meridian',
    isNew: false,
    partners: ['Meridian Cloud Consulting', 'Tailspin Integrators'],
    pools: ['emea'],
  });
  expect(routesOf(meridian)).toEqual([
    { partner: 'Meridian Cloud Consulting', policy: 'meridian' },
    { partner: 'Tailspin Integrators', policy: 'meridian' },
    { aePool: 'emea', policy: 'meridian' },
  ]);
  expect(routesOf({ ...meridian, remove: true })).toEqual([]);
});
