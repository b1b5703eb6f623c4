import type { KnownBlock, ModalView } from '@slack/types';
import { ACTION_ID, CALLBACK_ID, managerBlockId, PROGRAM_BLOCK_ID } from './ids.js';
import { mention } from './mrkdwn.js';
import { context, pt, section } from './parts.js';

/** The editors of a pool, the calendar, the roles and the managers (issue 53); the policy's is policyEditor.ts. */

const editor = (part: string, key: string, title: string, blocks: KnownBlock[]): ModalView => ({
  type: 'modal',
  callback_id: CALLBACK_ID.programPart,
  private_metadata: JSON.stringify({ part, key }),
  title: pt(title),
  submit: pt('Save'),
  close: pt('Back'),
  blocks,
});

const textInput = (
  block: string,
  label: string,
  opts: { initial?: string; hint?: string; optional?: boolean; multiline?: boolean; max?: number } = {},
): KnownBlock => ({
  type: 'input',
  block_id: block,
  label: pt(label),
  optional: opts.optional ?? false,
  ...(opts.hint ? { hint: pt(opts.hint) } : {}),
  element: {
    type: 'plain_text_input',
    action_id: ACTION_ID.value,
    ...(opts.multiline ? { multiline: true } : {}),
    ...(opts.max ? { max_length: opts.max } : {}),
    ...(opts.initial ? { initial_value: opts.initial } : {}),
  },
});

const usersInput = (
  block: string,
  label: string,
  users: readonly string[],
  optional: boolean,
  hint?: string,
) =>
  ({
    type: 'input',
    block_id: block,
    label: pt(label),
    optional,
    ...(hint ? { hint: pt(hint) } : {}),
    element: {
      type: 'multi_users_select',
      action_id: ACTION_ID.value,
      placeholder: pt('Choose people'),
      ...(users.length > 0 ? { initial_users: [...users] } : {}),
    },
  }) as KnownBlock;

export interface PoolEditorModel {
  id?: string;
  name: string;
  /** Listed members; undefined: the pool is a Slack user group (its members are the group's). */
  members: readonly string[] | undefined;
  usergroup?: string;
  cap?: number;
  defaultCap: number;
  managers: readonly string[];
  /** An admin may change the managers and remove the pool; a pool's manager edits members, cap and name. */
  admin: boolean;
}

export function poolEditorModal(m: PoolEditorModel): ModalView {
  const blocks: KnownBlock[] = [];
  if (!m.id)
    blocks.push(
      textInput(PROGRAM_BLOCK_ID.id, 'Id', {
        hint: 'Lowercase letters, digits, - and _ (like emea-backup).',
        max: 40,
      }),
    );
  blocks.push(
    textInput(PROGRAM_BLOCK_ID.name, 'Name people read', { initial: m.name, optional: true, max: 60 }),
  );
  if (m.members) blocks.push(usersInput(PROGRAM_BLOCK_ID.members, 'Members', m.members, false));
  else
    blocks.push(
      section(`Members: the Slack user group *${m.usergroup ?? ''}*. Change who is in the group in Slack.`),
    );
  blocks.push({
    type: 'input',
    block_id: PROGRAM_BLOCK_ID.cap,
    label: pt('Most open handoffs per member'),
    optional: true,
    hint: pt(`A member holding this many is skipped by the round robin. Empty: ${m.defaultCap}.`),
    element: {
      type: 'number_input',
      action_id: ACTION_ID.value,
      is_decimal_allowed: false,
      min_value: '1',
      max_value: '1000',
      ...(m.cap !== undefined ? { initial_value: String(m.cap) } : {}),
    },
  });
  if (m.admin) {
    blocks.push(
      usersInput(
        PROGRAM_BLOCK_ID.managers,
        'Pool managers',
        m.managers,
        true,
        'They edit this pool and are told when a member pauses.',
      ),
    );
    if (m.id)
      blocks.push({
        type: 'input',
        block_id: PROGRAM_BLOCK_ID.remove,
        label: pt('Also'),
        optional: true,
        element: {
          type: 'checkboxes',
          action_id: ACTION_ID.value,
          options: [{ text: pt('Remove this pool'), value: 'remove' }],
        },
      });
  } else if (m.managers.length > 0) {
    blocks.push(context(`Managed by ${m.managers.map(mention).join(', ')}.`));
  }
  return editor('pool', m.id ?? '', m.id ? 'Edit pool' : 'New pool', blocks);
}

export interface CalendarEditorModel {
  closures: readonly string[];
  holidays: 'by_zone' | 'none' | readonly string[];
}

export function calendarEditorModal(m: CalendarEditorModel): ModalView {
  const choice = typeof m.holidays === 'string' ? m.holidays : 'regions';
  const options = [
    { text: pt("Each person's country, from their Slack time zone"), value: 'by_zone' },
    { text: pt('These regions, for everyone'), value: 'regions' },
    { text: pt('No public holidays'), value: 'none' },
  ];
  return editor('calendar', '-', 'Closures and holidays', [
    textInput(PROGRAM_BLOCK_ID.closures, 'Company closure days', {
      initial: m.closures.join('\n'),
      optional: true,
      multiline: true,
      hint: 'One date per line, like 2026-12-24. Skipped like weekends, for everyone.',
    }),
    {
      type: 'input',
      block_id: PROGRAM_BLOCK_ID.holidays,
      label: pt('Whose public holidays are skipped'),
      element: {
        type: 'radio_buttons',
        action_id: ACTION_ID.value,
        options,
        initial_option: options.find((o) => o.value === choice) ?? options[0],
      },
    } as KnownBlock,
    textInput(PROGRAM_BLOCK_ID.regions, 'Regions', {
      initial: typeof m.holidays === 'string' ? '' : m.holidays.join(', '),
      optional: true,
      hint: 'With "These regions": like US, DE-BY, GB-SCT. A person may set their own in their App Home.',
    }),
  ]);
}

export interface RolesEditorModel {
  admins: readonly string[];
  revops: readonly string[];
  adminGroup?: string;
  revopsGroup?: string;
}

export function rolesEditorModal(m: RolesEditorModel): ModalView {
  return editor('roles', '-', 'Roles', [
    usersInput(
      PROGRAM_BLOCK_ID.admins,
      'Admins',
      m.admins,
      false,
      'They edit the whole program, and may reassign, extend or withdraw any handoff.',
    ),
    ...(m.adminGroup ? [context(`And every member of the user group *${m.adminGroup}*.`)] : []),
    usersInput(
      PROGRAM_BLOCK_ID.revops,
      'RevOps',
      m.revops,
      true,
      'They see the metrics and the export, correct classifications, and edit the policies.',
    ),
    ...(m.revopsGroup ? [context(`And every member of the user group *${m.revopsGroup}*.`)] : []),
  ]);
}

/**
 * The managers: the pairs as they are, one to add or change (a select cannot be emptied in Slack, so a pair is
 * removed by naming its AE in "Remove the manager of").
 */
export function managersEditorModal(managers: Readonly<Record<string, string>>): ModalView {
  const pairs = Object.entries(managers);
  const list =
    pairs.length === 0
      ? 'No manager is named yet.'
      : pairs.map(([ae, manager]) => `${mention(ae)}: ${mention(manager)}`).join('\n');
  const user = (block: string, label: string): KnownBlock => ({
    type: 'input',
    block_id: block,
    label: pt(label),
    optional: true,
    element: { type: 'users_select', action_id: ACTION_ID.value },
  });
  return editor('managers', '-', 'Managers', [
    context('Told when their AE lets a handoff expire, and where a policy says "the AE\'s manager".'),
    section(list.slice(0, 2900)),
    user(managerBlockId(0, 'ae'), 'AE'),
    user(managerBlockId(0, 'manager'), 'Their manager'),
    usersInput(PROGRAM_BLOCK_ID.managers, 'Remove the manager of', [], true),
  ]);
}
