import type { ViewStateValue } from '@slack/bolt';
import { ACTION_ID, settingBlockId } from '../../blocks/ids.js';
import {
  SETTINGS,
  type SettingInput,
  type SettingKey,
  type SettingsGroup,
  settingsOfGroup,
} from '../../program/settings.js';
import type { SettingsForm } from '../../program/settingsForm.js';

type Values = Record<string, Record<string, ViewStateValue>>;

const CHANNEL = /^[CG][A-Z0-9]{2,30}$/;

/** One input's value as its element sends it (undefined: empty, or not what that element sends). */
function inputValue(input: SettingInput, state: ViewStateValue | undefined): unknown {
  if (!state) return undefined;
  switch (input.kind) {
    case 'number': {
      const text = typeof state.value === 'string' ? state.value.trim() : '';
      // Plain decimals only (not 0x10 or 1e1): anything else, and a number that is not whole, is the schema's to name.
      return text === '' ? undefined : /^-?\d{1,9}(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    }
    case 'channel': {
      const picked: unknown = state.selected_conversations;
      const first = Array.isArray(picked) ? picked[0] : undefined;
      return typeof first === 'string' && CHANNEL.test(first) ? first : undefined;
    }
    case 'yesno': {
      const v: unknown = state.selected_option?.value;
      return v === 'true' ? true : v === 'false' ? false : undefined;
    }
    case 'choice': {
      const v: unknown = state.selected_option?.value;
      return typeof v === 'string' ? v : undefined;
    }
    case 'time':
      return typeof state.selected_time === 'string' && state.selected_time ? state.selected_time : undefined;
    default:
      return typeof state.value === 'string' && state.value.trim() !== '' ? state.value.trim() : undefined;
  }
}

/** A settings group's editor as submitted (program/settingsForm.ts turns it into the program's edit). */
export function readSettingsForm(values: Values, group: SettingsGroup): SettingsForm {
  const read: SettingsForm['values'] = {};
  for (const key of settingsOfGroup(group) as SettingKey[]) {
    const value = inputValue(SETTINGS[key].input, values[settingBlockId(key)]?.[ACTION_ID.value]);
    if (value !== undefined) read[key] = value;
  }
  return { group, values: read };
}
