import type { KnownBlock } from '@slack/types';
import { WEIGHT_MAX } from '../domain/policyFilePools.js';
import { ACTION_ID, PROGRAM_BLOCK_ID, WEIGHT_ROWS_MAX, weightBlockId } from './ids.js';
import { mention } from './mrkdwn.js';
import { pt, section } from './parts.js';

/**
 * A pool's weights and fairness in Slack: the editor's inputs (a row per weighted member, and how
 * the pool shares its handoffs) and the words of the pool's page ("@Sam ×2", "Fair per week").
 */

export type PoolSharing = 'plain' | 'week' | 'month';

const SHARING: { value: PoolSharing; text: string }[] = [
  { value: 'plain', text: 'Plain turns' },
  { value: 'week', text: 'Fair per week' },
  { value: 'month', text: 'Fair per month' },
];

/** How many weight rows the editor shows: each weighted member's, and two empty ones (at least three). */
export const weightRowCount = (weighted: number) => Math.min(WEIGHT_ROWS_MAX, Math.max(3, weighted + 2));

/**
 * The pool editor's weights and sharing inputs: a row per weighted member (a person picker and a number), then empty
 * rows to weight someone else. Slack's people picker also lists a Slack Connect channel's other organizations and
 * cannot leave them out: the save refuses anyone not of the pool (or not of ours) on that row.
 */
export function poolSharingInputs(m: {
  weights?: Readonly<Record<string, number>>;
  sharing: PoolSharing;
}): KnownBlock[] {
  const weighted = Object.entries(m.weights ?? {}).filter(([, w]) => w !== 1);
  const options = SHARING.map((s) => ({ text: pt(s.text), value: s.value }));
  const rows = Array.from({ length: weightRowCount(weighted.length) }, (_, i) => weighted[i]);
  return [
    section(
      '*Weights*: a member of weight 2 takes twice the handoffs of one of weight 1. Not chosen here: 1. 0: stays in the pool but takes no new handoff by round robin. Empty a number to drop that weight.',
    ),
    ...rows.flatMap(([user, weight] = ['', 0], i): KnownBlock[] => [
      {
        type: 'input',
        block_id: weightBlockId(i, 'user'),
        label: pt(`Weighted member ${i + 1}`),
        optional: true,
        element: {
          type: 'users_select',
          action_id: ACTION_ID.value,
          placeholder: pt('Choose a member'),
          ...(user ? { initial_user: user } : {}),
        },
      },
      {
        type: 'input',
        block_id: weightBlockId(i, 'value'),
        label: pt(`Their weight (0 to ${WEIGHT_MAX})`),
        optional: true,
        element: {
          type: 'number_input',
          action_id: ACTION_ID.value,
          is_decimal_allowed: false,
          min_value: '0',
          max_value: String(WEIGHT_MAX),
          ...(user ? { initial_value: String(weight) } : {}),
        },
      },
    ]),
    {
      type: 'input',
      block_id: PROGRAM_BLOCK_ID.fairness,
      label: pt('How handoffs are shared'),
      hint: pt(
        'Plain turns: each in turn, weight 2 taking two in a row. Fair: whoever is furthest behind their share of the week or month, counting only the days they were not paused or away.',
      ),
      element: {
        type: 'static_select',
        action_id: ACTION_ID.value,
        options,
        initial_option: options.find((o) => o.value === m.sharing) ?? options[0],
      },
    } as KnownBlock,
  ];
}

/** A member as the pool's page shows them: "@Sam ×2" (weight 1: the name alone). */
export const weightedMember = (user: string, weights: Readonly<Record<string, number>> | undefined) => {
  const w = weights?.[user];
  return w === undefined || w === 1 ? mention(user) : `${mention(user)} ×${w}`;
};

/** A user-group pool's weighted members, after its group: " (@Sam ×2, @Mo ×0)". */
export function groupWeights(weights: Readonly<Record<string, number>> | undefined): string {
  const listed = Object.keys(weights ?? {}).filter((u) => weights?.[u] !== 1);
  return listed.length > 0 ? ` (${listed.map((u) => weightedMember(u, weights)).join(', ')})` : '';
}

/** How the pool shares its handoffs, in the page's words. */
export function sharingWords(sharing: PoolSharing | undefined): string | undefined {
  if (sharing === 'week') return 'Shared fairly per week, by weight and days available';
  if (sharing === 'month') return 'Shared fairly per month, by weight and days available';
  return undefined;
}
