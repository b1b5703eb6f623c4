import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  appendProgramEntry,
  currentProgram,
  lockProgram,
  repinOpenHandoffs,
} from '../db/repositories/program.js';
import { OPEN_STATUSES } from '../domain/lifecycleState.js';
import { parsePolicyFile } from '../domain/policyFile.js';
import { readPolicyText } from '../escalation/policies.js';
import type { Logger } from '../logger.js';
import { type ProgramKindName, SINGLE } from './kinds.js';
import { envDayHours, SETTINGS, type SettingKey, type SettingRow } from './settings.js';

/** One part the settings give, and the setting that gives it. */
interface Imported {
  kind: ProgramKindName;
  key: string;
  body: unknown;
  setting: string;
}

/** The policy file's pools, policies, routes and limits, as the file says them. */
function bookParts(config: Config): Imported[] {
  const parts: Imported[] = [];
  const file = config.escalationPolicies.file;
  if (file) {
    // Checked as at every start before (a problem stops the start); kept in the file's own words (its ids, names
    // and levels as written).
    const text = readPolicyText(file);
    parsePolicyFile(file, text, envDayHours(config.programSettings));
    const json = JSON.parse(text) as Record<string, unknown>;
    const setting = 'ESCALATION_POLICY_FILE';
    for (const [key, body] of Object.entries((json.pools ?? {}) as Record<string, unknown>))
      parts.push({ kind: 'pool', key, body, setting });
    for (const [key, body] of Object.entries((json.policies ?? {}) as Record<string, unknown>))
      parts.push({ kind: 'policy', key, body, setting });
    if (Array.isArray(json.routes) && json.routes.length > 0)
      parts.push({ kind: 'routes', key: SINGLE, body: json.routes, setting });
    if (json.limits !== undefined) parts.push({ kind: 'limits', key: SINGLE, body: json.limits, setting });
  }
  return parts;
}

/**
 * What the settings of earlier versions hold that is now the program's: the policy file's pools,
 * policies, routes and limits, ESCALATION_MANAGERS, CLOSURE_DATES, HOLIDAY_REGIONS (everyone's and each person's),
 * ADMIN_USER_IDS and REVOPS_USER_IDS, and the settings of program/settings.ts (REMINDERS, STALL_BUSINESS_DAYS, …). The file is checked as at every start before (a problem stops the start).
 */
export function settingsParts(config: Config): Imported[] {
  const parts: Imported[] = bookParts(config);
  const { managers } = config.seed;
  if (Object.keys(managers).length > 0)
    parts.push({ kind: 'managers', key: SINGLE, body: { ...managers }, setting: 'ESCALATION_MANAGERS' });
  const { closureDates, holidayRegions, holidayRegionsByPerson } = config.calendar;
  if (closureDates.length > 0)
    parts.push({ kind: 'closures', key: SINGLE, body: [...closureDates], setting: 'CLOSURE_DATES' });
  if (holidayRegions !== 'by_zone')
    parts.push({
      kind: 'holidays',
      key: SINGLE,
      body: { everyone: holidayRegions === 'none' ? 'none' : [...holidayRegions] },
      setting: 'HOLIDAY_REGIONS',
    });
  for (const [person, regions] of Object.entries(holidayRegionsByPerson))
    parts.push({
      kind: 'person',
      key: person,
      body: { regions: regions.length === 0 ? 'none' : [...regions] },
      setting: 'HOLIDAY_REGIONS',
    });
  if (config.seed.adminUserIds.length > 0 || config.seed.revopsUserIds.length > 0)
    parts.push({
      kind: 'roles',
      key: SINGLE,
      body: {
        admin: { users: [...config.seed.adminUserIds] },
        revops: { users: [...config.seed.revopsUserIds] },
      },
      setting: 'ADMIN_USER_IDS, REVOPS_USER_IDS',
    });
  const settings = Object.keys(config.programSettings) as SettingKey[];
  if (settings.length > 0)
    parts.push({
      kind: 'settings',
      key: SINGLE,
      body: { ...config.programSettings },
      setting: [...new Set(settings.map((key) => (SETTINGS[key] as SettingRow).env ?? key))].join(', '),
    });
  return parts;
}

const BOOK_KINDS: readonly string[] = ['pool', 'policy', 'routes', 'limits'];

/** Whether the program holds a part a setting gives: the book's parts come together (any of them holds the book). */
export function programHolds(
  held: readonly { kind: string; key: string }[],
  kind: ProgramKindName,
  key: string,
): boolean {
  return BOOK_KINDS.includes(kind)
    ? held.some((r) => BOOK_KINDS.includes(r.kind))
    : held.some((r) => r.kind === kind && r.key === key);
}

/** JSON text with its objects' keys sorted: jsonb gives them back in its own order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/**
 * Whether every part `setting` gives is held by the program as a start read it in: its newest entry is that import,
 * with the same body. Then the setting says what the program holds (a fresh install's ADMIN_USER_IDS, as the README
 * has it set): not read again, and nothing to warn of. Otherwise the program was edited since, and the setting says
 * what is no longer so.
 */
export function asImported(
  setting: string,
  parts: readonly Imported[],
  held: readonly { kind: string; key: string; actor: string; note: string | null; body: unknown }[],
): boolean {
  return parts
    .filter((p) => p.setting === setting)
    .every((p) => {
      const row = held.find((r) => r.kind === p.kind && r.key === p.key);
      return (
        row !== undefined &&
        row.actor === 'import' &&
        row.note === `imported from ${setting}` &&
        canonical(row.body) === canonical(p.body)
      );
    });
}

/**
 * Imports, once, each part the program does not hold yet from the settings that gave it before (a part of the
 * program is never overwritten by a setting: once it is data, Slack is where it is edited). Open handoffs of an
 * imported policy are pinned to its imported version. Returns what it imported, and the settings it no longer reads
 * that say something else than the program now holds (one that still says what was read in is no news: asImported).
 */
export async function importSettingsOnce(deps: {
  db: Db;
  config: Config;
  logger: Logger;
  now: Date;
}): Promise<{ imported: string[]; ignored: string[] }> {
  const parts = settingsParts(deps.config);
  if (parts.length === 0) return { imported: [], ignored: [] };
  const result = await deps.db.transaction(async (tx) => {
    // Replicas starting at once take turns: the second finds what the first imported.
    await lockProgram(tx);
    const held = await currentProgram(tx);
    const holds = (kind: ProgramKindName, key: string) => programHolds(held, kind, key);
    const imported = new Set<string>();
    const ignored = new Set<string>();
    for (const part of parts) {
      if (holds(part.kind, part.key)) {
        ignored.add(part.setting);
        continue;
      }
      const version = await appendProgramEntry(tx, {
        kind: part.kind,
        key: part.key,
        body: part.body,
        actor: 'import',
        note: `imported from ${part.setting}`,
        at: deps.now,
      });
      imported.add(part.setting);
      if (part.kind === 'policy') await repinOpenHandoffs(tx, part.key, version, OPEN_STATUSES);
    }
    return {
      imported: [...imported],
      ignored: [...ignored].filter((s) => !imported.has(s) && !asImported(s, parts, held)),
    };
  });
  if (result.imported.length > 0)
    deps.logger.info(
      { settings: result.imported },
      'imported these settings into the program, once: edit them in Slack now (App Home → Admin); they are no longer read',
    );
  if (result.ignored.length > 0)
    deps.logger.warn(
      { settings: result.ignored },
      'these settings are set but the program already holds what they say: they are not read; remove them (npm run config -- export shows the program)',
    );
  return result;
}

/**
 * What an installation's program starts from. A token deployment, and the first installation of an OAuth one, read
 * the environment's old program settings once (importSettingsOnce); another company's installation reads none of
 * them (ADMIN_USER_IDS names the first company's people). The person who installed the app (the org admin, for an
 * org-wide install) is the first admin of a program that has never named any.
 */
export interface ProgramSeed {
  settings: boolean;
  installer?: string | undefined;
}

export async function seedProgram(
  deps: Parameters<typeof importSettingsOnce>[0] & { seed: ProgramSeed },
): Promise<void> {
  if (deps.seed.settings) await importSettingsOnce(deps);
  const { installer } = deps.seed;
  if (!installer) return;
  const added = await deps.db.transaction(async (tx) => {
    await lockProgram(tx);
    if ((await currentProgram(tx)).some((r) => r.kind === 'roles')) return false;
    await appendProgramEntry(tx, {
      kind: 'roles',
      key: SINGLE,
      body: { admin: { users: [installer] }, revops: { users: [] } },
      actor: 'install',
      note: 'the person who installed the app is its first admin',
      at: deps.now,
    });
    return true;
  });
  if (added)
    deps.logger.info(
      { admin: installer },
      'the person who installed the app is the first admin of its program: they name the others in the App Home',
    );
}
