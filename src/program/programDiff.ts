import { weekInOrder, workingDaysWords } from '../domain/ownDays.js';
import type { ProgramKindName } from './kinds.js';
import type { ImportChange } from './programFile.js';

/**
 * An import's changes as people read them, one line per part: "pool emea: members +U0SAM, cap 10 → 8", "policy
 * strategic: changed (3 levels → 4)", "closures: +2026-12-24". What a line cannot say more plainly is "changed".
 */

type Rec = Record<string, unknown>;
const rec = (value: unknown): Rec =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What a list gained and lost: `+U0SAM, -U0OLD` (order does not count). */
function listDiff(before: readonly string[], after: readonly string[]): string[] {
  return [
    ...after.filter((x) => !before.includes(x)).map((x) => `+${x}`),
    ...before.filter((x) => !after.includes(x)).map((x) => `-${x}`),
  ];
}

/** A value in a line: a name quoted, a number as it is, nothing as `unset`. */
function shown(value: unknown, unset = 'unset'): string {
  if (value === undefined || value === null) return unset;
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** `what a → b` when the value changed. */
function moved(what: string, before: unknown, after: unknown, unset?: string): string[] {
  return same(before, after) ? [] : [`${what} ${shown(before, unset)} → ${shown(after, unset)}`];
}

const memberCount = (pool: Rec) => {
  const n = strings(pool.users).length;
  return `${n} member${n === 1 ? '' : 's'}`;
};

function poolMembers(before: Rec, after: Rec): string[] {
  const group = (p: Rec) => (typeof p.usergroup === 'string' ? p.usergroup : undefined);
  if (group(before) === undefined && group(after) === undefined) {
    const diff = listDiff(strings(before.users), strings(after.users));
    return diff.length > 0 ? [`members ${diff.join(' ')}`] : [];
  }
  const side = (p: Rec) => (group(p) ? `user group ${group(p)}` : memberCount(p));
  return side(before) === side(after) ? [] : [`members: ${side(before)} → ${side(after)}`];
}

function poolLine(before: Rec, after: Rec): string[] {
  const managers = listDiff(strings(before.managers), strings(after.managers));
  return [
    ...moved('name', before.name, after.name),
    ...poolMembers(before, after),
    ...moved('cap', before.cap, after.cap, 'none'),
    ...(managers.length > 0 ? [`managers ${managers.join(' ')}`] : []),
    ...moved('managers user group', before.managersGroup, after.managersGroup, 'none'),
  ];
}

function poolAdded(pool: Rec): string {
  const members = typeof pool.usergroup === 'string' ? `user group ${pool.usergroup}` : memberCount(pool);
  return [members, ...(pool.cap !== undefined ? [`cap ${shown(pool.cap)}`] : [])].join(', ');
}

const levelsOf = (policy: unknown): unknown[] =>
  Array.isArray(policy) ? policy : Array.isArray(rec(policy).levels) ? (rec(policy).levels as unknown[]) : [];
const levelCount = (n: number) => `${n} level${n === 1 ? '' : 's'}`;

function policyLine(before: unknown, after: unknown): string[] {
  const [b, a] = [levelsOf(before), levelsOf(after)];
  const levels =
    b.length !== a.length
      ? [`${levelCount(b.length)} → ${a.length}`]
      : same(b, a)
        ? []
        : [`${levelCount(a.length)}, edited`];
  return [
    `changed (${[...moved('name', rec(before).name, rec(after).name), ...levels].join(', ') || 'edited'})`,
  ];
}

function routeText(route: unknown): string {
  const r = rec(route);
  const when = [
    ...(r.partner !== undefined ? [`partner ${shown(r.partner)}`] : []),
    ...(r.aePool !== undefined ? [`pool ${String(r.aePool)}`] : []),
  ];
  return `${when.join(' and ') || 'every handoff'} → ${String(r.policy)}`;
}

function routesLine(before: unknown, after: unknown): string[] {
  const [b, a] = [
    (Array.isArray(before) ? before : []).map(routeText),
    (Array.isArray(after) ? after : []).map(routeText),
  ];
  const diff = listDiff(b, a);
  return diff.length > 0 ? diff : ['order changed'];
}

function recordLine(before: unknown, after: unknown, unset: string): string[] {
  const [b, a] = [rec(before), rec(after)];
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.flatMap((k) => moved(k, b[k], a[k], unset));
}

function managersLine(before: unknown, after: unknown): string[] {
  const [b, a] = [rec(before), rec(after)];
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].sort().flatMap((ae) => {
    if (b[ae] === undefined) return [`+${ae} → ${String(a[ae])}`];
    if (a[ae] === undefined) return [`-${ae}`];
    return same(a[ae], b[ae]) ? [] : [`${ae} → ${String(a[ae])} (was ${String(b[ae])})`];
  });
}

const everyoneText = (holidays: unknown) => {
  const everyone = rec(holidays).everyone ?? 'by_zone';
  if (everyone === 'by_zone') return "each person's country (from their time zone)";
  return Array.isArray(everyone) ? everyone.join('+') : String(everyone);
};

function rolesLine(before: unknown, after: unknown): string[] {
  return ['admin', 'revops'].flatMap((role) => {
    const [b, a] = [rec(rec(before)[role]), rec(rec(after)[role])];
    const users = listDiff(strings(b.users), strings(a.users));
    return [
      ...(users.length > 0 ? [`${role} ${users.join(' ')}`] : []),
      ...moved(`${role} user group`, b.usergroup, a.usergroup, 'none').map((l) => l.replaceAll('"', '')),
    ];
  });
}

const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Working days as people read them: `Mon–Thu`, `Sun–Thu`, `Mon Wed Fri`; unset: `Mon–Fri`. */
function daysText(days: unknown): string {
  const list = Array.isArray(days) ? days.map(Number) : [1, 2, 3, 4, 5];
  const words = workingDaysWords(list, (d) => DAY_NAMES[d] ?? String(d), '–');
  return words.includes('–')
    ? words
    : weekInOrder(list)
        .map((d) => DAY_NAMES[d] ?? String(d))
        .join(' ');
}

/** Own hours as people read them: `08:00–16:00`; unset: the team's. */
const hoursText = (hours: unknown) => {
  const h = rec(hours);
  return typeof h.start === 'string' && typeof h.end === 'string' ? `${h.start}–${h.end}` : "the team's";
};

const regionsText = (regions: unknown) =>
  regions === undefined
    ? 'from their time zone'
    : Array.isArray(regions)
      ? regions.join('+')
      : String(regions);
const pausedText = (paused: unknown) =>
  paused === undefined ? 'no' : paused === 'until_resumed' ? 'until resumed' : `until ${String(paused)}`;

/** A person's own days, each field as `what before → after` (or just `what value` when added). */
function personFields(before: Rec | undefined, after: Rec): string[] {
  const fields: [string, (v: unknown) => string, string][] = [
    ['regions', regionsText, 'regions'],
    ['workingDays', daysText, 'working days'],
    ['hours', hoursText, 'hours'],
    ['paused', pausedText, 'paused'],
  ];
  return fields.flatMap(([field, text, label]) => {
    if (!before) return after[field] === undefined ? [] : [`${label} ${text(after[field])}`];
    const [b, a] = [text(before[field]), text(after[field])];
    return b === a ? [] : [`${label} ${b} → ${a}`];
  });
}

/** Each part's name at the start of its line. */
function partName(kind: ProgramKindName, key: string | undefined): string {
  if (kind === 'pool' || kind === 'policy' || kind === 'person') return `${kind} ${key}`;
  return kind;
}

/** What an edit of a part that exists changes, as parts of a line (empty: nothing plainer than "changed"). */
function details(kind: ProgramKindName, before: unknown, after: unknown): string[] {
  switch (kind) {
    case 'pool':
      return poolLine(rec(before), rec(after));
    case 'policy':
      return policyLine(before, after);
    case 'routes':
      return routesLine(before, after);
    case 'limits':
      return recordLine(before, after, 'default');
    case 'managers':
      return managersLine(before, after);
    case 'closures':
      return listDiff(strings(before), strings(after));
    case 'holidays':
      return [`everyone ${everyoneText(before)} → ${everyoneText(after)}`];
    case 'roles':
      return rolesLine(before, after);
    case 'person':
      return personFields(rec(before), rec(after));
    case 'partner':
      return [
        ...listDiff(strings(rec(before).managers), strings(rec(after).managers)),
        ...moved('user group', rec(before).usergroup, rec(after).usergroup, 'none'),
        ...moved('notify', rec(before).notify, rec(after).notify, 'all'),
      ];
    case 'settings':
      return recordLine(before, after, 'default');
    case 'scoring':
      return recordLine(rec(before).weights, rec(after).weights, '1').map((line) => `weight ${line}`);
  }
}

/** What a part that is new says, in brackets after "added" (empty: nothing to add). */
function addedDetails(kind: ProgramKindName, after: unknown): string {
  if (kind === 'pool') return poolAdded(rec(after));
  if (kind === 'policy') return levelCount(levelsOf(after).length);
  if (kind === 'person') return personFields(undefined, rec(after)).join(', ');
  return '';
}

/** Parts that are lists or maps of things read best as what they gained and lost, even when they are new. */
const LISTED = new Set<ProgramKindName>([
  'routes',
  'limits',
  'managers',
  'closures',
  'holidays',
  'roles',
  'settings',
  'partner',
  'scoring',
]);

/** One line for one change of an import. */
export function changeLine(change: ImportChange): string {
  const { kind, key, body } = change.edit;
  const name = partName(kind, key);
  if (LISTED.has(kind)) {
    const parts = details(kind, change.before ?? undefined, body ?? undefined);
    return `${name}: ${parts.join(', ') || (body === null ? 'removed' : 'changed')}`;
  }
  if (body === null) return `${name}: removed`;
  if (change.before === null || change.before === undefined) {
    const added = addedDetails(kind, body);
    return `${name}: added${added ? ` (${added})` : ''}`;
  }
  return `${name}: ${details(kind, change.before, body).join(', ') || 'changed'}`;
}

/** The lines of an import's changes, in the file's order. */
export const changeLines = (changes: readonly ImportChange[]) => changes.map(changeLine);
