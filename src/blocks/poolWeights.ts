import type { KnownBlock } from '@slack/types';
import { ACTION_ID, PROGRAM_BLOCK_ID } from './ids.js';
import { mention } from './mrkdwn.js';
import { context, pt } from './parts.js';

/**
 * A pool's weights and fairness (issue 53 item 5) in Slack: the editor's inputs (a line per weighted member, and how
 * the pool shares its handoffs) and the words of the pool's page ("@Sam ×2", "Fair per week").
 */

export type PoolSharing = 'plain' | 'week' | 'month';

const SHARING: { value: PoolSharing; text: string }[] = [
  { value: 'plain', text: 'Plain turns' },
  { value: 'week', text: 'Fair per week' },
  { value: 'month', text: 'Fair per month' },
];

/** The weights as the editor shows them again: one `<@U…> 2` line per member whose weight is not 1. */
export function weightsText(weights: Readonly<Record<string, number>> | undefined): string {
  return Object.entries(weights ?? {})
    .filter(([, w]) => w !== 1)
    .map(([user, w]) => `<@${user}> ${w}`)
    .join('\n');
}

/** The pool editor's weights and sharing inputs, with its members' ids to copy (a text input reads no mention). */
export function poolSharingInputs(m: {
  members: readonly string[] | undefined;
  weights?: Readonly<Record<string, number>>;
  sharing: PoolSharing;
}): KnownBlock[] {
  const initial = weightsText(m.weights);
  const options = SHARING.map((s) => ({ text: pt(s.text), value: s.value }));
  const ids = (m.members ?? []).slice(0, 20).map((u) => `${mention(u)} \`${u}\``);
  return [
    {
      type: 'input',
      block_id: PROGRAM_BLOCK_ID.weights,
      label: pt('Weights'),
      optional: true,
      hint: pt(
        'One member per line: their Slack id and a number from 0 to 10, like U012ABCDEF 2. Not listed: 1. 0: stays in the pool but takes no new handoff by round robin.',
      ),
      element: {
        type: 'plain_text_input',
        action_id: ACTION_ID.value,
        multiline: true,
        max_length: 2000,
        ...(initial ? { initial_value: initial } : {}),
      },
    },
    ...(ids.length > 0 ? [context(`Their ids: ${ids.join(', ')}`.slice(0, 3000))] : []),
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
