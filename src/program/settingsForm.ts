import { settingBlockId } from '../blocks/ids.js';
import { SINGLE } from './kinds.js';
import type { ProgramEdit } from './program.js';
import {
  crossProblems,
  SETTINGS,
  type SettingKey,
  type SettingRow,
  type SettingsGroup,
  settingsOfGroup,
  settingsValues,
} from './settings.js';
import type { ProgramState } from './state.js';

/** A group's editor as read: each of its settings' value, undefined where the input was left empty (its default). */
export interface SettingsForm {
  group: SettingsGroup;
  values: Partial<Record<SettingKey, unknown>>;
}

const said = (message: string) =>
  `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;

/** What the program stores now: the settings it sets. */
const storedOf = (state: ProgramState): Record<string, unknown> => {
  const row = state.rows.find((r) => r.kind === 'settings' && r.body !== null);
  return { ...((row?.body as Record<string, unknown> | undefined) ?? {}) };
};

/** The settings the program sets (the others have their default). */
export const storedKeys = (state: ProgramState) => Object.keys(storedOf(state)) as SettingKey[];

/**
 * The edit of a group: an emptied setting goes back to its default; a value equal to the default of a setting the
 * program did not set stays unset (a later default applies to it); the other groups' settings are kept.
 */
export function settingsEdits(state: ProgramState, form: SettingsForm, actor: string): ProgramEdit[] {
  const stored = storedOf(state);
  for (const key of settingsOfGroup(form.group)) {
    const value = form.values[key];
    if (value === undefined) delete stored[key];
    else if (stored[key] === undefined && value === SETTINGS[key].fallback) continue;
    else stored[key] = value;
  }
  return [{ actor, kind: 'settings', key: SINGLE, body: stored }];
}

/**
 * A group's problems in its editor's words, all at once (the program checks the edit again): each value by its row,
 * then the rules between settings on the values the edit would put in force.
 */
export function settingsChecks(state: ProgramState, form: SettingsForm): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of settingsOfGroup(form.group)) {
    const value = form.values[key];
    if (value === undefined) continue;
    const row: SettingRow = SETTINGS[key];
    const parsed = row.schema.safeParse(value);
    if (!parsed.success)
      errors[settingBlockId(key)] = said(parsed.error.issues[0]?.message ?? 'is not valid');
  }
  const body = settingsEdits(state, form, '')[0]?.body as Record<string, unknown>;
  for (const { key, message } of crossProblems(settingsValues(body)))
    if (settingsOfGroup(form.group).includes(key)) errors[settingBlockId(key)] ??= said(message);
  return errors;
}

/** The program's problems of a settings edit (`key: message`), on the inputs of its group's editor. */
export function settingsProblems(problems: readonly string[], form: SettingsForm): Record<string, string> {
  const keys = settingsOfGroup(form.group) as string[];
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    const m = /^([^:]+):\s*(.*)$/.exec(problem);
    const key = m?.[1]?.split('.')[0] ?? '';
    const at = keys.includes(key) ? key : (keys[0] ?? '');
    errors[settingBlockId(at)] ??= said(keys.includes(key) ? (m?.[2] ?? problem) : problem);
  }
  return errors;
}
