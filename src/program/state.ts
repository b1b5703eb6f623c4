import type { ProgramLogRow } from '../db/repositories/program.js';
import type { HolidayRegions, PersonHolidayRegions } from '../domain/holidays.js';
import type { PolicyBook } from '../domain/policyFile.js';
import { DEFAULT_WEIGHTS, type ScoreWeights } from '../domain/scoreWeights.js';
import { type BookJson, bookJsonOf, parseBook } from './book.js';
import {
  closuresSchema,
  holidaysSchema,
  managersSchema,
  type PartnerBody,
  type PersonBody,
  partnerSchema,
  personSchema,
  type RolesBody,
  rolesSchema,
  scoringSchema,
} from './kinds.js';
import { type SettingsValues, settingsSchema, settingsValues, storedDayHours } from './settings.js';

/** The program as one process reads it at one revision: every part, parsed. */
export interface ProgramState {
  /** The newest entry's id when it was read (0: nothing written yet). */
  readonly revision: number;
  readonly rows: readonly ProgramLogRow[];
  readonly bookJson: BookJson;
  /** The pools, policies, routes and limits (undefined: none, the default policy alone). */
  readonly book: PolicyBook | undefined;
  /** The version (entry id) in force of each policy: what a new handoff is pinned to. */
  readonly policyVersions: Readonly<Record<string, number>>;
  readonly managers: Readonly<Record<string, string>>;
  readonly closures: readonly string[];
  readonly holidays: HolidayRegions;
  readonly people: Readonly<Record<string, PersonBody>>;
  /** Each partner's managers and what they are told, by the partner's id. */
  readonly partners: Readonly<Record<string, PartnerBody>>;
  readonly roles: RolesBody;
  /** The program's settings in force (program/settings.ts), defaults included. */
  readonly settings: SettingsValues;
  /** The business day's length in hours ("2d" in a policy): the settings' hours, else the start's. */
  readonly dayHours: number;
  /** The score's weights in force: what a packet scored now is weighted by (default: every 1). */
  readonly scoreWeights: ScoreWeights;
}

const EMPTY_ROLES: RolesBody = { admin: { users: [] }, revops: { users: [] } };

type Schema<T> = {
  safeParse(v: unknown): {
    success: boolean;
    data?: T;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
};

/** A stored value read by its schema; one that does not read is warned of, with its problems, and `fallback` applies. */
function readOr<T, F>(
  what: string,
  schema: Schema<T>,
  body: unknown,
  fallback: F,
  warn: (what: string, problems: string[]) => void,
): T | F {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data as T;
  const issues = (parsed.error?.issues ?? []).map(
    (i) => `${i.path.map(String).join('.') || what}: ${i.message}`,
  );
  warn(what, ['the stored value does not read; its default applies', ...issues]);
  return fallback;
}

/**
 * Reads the current entries. A stored value that no longer reads (written by a newer version, or by hand) is left
 * out with a warning rather than stopping the app: the part keeps its default.
 */
export function programStateOf(
  revision: number,
  rows: readonly ProgramLogRow[],
  dayHours: number,
  warn: (what: string, problems: string[]) => void,
): ProgramState {
  const live = rows.filter((r) => r.body !== null && r.body !== undefined);
  const single = (kind: string) => live.find((r) => r.kind === kind)?.body;
  const read = <T>(kind: string, schema: Schema<T>, fallback: T) => {
    const body = single(kind);
    return body === undefined ? fallback : readOr(kind, schema, body, fallback, warn);
  };
  const stored = read('settings', settingsSchema, {}) as Record<string, unknown>;
  const settings = settingsValues(stored);
  const hours = storedDayHours(stored, dayHours);
  const bookJson = bookJsonOf(live);
  let book: PolicyBook | undefined;
  try {
    book = parseBook(bookJson, hours);
  } catch (error) {
    warn('book', (error as { problems?: string[] }).problems ?? [String(error)]);
  }
  const people: Record<string, PersonBody> = {};
  for (const row of live.filter((r) => r.kind === 'person')) {
    const person = readOr(`person ${row.key}`, personSchema, row.body, undefined, warn);
    if (person) people[row.key] = person;
  }
  const partners: Record<string, PartnerBody> = {};
  for (const row of live.filter((r) => r.kind === 'partner')) {
    const partner = readOr(`partner ${row.key}`, partnerSchema, row.body, undefined, warn);
    if (partner) partners[row.key] = partner;
  }
  const policyVersions = Object.fromEntries(
    live.filter((r) => r.kind === 'policy').map((r) => [r.key, r.id]),
  );
  return {
    revision,
    rows,
    bookJson,
    book,
    policyVersions,
    managers: read('managers', managersSchema, {}),
    closures: read('closures', closuresSchema, []),
    holidays: read('holidays', holidaysSchema, { everyone: 'by_zone' as const }).everyone,
    people,
    partners,
    roles: read('roles', rolesSchema, EMPTY_ROLES),
    settings,
    dayHours: hours,
    scoreWeights: read('scoring', scoringSchema, { weights: DEFAULT_WEIGHTS }).weights,
  };
}

/** The people's own holiday regions (their `regions`), as the holiday calendar takes them. */
export function personRegions(people: Readonly<Record<string, PersonBody>>): PersonHolidayRegions {
  const out: Record<string, readonly string[]> = {};
  for (const [id, p] of Object.entries(people)) {
    if (p.regions === 'none') out[id] = [];
    else if (p.regions) out[id] = p.regions;
  }
  return out;
}
