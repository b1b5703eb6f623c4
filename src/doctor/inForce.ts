import type { Config } from '../config.js';
import {
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingRow,
  type Settings,
  type SettingValue,
  settingsOver,
  settingsValues,
} from '../program/settings.js';
import type { DoctorContext } from './types.js';

/**
 * What the app will use, for the checks that look at it: where the program holds a part, the program's (named in its
 * words, "Settings → Escalation channel"); where it does not yet, the setting (read into the program at the next
 * start, under the setting's name).
 */

const fromProgram = (ctx: DoctorContext) => ctx.program?.holds('settings') === true;

/** A setting's place: "Settings → Escalation channel" once the program holds its settings, else its variable. */
export function settingPlace(ctx: DoctorContext, key: SettingKey): string {
  const { env } = SETTINGS[key] as SettingRow;
  return fromProgram(ctx) || env === undefined ? `Settings → ${SETTINGS[key].label}` : env;
}

/** A place named by a setting's variable (ESCALATION_CHANNEL_ID), in the program's words where it holds it. */
export function placeOfVariable(ctx: DoctorContext, variable: string): string {
  const key = SETTING_KEYS.find((k) => SETTINGS[k].env === variable);
  return key ? settingPlace(ctx, key) : variable;
}

/** The settings the app will read: the program's once it holds them, else the environment's, defaults included. */
export function settingsInForce(ctx: DoctorContext, config: Config): Settings {
  const values = settingsValues(fromProgram(ctx) ? ctx.program?.state.settings : config.programSettings);
  return settingsOver(() => values);
}

/** A setting as the app will read it, and its place. */
export function settingInForce<K extends SettingKey>(
  ctx: DoctorContext,
  config: Config,
  key: K,
): { value: SettingValue<K>; place: string } {
  return { value: settingsInForce(ctx, config).get(key), place: settingPlace(ctx, key) };
}
