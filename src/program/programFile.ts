import { jsonErrorWhere } from '../domain/jsonWhere.js';
import { PROGRAM_KINDS, type ProgramKindName, SINGLE } from './kinds.js';
import { editProblems, type ProgramEdit } from './program.js';
import type { ProgramState } from './state.js';

/**
 * The program as a file, for teams who keep it in git: `npm run config -- export` writes it, `import`
 * reads it back. Its `pools`, `policies`, `routes` and `limits` are the policy file's (ESCALATION_POLICY_FILE), as
 * stored, so a policy file is a program file; `managers`, `closures`, `holidays` and `roles` are the other parts as
 * stored, `people` holds each person's own days by user id, and `settings` the program's settings it sets. A section the program never had is left out; the
 * sections, the parts by id and the fields of each value come in one order, so that a diff in git shows what changed
 * and nothing else.
 */
export interface ProgramFile {
  pools?: Record<string, unknown>;
  policies?: Record<string, unknown>;
  routes?: unknown;
  limits?: unknown;
  managers?: unknown;
  closures?: unknown;
  holidays?: unknown;
  roles?: unknown;
  people?: Record<string, unknown>;
  /** Each partner's managers and what they are told, by the partner directory's id. */
  partners?: Record<string, unknown>;
  /** The program's settings it sets (program/settings.ts); the others keep their defaults. */
  settings?: unknown;
  /** The score's weights, when RevOps set them: `{ "weights": { "proof": 2, … } }`. */
  scoring?: unknown;
}

export type Section = keyof ProgramFile;

/** Each section of the file, in the file's order, and the part of the program it holds. */
export const SECTIONS: readonly { section: Section; kind: ProgramKindName }[] = [
  { section: 'pools', kind: 'pool' },
  { section: 'policies', kind: 'policy' },
  { section: 'routes', kind: 'routes' },
  { section: 'limits', kind: 'limits' },
  { section: 'managers', kind: 'managers' },
  { section: 'closures', kind: 'closures' },
  { section: 'holidays', kind: 'holidays' },
  { section: 'roles', kind: 'roles' },
  { section: 'people', kind: 'person' },
  { section: 'partners', kind: 'partner' },
  { section: 'settings', kind: 'settings' },
  { section: 'scoring', kind: 'scoring' },
];

const SECTION_NAMES = SECTIONS.map((s) => s.section);
const sectionOf = (kind: string) => SECTIONS.find((s) => s.kind === kind)?.section;

/** The sections that are parts by id: their ids are sorted in the file, as their order means nothing. */
const BY_ID: ReadonlySet<Section> = new Set(['pools', 'policies', 'people', 'managers', 'partners']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sortedKeys = (record: Record<string, unknown>) =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  );

/**
 * The order of the fields of a value in the file: the policy file's own (a name first, a level's `at`, `action`, `to`),
 * then any other field by name. One order whatever the database kept (Postgres's jsonb keeps its own), so that two
 * exports of the same program are the same text.
 */
const FIELD_ORDER = [
  'name',
  'users',
  'usergroup',
  'cap',
  'managers',
  'managersGroup',
  'levels',
  'at',
  'action',
  'to',
  'repeat',
  'every',
  'times',
  'partner',
  'aePool',
  'policy',
  'everyone',
  'admin',
  'revops',
  'regions',
  'workingDays',
  'hours',
  'start',
  'end',
  'paused',
];
const rank = (field: string) => {
  const i = FIELD_ORDER.indexOf(field);
  return i === -1 ? FIELD_ORDER.length : i;
};

/** A value with its objects' fields in the file's order (FIELD_ORDER), at every depth. */
function inFileOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inFileOrder);
  if (!isRecord(value)) return value;
  const fields = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(fields.map((f) => [f, inFileOrder(value[f])]));
}

/**
 * The program's current parts as a file (a part removed, or never written, is not in it): the values as stored, the
 * sections in one order, the parts by id sorted by id, and every value's fields in one order (inFileOrder).
 */
export function programFileOf(rows: readonly { kind: string; key: string; body: unknown }[]): ProgramFile {
  const file: Record<string, unknown> = {};
  for (const row of rows) {
    if (row.body === null || row.body === undefined) continue;
    const section = sectionOf(row.kind);
    if (!section) continue;
    if (PROGRAM_KINDS[row.kind as ProgramKindName].keyed) {
      const held = (file[section] ?? {}) as Record<string, unknown>;
      held[row.key] = inFileOrder(row.body);
      file[section] = held;
    } else file[section] = inFileOrder(row.body);
  }
  const ordered: Record<string, unknown> = {};
  for (const section of SECTION_NAMES) {
    const value = file[section];
    if (value === undefined) continue;
    ordered[section] = BY_ID.has(section) && isRecord(value) ? sortedKeys(value) : value;
  }
  return ordered as ProgramFile;
}

/** The file's text: two-space JSON, ending with a newline. */
export const programFileText = (file: ProgramFile) => `${JSON.stringify(file, null, 2)}\n`;

const USER = /^[UW][A-Z0-9]{2,}$/;

/** What each section's value is, as its problem says it. */
const SHAPES: Record<Section, string> = {
  pools: 'an object of pools by id',
  policies: 'an object of policies by id',
  routes: 'a list of routes',
  limits: 'an object of limits',
  managers: 'an object of managers by Slack user id',
  closures: 'a list of dates',
  holidays: 'an object like { "everyone": "by_zone" }',
  roles: 'an object of roles (admin, revops)',
  people: 'an object of people by Slack user id',
  partners: "an object of partners by the partner directory's id",
  settings: 'an object of settings like { "stallBusinessDays": 5 }',
  scoring: 'an object like { "weights": { "proof": 2 } }',
};

/** Reads a program file's text (or an old policy file's): the file, or its problems, each with its place. */
export function parseProgramFile(
  text: string,
): { ok: true; file: ProgramFile } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const where = jsonErrorWhere(text);
    return {
      ok: false,
      problems: [
        where && !where.atEnd
          ? `it is not valid JSON: line ${where.line}, column ${where.column}`
          : 'it is not valid JSON: it ends before the JSON does',
      ],
    };
  }
  if (!isRecord(json))
    return {
      ok: false,
      problems: [`it must be a JSON object of the program's parts (${SECTION_NAMES.join(', ')})`],
    };
  const problems: string[] = [];
  for (const key of Object.keys(json))
    if (!SECTION_NAMES.includes(key as Section))
      problems.push(`${key}: not a part of the program (${SECTION_NAMES.join(', ')})`);
  for (const [section, shape] of Object.entries(SHAPES)) {
    const value = json[section];
    // null removes a part there is one of; a section of parts by id is an object, {} to remove them all.
    if (
      value === undefined ||
      (value === null && !['pools', 'policies', 'people', 'partners'].includes(section))
    )
      continue;
    if (shape.startsWith('a list') ? !Array.isArray(value) : !isRecord(value))
      problems.push(`${section}: must be ${shape}`);
  }
  if (isRecord(json.people))
    for (const id of Object.keys(json.people))
      if (!USER.test(id)) problems.push(`people.${id}: must be a Slack user id like U012ABCDEF`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, file: json as ProgramFile };
}

/** A value with its objects' keys sorted, as text: two values that say the same in another key order are equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isRecord(v) ? sortedKeys(v) : v));
}

/** Nothing said: absent, null, an empty list or an empty object (a part so written is removed). */
const isEmpty = (value: unknown) =>
  value === null ||
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (isRecord(value) && Object.keys(value).length === 0);

/** Whether a part's value written would change it. */
export const sameValue = (before: unknown, after: unknown) =>
  (isEmpty(before) && isEmpty(after)) || canonical(before) === canonical(after);

/** One edit of an import, with the part's value before it. */
export interface ImportChange {
  edit: ProgramEdit;
  before: unknown;
}

/**
 * What importing the file changes, part by part: a section the file has replaces the program's (a pool the file's
 * `pools` does not name is removed); a section it does not have is left as it is. Parts it would not change are not
 * edits, so that a second import of the same file writes nothing.
 */
export function importChanges(
  rows: readonly { kind: string; key: string; body: unknown }[],
  file: ProgramFile,
  who: { actor: string; note: string },
): ImportChange[] {
  const current = (kind: string, key: string) =>
    rows.find((r) => r.kind === kind && r.key === key && r.body !== null && r.body !== undefined)?.body ??
    null;
  const changes: ImportChange[] = [];
  const change = (kind: ProgramKindName, key: string, after: unknown) => {
    const before = current(kind, key);
    if (sameValue(before, after)) return;
    const body = isEmpty(after) ? null : after;
    changes.push({ edit: { actor: who.actor, kind, key, body, note: who.note }, before });
  };
  for (const { section, kind } of SECTIONS) {
    if (!(section in file)) continue;
    const value = file[section];
    if (!PROGRAM_KINDS[kind].keyed) {
      change(kind, SINGLE, value);
      continue;
    }
    const given = isRecord(value) ? value : {};
    for (const key of Object.keys(given).sort()) change(kind, key, given[key]);
    const gone = rows.filter((r) => r.kind === kind && !isEmpty(r.body) && !Object.hasOwn(given, r.key));
    for (const row of [...gone].sort((a, b) => a.key.localeCompare(b.key))) change(kind, row.key, null);
  }
  return changes;
}

/** The file's place of a part: `pools.emea`, `people.U0AE1`, `closures`. */
export function placeOf(kind: ProgramKindName, key: string): string {
  const section = sectionOf(kind) ?? kind;
  return PROGRAM_KINDS[kind].keyed ? `${section}.${key}` : section;
}

/**
 * The problems of an import, each with its place in the file: the same checks as an edit in Slack (program.ts
 * editProblems). The pools, policies, routes and limits are checked together, as the policy file is, and their
 * problems already name their place (`pools.emea.users[0]`); the others are checked one by one and named by their part.
 */
export function importProblems(
  state: ProgramState,
  changes: readonly ImportChange[],
  dayHours: number,
): string[] {
  const problemsOf = (s: ProgramState, edits: ProgramEdit[]) => editProblems(s, edits, dayHours);
  const edits = changes.map((c) => c.edit);
  const problems: string[] = [];
  for (const edit of edits) {
    if (PROGRAM_KINDS[edit.kind].book) continue;
    const place = placeOf(edit.kind, edit.key ?? SINGLE);
    for (const problem of problemsOf(state, [edit])) {
      // A problem of a field (`regions.0: …`) continues the part's place; one of the whole part follows it.
      const head = problem.split(': ')[0] ?? '';
      problems.push(
        /^[\w.[\]]+$/.test(head) && head !== problem ? `${place}.${problem}` : `${place}: ${problem}`,
      );
    }
  }
  const book = edits.filter((e) => PROGRAM_KINDS[e.kind].book);
  if (book.length > 0) problems.push(...problemsOf(state, book));
  return problems;
}
