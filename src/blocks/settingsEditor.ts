import type { KnownBlock, ModalView } from '@slack/types';
import {
  SETTINGS,
  SETTINGS_GROUPS,
  type SettingInput,
  type SettingKey,
  type SettingRow,
  type SettingsGroup,
  settingsOfGroup,
} from '../domain/settingRows.js';
import { ACTION_ID, CALLBACK_ID, settingBlockId } from './ids.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { context, pt } from './parts.js';

/**
 * The program's settings in Slack: the Settings page's lines, one group at a time with an Edit button for
 * those who may edit it, and each group's editor, built from the settings table (domain/settingRows.ts).
 */

/** One group as its page shows it: each setting's value in force in words, and whether it is its default. */
export interface SettingsGroupModel {
  group: SettingsGroup;
  values: Readonly<Partial<Record<SettingKey, unknown>>>;
  /** The settings the program sets (the others have their default). */
  stored: readonly SettingKey[];
  mayEdit: boolean;
}

const ON_OFF = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
] as const;

/** A value in the words of its input: "5 business days", "<#C012>", "Yes", "approved by the owner". */
export function settingWords(key: SettingKey, value: unknown): string {
  const row: SettingRow = SETTINGS[key];
  const input = row.input;
  const words = row.words as ((v: unknown) => string) | undefined;
  // Unset: "none", or the row's own words for its default (the reporting currency: "the CRM's corporate currency").
  if (value === undefined || value === null || value === '')
    return words && row.fallback === undefined ? escapeMrkdwn(words(undefined)) : 'none';
  if (words) return escapeMrkdwn(words(value));
  switch (input.kind) {
    case 'number':
      return `${String(value)} ${input.unit}`;
    case 'channel':
      return `<#${String(value)}>`;
    case 'yesno':
      return value ? 'Yes' : 'No';
    case 'choice':
      return input.options.find((o) => o.value === value)?.label ?? String(value);
    default:
      return escapeMrkdwn(String(value));
  }
}

/**
 * The Settings page: each group's settings and their values, with Edit where the reader may. A value the program
 * sets is in bold; the others are the defaults (said once, at the top, not on every line).
 */
export function settingsPageBlocks(groups: readonly SettingsGroupModel[]): KnownBlock[] {
  return [
    context('Values in *bold* are this program’s own; the others are the defaults.'),
    ...groups.map(groupBlock),
  ];
}

/** A group: each setting's value in force, with Edit for those who may edit it. */
function groupBlock(g: SettingsGroupModel): KnownBlock {
  const lines = settingsOfGroup(g.group).map((key) => {
    const words = settingWords(key, g.values[key]);
    return `${SETTINGS[key].label}: ${g.stored.includes(key) ? `*${words}*` : words}`;
  });
  const title = SETTINGS_GROUPS[g.group].title;
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: `*${title}*\n${lines.join('\n')}`.slice(0, 3000) },
    ...(g.mayEdit
      ? {
          accessory: {
            type: 'button',
            text: pt('Edit'),
            action_id: ACTION_ID.programEdit,
            value: `settings:${g.group}`,
            accessibility_label: `Edit ${title}`.slice(0, 75),
          },
        }
      : {}),
  } as KnownBlock;
}

function element(key: SettingKey, value: unknown): Record<string, unknown> {
  const input: SettingInput = SETTINGS[key].input;
  const base = { action_id: ACTION_ID.value };
  const set = value !== undefined && value !== null && value !== '';
  switch (input.kind) {
    case 'number':
      return {
        ...base,
        type: 'number_input',
        is_decimal_allowed: false,
        min_value: String(input.min),
        max_value: String(input.max),
        ...(set ? { initial_value: String(value) } : {}),
      };
    case 'channel':
      // A multi-select of one: a channel chosen can be taken out again (a single select cannot be emptied).
      return {
        ...base,
        type: 'multi_conversations_select',
        max_selected_items: 1,
        placeholder: pt('No channel'),
        filter: {
          include: ['public', 'private'],
          exclude_external_shared_channels: true,
          exclude_bot_users: true,
        },
        ...(set ? { initial_conversations: [String(value)] } : {}),
      };
    case 'yesno':
    case 'choice': {
      const options = (input.kind === 'yesno' ? ON_OFF : input.options).map((o) => ({
        text: pt(o.label),
        value: o.value,
      }));
      const initial = options.find((o) => o.value === String(value));
      return { ...base, type: 'radio_buttons', options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'time':
      return { ...base, type: 'timepicker', ...(set ? { initial_time: String(value) } : {}) };
    default:
      return {
        ...base,
        type: 'plain_text_input',
        max_length: input.max,
        ...(set ? { initial_value: String(value) } : {}),
      };
  }
}

/** A group's editor: one input per setting, each filled with its value in force; empty gives it its default. */
export function settingsEditorModal(
  group: SettingsGroup,
  values: Readonly<Partial<Record<SettingKey, unknown>>>,
): ModalView {
  const blocks = settingsOfGroup(group).map((key): KnownBlock => {
    const row = SETTINGS[key];
    const fallback = settingWords(key, row.fallback);
    return {
      type: 'input',
      block_id: settingBlockId(key),
      label: pt(row.label),
      // Empty is "the default": a radio choice always has one.
      optional: row.input.kind !== 'yesno' && row.input.kind !== 'choice',
      hint: pt(`${row.hint} Default: ${fallback.replace(/<#([A-Z0-9]+)>/, '$1')}.`.slice(0, 2000)),
      element: element(key, values[key]),
      // The element is built from its setting's row (the fake Slack checks each kind as Slack does).
    } as unknown as KnownBlock;
  });
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.programPart,
    private_metadata: JSON.stringify({ part: 'settings', key: group }),
    title: pt(SETTINGS_GROUPS[group].short),
    submit: pt('Save'),
    close: pt('Back'),
    blocks,
  };
}
