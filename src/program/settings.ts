import { z } from 'zod';
import { minutesOf } from '../domain/businessDays.js';
import { SETTING_KEYS, SETTINGS, type SettingKey, type SettingRow } from '../domain/settingRows.js';

export {
  isSettingsGroup,
  SETTING_KEYS,
  SETTINGS,
  SETTINGS_GROUPS,
  type SettingInput,
  type SettingKey,
  type SettingRow,
  type SettingsGroup,
  settingsOfGroup,
} from '../domain/settingRows.js';

/**
 * The program's settings: what a company decides about its program, one row each, edited in Slack (the program's
 * Settings page, one editor per group) and read by the app through one typed accessor, `program.settings.get(key)`
 * (`Settings` below), at each use, so an edit applies at once on every replica. A setting's environment variable is
 * read once, at the first start that finds the program without settings (program/importOnce.ts). Adding one is a row
 * in domain/settingRows.ts and its reader.
 */

export type SettingsValues = Record<SettingKey, unknown>;

type Rows = typeof SETTINGS;

/** A setting as the app reads it: its row's `read` of the stored value, or the value; undefined where unset. */
export type SettingValue<K extends SettingKey> =
  | (Rows[K] extends { read: (value: never) => infer R } ? R : z.output<Rows[K]['schema']>)
  | (undefined extends Rows[K]['fallback'] ? undefined : never);

/** One installation's settings in force, each read when used. */
export interface Settings {
  get<K extends SettingKey>(key: K): SettingValue<K>;
}

/** The settings over values read at each call (the program's as they are now); a row's `read` runs once per value. */
export function settingsOver(values: () => SettingsValues): Settings {
  const memo = new Map<SettingKey, { from: unknown; to: unknown }>();
  return {
    get<K extends SettingKey>(key: K): SettingValue<K> {
      const value = values()[key];
      const row: SettingRow = SETTINGS[key];
      if (!row.read || value === undefined) return value as SettingValue<K>;
      let seen = memo.get(key);
      if (!seen || seen.from !== value) {
        seen = { from: value, to: (row.read as (v: unknown) => unknown)(value) };
        memo.set(key, seen);
      }
      return seen.to as SettingValue<K>;
    },
  };
}

/** The settings the environment may still give, read once: their variables. */
export const SETTINGS_ENV = [
  ...new Set(SETTING_KEYS.flatMap((key) => (SETTINGS[key] as SettingRow).env ?? [])),
];

/** The rules between settings, on their values in force (defaults included). */
export function crossProblems(v: SettingsValues): { key: SettingKey; message: string }[] {
  const problems: { key: SettingKey; message: string }[] = [];
  if (Number(v.scoreReady) <= Number(v.scoreFix))
    problems.push({ key: 'scoreReady', message: 'must be above "Fix below"' });
  if (String(v.businessDayEnd) <= String(v.businessDayStart))
    problems.push({ key: 'businessDayEnd', message: 'must be after the start' });
  return problems;
}

/** The stored part: the settings the program sets (a setting left out has its default). */
export const settingsSchema = z
  .strictObject(
    Object.fromEntries(
      SETTING_KEYS.map((key) => [key, (SETTINGS[key].schema as z.ZodType).optional()]),
    ) as Record<SettingKey, z.ZodOptional<z.ZodType>>,
  )
  .superRefine((stored, ctx) => {
    for (const { key, message } of crossProblems(settingsValues(stored)))
      ctx.addIssue({ code: 'custom', path: [key], message });
  });

/** Every setting's value in force: the stored ones, and the others' defaults. */
export function settingsValues(stored: Readonly<Record<string, unknown>> | undefined): SettingsValues {
  return Object.fromEntries(
    SETTING_KEYS.map((key) => [key, stored?.[key] !== undefined ? stored[key] : SETTINGS[key].fallback]),
  ) as SettingsValues;
}

/** A setting from its environment variable's text, as it would be stored (not checked: the schema does that). */
function fromEnvText(row: SettingRow, raw: string): unknown {
  const text = row.envPart === undefined ? raw.trim() : (raw.split(',')[row.envPart] ?? '').trim();
  if (row.input.kind === 'number') return text === '' ? Number.NaN : Number(text);
  if (row.input.kind === 'yesno')
    return text.toLowerCase() === 'true' ? true : text.toLowerCase() === 'false' ? false : text;
  return text;
}

/**
 * The settings the environment sets (its set values, trimmed), as they would be stored: only what is set, so a
 * default stays a default. The environment is checked first by configEnv.ts (its problems stop the start), so a
 * value that does not read here is left out.
 */
export function settingsFromEnv(set: Readonly<Record<string, string>>): Partial<SettingsValues> {
  const values: Partial<SettingsValues> = {};
  for (const key of SETTING_KEYS) {
    const row: SettingRow = SETTINGS[key];
    const raw = row.env === undefined ? undefined : set[row.env];
    if (raw === undefined) continue;
    const parsed = row.schema.safeParse(fromEnvText(row, raw));
    if (parsed.success) values[key] = parsed.data;
  }
  return values;
}

/** The business day's length in hours ("1d" in a policy), from the settings' hours. */
export function dayHoursOf(values: Pick<SettingsValues, 'businessDayStart' | 'businessDayEnd'>): number {
  return (minutesOf(String(values.businessDayEnd)) - minutesOf(String(values.businessDayStart))) / 60;
}

/** The day's length the environment's settings give (the defaults where unset): before the program is read. */
export const envDayHours = (fromEnv: Readonly<Partial<SettingsValues>>): number =>
  dayHoursOf(settingsValues(fromEnv));

/** The day's length the stored settings give, or `fallback` when they set no hours (the start's setting then). */
export function storedDayHours(stored: unknown, fallback: number): number {
  const set = (stored ?? {}) as Record<string, unknown>;
  return set.businessDayStart !== undefined || set.businessDayEnd !== undefined
    ? dayHoursOf(settingsValues(set))
    : fallback;
}
