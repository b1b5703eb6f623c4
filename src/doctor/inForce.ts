import type { Config } from '../config.js';
import { configValue, SETTING_KEYS, SETTINGS, type SettingKey } from '../program/settings.js';
import type { DoctorContext } from './types.js';

/**
 * What the app will use, for the checks that look at it: where the program holds a part, the program's (named in its
 * words, "Settings → Escalation channel"); where it does not yet, the setting (read into the program at the next
 * start, under the setting's name).
 */

type Node = Record<string, unknown>;

const valueAt = (config: Config, path: string): unknown =>
  path.split('.').reduce<unknown>((node, part) => (node as Node | undefined)?.[part], config);

const fromProgram = (ctx: DoctorContext) => ctx.program?.holds('settings') === true;

/** A setting's place: "Settings → Escalation channel" once the program holds its settings, else its variable. */
export function settingPlace(ctx: DoctorContext, key: SettingKey): string {
  return fromProgram(ctx) ? `Settings → ${SETTINGS[key].label}` : SETTINGS[key].env;
}

/** A place named by a setting's variable (ESCALATION_CHANNEL_ID), in the program's words where it holds it. */
export function placeOfVariable(ctx: DoctorContext, variable: string): string {
  const key = SETTING_KEYS.find((k) => SETTINGS[k].env === variable);
  return key ? settingPlace(ctx, key) : variable;
}

/** A setting as the app will read it (Config's shape), and its place. */
export function settingInForce(
  ctx: DoctorContext,
  config: Config,
  key: SettingKey,
): { value: unknown; place: string } {
  const value = fromProgram(ctx)
    ? configValue(key, ctx.program?.state.settings[key])
    : valueAt(config, SETTINGS[key].path);
  return { value, place: settingPlace(ctx, key) };
}

/** The settings with the program's at their places in Config, once the program holds them (a copy; read-only). */
export function configInForce(ctx: DoctorContext, config: Config): Config {
  if (!fromProgram(ctx)) return config;
  const copy = structuredClone(config) as unknown as Node;
  for (const key of SETTING_KEYS) {
    const parts = SETTINGS[key].path.split('.');
    const leaf = parts.pop() as string;
    const parent = parts.reduce((node, part) => node[part] as Node, copy);
    parent[leaf] = settingInForce(ctx, config, key).value;
  }
  return copy as unknown as Config;
}
