import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  ACTION_CHOICES,
  levelSentence,
  PERSON_TARGETS,
  type RawLevel,
  WHEN_CHOICES,
  whenWords,
} from '../domain/policyWords.js';
import { ACTION_ID, CALLBACK_ID, levelBlockId, PROGRAM_BLOCK_ID } from './ids.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { context, pt, section } from './parts.js';

/** The most level rows a policy editor shows: the policy's levels and two empty ones for new levels. */
export const LEVEL_ROWS_MAX = 10;
/** The When choice that removes a level. */
export const REMOVE_LEVEL = 'remove';

export interface PolicyEditorModel {
  /** The policy's id; undefined: a new policy. */
  id?: string;
  name: string;
  levels: readonly RawLevel[];
  pools: readonly { id: string; name: string }[];
  /** The partner directory's names (the routes' choices). */
  partners: readonly string[];
  routedPartners: readonly string[];
  routedPools: readonly string[];
  /** The policy (its name) each partner and pool routed elsewhere follows now: shown by its choice. */
  routedElsewhere?: { partners: Readonly<Record<string, string>>; pools: Readonly<Record<string, string>> };
  /** Open handoffs under this policy now ("Apply to open handoffs"). */
  openCount: number;
}

const option = (value: string, text: string): PlainTextOption => ({ text: pt(text.slice(0, 75)), value });

const optional = (block: KnownBlock & { type: 'input' }) => ({ ...block, optional: true });

/** The rows of levels: each with its line as people read it, then when, what, whom and which channels. */
function levelRows(model: PolicyEditorModel): KnownBlock[] {
  // The line is mrkdwn: the pool's name escaped, and bold only on its own (bold inside bold shows the asterisks).
  const poolName = (id: string) => escapeMrkdwn(model.pools.find((p) => p.id === id)?.name ?? id);
  const rows = Math.min(LEVEL_ROWS_MAX, model.levels.length + 2);
  const blocks: KnownBlock[] = [];
  for (let row = 0; row < rows; row += 1) {
    const level = model.levels[row];
    blocks.push(
      { type: 'divider' },
      section(
        level
          ? `*Level ${row + 1}:* ${levelSentence(level, poolName)}`
          : row === 0
            ? '_The first level_'
            : '_Another level (optional)_',
      ),
      ...levelInputs(row, level, model),
    );
  }
  return blocks;
}

function levelInputs(row: number, level: RawLevel | undefined, model: PolicyEditorModel): KnownBlock[] {
  const whenOptions = WHEN_CHOICES.map((c) => option(c.at, c.words));
  if (level && !WHEN_CHOICES.some((c) => c.at === level.at))
    whenOptions.push(option(level.at, whenWords(level.at)));
  // A select cannot be emptied in Slack: a level is removed by choosing this.
  if (level) whenOptions.unshift(option(REMOVE_LEVEL, 'Remove this level'));
  const toOptions = [
    ...PERSON_TARGETS.map((t) => option(t.to, t.words)),
    ...model.pools.map((p) => option(`pool:${p.id}`, `the next AE of the ${p.name} pool`)),
  ];
  const people = (level?.to ?? []).filter((t) => !t.startsWith('channel:'));
  const channels = (level?.to ?? []).filter((t) => t.startsWith('channel:')).map((t) => t.slice(8));
  const initialWhen = whenOptions.find((o) => o.value === level?.at);
  const initialAction = ACTION_CHOICES.find((a) => a.action === level?.action);
  const initialTo = toOptions.filter((o) => people.includes(o.value ?? ''));
  return [
    optional({
      type: 'input',
      block_id: levelBlockId(row, 'when'),
      label: pt('When'),
      element: {
        type: 'static_select',
        action_id: ACTION_ID.value,
        placeholder: pt('Choose when it acts'),
        options: whenOptions,
        ...(initialWhen ? { initial_option: initialWhen } : {}),
      },
    }),
    optional({
      type: 'input',
      block_id: levelBlockId(row, 'action'),
      label: pt('Then'),
      element: {
        type: 'static_select',
        action_id: ACTION_ID.value,
        placeholder: pt('Choose what it does'),
        options: ACTION_CHOICES.map((a) => option(a.action, a.words)),
        ...(initialAction ? { initial_option: option(initialAction.action, initialAction.words) } : {}),
      },
    }),
    optional({
      type: 'input',
      block_id: levelBlockId(row, 'to'),
      label: pt('Whom'),
      hint: pt(
        'Tell: anyone here. Reassign: one pool or the cover. A reminder or a check-in goes to the AE.',
      ),
      element: {
        type: 'multi_static_select',
        action_id: ACTION_ID.value,
        placeholder: pt('Choose whom'),
        options: toOptions,
        ...(initialTo.length > 0 ? { initial_options: initialTo } : {}),
      },
    }),
    optional({
      type: 'input',
      block_id: levelBlockId(row, 'channels'),
      label: pt('Also post in'),
      hint: pt('Internal channels only: the app posts names and dates there.'),
      element: {
        type: 'multi_conversations_select',
        action_id: ACTION_ID.value,
        placeholder: pt('Choose channels'),
        filter: {
          include: ['public', 'private'],
          exclude_external_shared_channels: true,
          exclude_bot_users: true,
        },
        ...(channels.length > 0 ? { initial_conversations: channels } : {}),
      },
    }),
  ];
}

/** A choice of the routes, with the policy it follows now when that is another ("Meridian (now: Strategic)"). */
const routeOption = (value: string, name: string, now: string | undefined) =>
  option(value, now ? `${name} (now: ${now})` : name);

function routeInputs(model: PolicyEditorModel): KnownBlock[] {
  const elsewhere = model.routedElsewhere ?? { partners: {}, pools: {} };
  const partnerOptions = model.partners
    .slice(0, 100)
    .map((p) => routeOption(p, p, model.routedPartners.includes(p) ? undefined : elsewhere.partners[p]));
  const poolOptions = model.pools.map((p) =>
    routeOption(p.id, p.name, model.routedPools.includes(p.id) ? undefined : elsewhere.pools[p.id]),
  );
  const blocks: KnownBlock[] = [{ type: 'divider' }, section('*Which handoffs follow it*')];
  if (partnerOptions.length > 0) {
    const initial = partnerOptions.filter((o) => model.routedPartners.includes(o.value ?? ''));
    blocks.push(
      optional({
        type: 'input',
        block_id: PROGRAM_BLOCK_ID.partners,
        label: pt('Handoffs of these partners'),
        hint: pt('A partner follows one policy: one chosen here leaves the policy it follows now.'),
        element: {
          type: 'multi_static_select',
          action_id: ACTION_ID.value,
          placeholder: pt('Choose partners'),
          options: partnerOptions,
          ...(initial.length > 0 ? { initial_options: initial } : {}),
        },
      }),
    );
  }
  if (poolOptions.length > 0) {
    const initial = poolOptions.filter((o) => model.routedPools.includes(o.value ?? ''));
    blocks.push(
      optional({
        type: 'input',
        block_id: PROGRAM_BLOCK_ID.pools,
        label: pt('Handoffs to the AEs of these pools'),
        hint: pt('A pool follows one policy: one chosen here leaves the policy it follows now.'),
        element: {
          type: 'multi_static_select',
          action_id: ACTION_ID.value,
          placeholder: pt('Choose pools'),
          options: poolOptions,
          ...(initial.length > 0 ? { initial_options: initial } : {}),
        },
      }),
    );
  }
  blocks.push(context('Other handoffs follow the *Default* policy.'));
  return blocks;
}

function closingInputs(model: PolicyEditorModel): KnownBlock[] {
  if (!model.id) return [];
  const choices = [
    ...(model.openCount > 0
      ? [
          option(
            'apply',
            `Apply to the ${model.openCount} open handoff${model.openCount === 1 ? '' : 's'} under it too`,
          ),
        ]
      : []),
    option('remove', 'Remove this policy (its open handoffs keep the version they run under)'),
  ];
  return [
    { type: 'divider' },
    optional({
      type: 'input',
      block_id: PROGRAM_BLOCK_ID.apply,
      label: pt('Also'),
      hint: pt(
        'An edit applies to handoffs sent after it. Open handoffs keep the version they were sent under.',
      ),
      element: { type: 'checkboxes', action_id: ACTION_ID.value, options: choices },
    }),
  ];
}

/** The policy editor: its name, its levels as readable lines with their inputs, and where it applies. */
export function policyEditorModal(model: PolicyEditorModel): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.programPart,
    private_metadata: JSON.stringify({ part: 'policy', key: model.id ?? '' }),
    title: pt(model.id ? 'Edit policy' : 'New policy'),
    submit: pt('Save'),
    close: pt('Back'),
    blocks: [
      ...(model.id
        ? []
        : [
            {
              type: 'input' as const,
              block_id: PROGRAM_BLOCK_ID.id,
              label: pt('Id'),
              hint: pt('Lowercase letters, digits, - and _ (like emea-strategic). It never changes.'),
              element: { type: 'plain_text_input' as const, action_id: ACTION_ID.value, max_length: 40 },
            },
          ]),
      optional({
        type: 'input',
        block_id: PROGRAM_BLOCK_ID.name,
        label: pt('Name people read'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          max_length: 60,
          ...(model.name ? { initial_value: model.name } : {}),
        },
      }),
      context(
        'Each level acts at its time, in the AE’s business hours. Rows left empty are left out; choose *Remove this level* in a row’s *When* to remove it.',
      ),
      ...levelRows(model),
      ...routeInputs(model),
      ...closingInputs(model),
    ],
  };
}
