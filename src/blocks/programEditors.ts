import type { KnownBlock, ModalView } from '@slack/types';
import { PARTNER_NOTIFY, type PartnerNotify } from '../domain/partnerPart.js';
import { ACTION_ID, CALLBACK_ID, managerBlockId, PROGRAM_BLOCK_ID } from './ids.js';
import { escapeMrkdwn, mention, usergroupMention } from './mrkdwn.js';
import { context, pt, section } from './parts.js';
import { type PoolSharing, poolSharingInputs } from './poolWeights.js';

/** The editors of a pool, the calendar, the roles and the managers; the policy's is policyEditor.ts. */

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

/** A Slack user group, as usergroups.list names it. */
export interface UsergroupChoice {
  id: string;
  name: string;
  handle: string;
}

/** The "No user group" choice of a role's group select. */
export const NO_USERGROUP = 'none';

/**
 * A role's "Or everyone in a user group" select (admins, RevOps, a pool's or a partner's managers): the workspace's
 * groups (`usergroups`: undefined when Slack could not list them, the role's own kept as a choice), or none.
 */
function groupSelect(
  block: string,
  current: string | undefined,
  usergroups: readonly UsergroupChoice[] | undefined,
  hint?: string,
): KnownBlock {
  const none = { text: pt('No user group'), value: NO_USERGROUP };
  const groups = usergroups ?? (current ? [{ id: current, name: current, handle: '' }] : []);
  const options = [
    none,
    ...groups.slice(0, 99).map((g) => ({
      text: pt(`${g.name}${g.handle ? ` (@${g.handle})` : ''}`.slice(0, 75)),
      value: g.id,
    })),
  ];
  // A group in force that Slack no longer lists (disabled, or past the first 99) stays a choice.
  if (current && !options.some((o) => o.value === current))
    options.splice(1, 0, { text: pt(current), value: current });
  return {
    type: 'input',
    block_id: block,
    label: pt('Or everyone in a user group'),
    optional: true,
    ...(hint ? { hint: pt(hint) } : {}),
    element: {
      type: 'static_select',
      action_id: ACTION_ID.value,
      options: options.slice(0, 100),
      initial_option: options.find((o) => o.value === (current ?? NO_USERGROUP)) ?? none,
    },
  } as KnownBlock;
}

/** Said under an editor when Slack could not list the workspace's user groups. */
const noGroupsRead = (usergroups: readonly UsergroupChoice[] | undefined): KnownBlock[] =>
  usergroups
    ? []
    : [
        context(
          'I could not read the workspace’s user groups from Slack just now: close this and try again.',
        ),
      ];

export interface PoolEditorModel {
  id?: string;
  name: string;
  /** Listed members; undefined: the pool is a Slack user group (its members are the group's). */
  members: readonly string[] | undefined;
  usergroup?: string;
  cap?: number;
  defaultCap: number;
  managers: readonly string[];
  /** Everyone in this user group manages the pool too. */
  managersGroup?: string;
  /** The workspace's user groups, for an admin's editor (absent: Slack could not list them, or not an admin's). */
  usergroups?: readonly UsergroupChoice[];
  /** Members' weights (unset: 1), and how the pool shares its handoffs. */
  weights?: Readonly<Record<string, number>>;
  sharing?: PoolSharing;
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
  blocks.push(
    ...poolSharingInputs({
      ...(m.weights ? { weights: m.weights } : {}),
      sharing: m.sharing ?? 'plain',
    }),
  );
  if (m.admin) {
    blocks.push(
      usersInput(
        PROGRAM_BLOCK_ID.managers,
        'Pool managers',
        m.managers,
        true,
        'They edit this pool and are told when a member pauses.',
      ),
      groupSelect(PROGRAM_BLOCK_ID.managersGroup, m.managersGroup, m.usergroups),
      ...noGroupsRead(m.usergroups),
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
  } else if (m.managers.length > 0 || m.managersGroup) {
    const by = [...m.managers.map(mention), ...(m.managersGroup ? [usergroupMention(m.managersGroup)] : [])];
    blocks.push(context(`Managed by ${by.join(', ')}.`));
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
  /** The workspace's user groups (usergroups.list); absent: Slack could not list them (the current ones stay). */
  usergroups?: readonly UsergroupChoice[];
}

export function rolesEditorModal(m: RolesEditorModel): ModalView {
  return editor('roles', '-', 'Roles', [
    usersInput(
      PROGRAM_BLOCK_ID.admins,
      'Admins',
      m.admins,
      // Optional: the admins may be a user group alone (the save says when nobody is left).
      true,
      'They edit the whole program, and may reassign, extend or withdraw any handoff.',
    ),
    groupSelect(PROGRAM_BLOCK_ID.adminGroup, m.adminGroup, m.usergroups),
    usersInput(
      PROGRAM_BLOCK_ID.revops,
      'RevOps',
      m.revops,
      true,
      'They see the metrics and the export, correct classifications, and edit the policies.',
    ),
    groupSelect(PROGRAM_BLOCK_ID.revopsGroup, m.revopsGroup, m.usergroups),
    ...noGroupsRead(m.usergroups),
  ]);
}

export interface PartnerEditorModel {
  id: number;
  name: string;
  managers: readonly string[];
  /** Everyone in this user group is a partner manager too. */
  usergroup?: string;
  /** The workspace's user groups, for an admin's or RevOps' editor (absent: Slack could not list them). */
  usergroups?: readonly UsergroupChoice[];
  notify: PartnerNotify;
  /** The contacts at the partner, a line each ("Lee Park, VP Alliances"). */
  contacts: readonly string[];
  /** Admins and RevOps name the partner managers; a partner's own manager chooses what they hear. */
  mayManagers: boolean;
}

/** A partner's editor (the Partners page): its partner managers, and what they hear in their DMs. */
export function partnerEditorModal(m: PartnerEditorModel): ModalView {
  const options = PARTNER_NOTIFY.map((value) => ({
    text: pt(
      value === 'all' ? 'Decisions and outcomes' : value === 'decisions' ? 'Decisions only' : 'Nothing (off)',
    ),
    value,
  }));
  const named = [...m.managers.map(mention), ...(m.usergroup ? [usergroupMention(m.usergroup)] : [])];
  return editor('partner', String(m.id), 'Partner', [
    section(`*${escapeMrkdwn(m.name)}*`.slice(0, 3000)),
    ...(m.mayManagers
      ? [
          usersInput(
            PROGRAM_BLOCK_ID.managers,
            'Partner managers',
            m.managers,
            true,
            'People of our own company, told of its handoffs in their DMs. Never shown to the partner.',
          ),
          groupSelect(PROGRAM_BLOCK_ID.managersGroup, m.usergroup, m.usergroups),
          ...noGroupsRead(m.usergroups),
        ]
      : [
          context(
            `Partner managers: ${named.join(', ') || 'none'}. Admins and RevOps name them.`.slice(0, 3000),
          ),
        ]),
    {
      type: 'input',
      block_id: PROGRAM_BLOCK_ID.notify,
      label: pt('What they hear'),
      element: {
        type: 'radio_buttons',
        action_id: ACTION_ID.value,
        options,
        initial_option: options.find((o) => o.value === m.notify) ?? options[0],
      },
    } as KnownBlock,
    textInput(PROGRAM_BLOCK_ID.contacts, 'Contacts at the partner', {
      optional: true,
      multiline: true,
      max: 2000,
      ...(m.contacts.length > 0 ? { initial: m.contacts.join('\n') } : {}),
      hint: 'One a line: their name, then their role after a comma ("Lee Park, VP Alliances"). Kept by its managers.',
    }),
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
