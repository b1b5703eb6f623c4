import { SINGLE } from './kinds.js';
import { keptWeights, readWeights, type WeightRow } from './poolWeights.js';
import type { ProgramEdit } from './program.js';
import type { ProgramState } from './state.js';

/**
 * The other editors' forms as read: a pool, the calendar (closures and everyone's holidays), the roles
 * and the managers, turned into the program's edits, and their problems into the form's inputs (by the name of the
 * input: `members`, `cap`, …; handlers/views/programSubmit.ts maps them to block ids).
 */
export type Problems = Partial<Record<string, string>>;

export interface PoolForm {
  id: string;
  isNew: boolean;
  name: string;
  /** Listed members (a user-group pool keeps its group: undefined). */
  members: string[] | undefined;
  cap: number | undefined;
  /** Undefined: the editor may not change them (a pool's manager, not an admin): kept as they are. */
  managers: string[] | undefined;
  /** The managers' user group: an id, `null` for none, undefined when not in the form (kept as it is). */
  managersGroup?: string | null;
  remove: boolean;
  /** The weight rows as chosen, a person and a number each (undefined: no such inputs, kept as they are). */
  weights?: WeightRow[] | undefined;
  /** How the pool shares its handoffs: plain turns, or fair per week or month (undefined: kept as it is). */
  sharing?: 'plain' | 'week' | 'month' | undefined;
}

/** The weights and fairness a pool's form leaves it with (the stored ones where the form has no input). */
function sharingOf(stored: Record<string, unknown>, form: PoolForm) {
  const read = form.weights === undefined ? undefined : readWeights(form.weights, form.members);
  const weights = read?.ok
    ? keptWeights(read.weights)
    : (stored.weights as Record<string, number> | undefined);
  const fairness =
    form.sharing === undefined
      ? stored.fairness
      : form.sharing === 'plain'
        ? undefined
        : { period: form.sharing };
  return {
    ...(weights && Object.keys(weights).length > 0 ? { weights } : {}),
    ...(fairness ? { fairness } : {}),
  };
}

const said = (message: string) =>
  `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;

export function poolEdits(state: ProgramState, form: PoolForm, actor: string): ProgramEdit[] {
  if (form.remove) return [{ actor, kind: 'pool', key: form.id, body: null }];
  const stored = (state.bookJson.pools[form.id] ?? {}) as Record<string, unknown>;
  const managers = form.managers ?? (stored.managers as string[] | undefined) ?? [];
  const managersGroup =
    form.managersGroup === undefined ? stored.managersGroup : (form.managersGroup ?? undefined);
  const body: Record<string, unknown> = {
    ...(form.name ? { name: form.name } : {}),
    ...(form.members ? { users: form.members } : { usergroup: stored.usergroup }),
    ...(form.cap !== undefined ? { cap: form.cap } : {}),
    ...(managers.length > 0 ? { managers } : {}),
    ...(managersGroup ? { managersGroup } : {}),
    ...sharingOf(stored, form),
  };
  return [{ actor, kind: 'pool', key: form.id, body }];
}

export function poolChecks(state: ProgramState, form: PoolForm): Problems {
  const problems: Problems = {};
  if (form.isNew && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(form.id))
    problems.id = 'Lowercase letters, digits, - and _, starting with a letter or digit.';
  else if (form.isNew && state.bookJson.pools[form.id])
    problems.id = 'A pool has this id already: choose another.';
  if (!form.remove && form.members?.length === 0) problems.members = 'A pool has at least one member.';
  const weights =
    form.remove || form.weights === undefined ? undefined : readWeights(form.weights, form.members);
  if (weights && !weights.ok) Object.assign(problems, weights.problems);
  return problems;
}

/** The pool editor's input of a place of the policy file (`pools.emea.cap` → cap); any other: the members. */
const POOL_INPUTS = [
  ['.users', 'members'],
  ['.cap', 'cap'],
  ['.managersGroup', 'managersGroup'],
  ['.managers', 'managers'],
  ['.weights', 'weightValue:0'],
  ['.fairness', 'fairness'],
  ['.name', 'name'],
] as const;

/** A pool's problems from the program (the policy file's words and places) on the pool editor's inputs. */
export function poolProblems(problems: readonly string[], form: PoolForm): Problems {
  const out: Problems = {};
  for (const problem of problems) {
    const m = /^([^:]+):\s*(.*)$/.exec(problem);
    const where = m?.[1] ?? '';
    const message = m?.[2] ?? problem;
    const input = form.remove
      ? 'remove'
      : (POOL_INPUTS.find(([place]) => where.includes(place))?.[1] ?? 'members');
    // A policy that names a removed pool: said in words, not as the file's place.
    const used = /no pool named "([^"]+)"/.exec(message);
    const policy = /^policies\.([^.[]+)/.exec(where)?.[1];
    const text = !used
      ? said(message)
      : policy
        ? `The ${policy} policy sends handoffs to this pool: change it first.`
        : "A policy is followed by the handoffs to this pool's AEs: take the pool off it first.";
    out[input] ??= text;
  }
  return out;
}

export interface CalendarForm {
  closures: string[];
  /** Undefined: no choice (Slack always sends one: the radio buttons have an initial option). */
  holidays: 'by_zone' | 'none' | 'regions' | undefined;
  regions: string[];
}

export function calendarChecks(form: CalendarForm): Problems {
  if (!form.holidays) return { holidays: 'Choose whose public holidays are skipped.' };
  if (form.holidays === 'regions' && form.regions.length === 0)
    return { regions: 'Name the regions, like US, DE-BY.' };
  return {};
}

export function calendarEdits(form: CalendarForm, actor: string): ProgramEdit[] {
  return [
    { actor, kind: 'closures', key: SINGLE, body: [...new Set(form.closures)].sort() },
    {
      actor,
      kind: 'holidays',
      key: SINGLE,
      body: { everyone: form.holidays === 'regions' ? form.regions : form.holidays },
    },
  ];
}

export function calendarProblems(problems: readonly string[], form: CalendarForm): Problems {
  const out: Problems = {};
  // The closures are written sorted, without repeats (calendarEdits): a problem's index is among those.
  const closures = [...new Set(form.closures)].sort();
  for (const problem of problems) {
    const m = /^([^:]+):\s*(.*)$/.exec(problem);
    const where = m?.[1] ?? '';
    const message = m?.[2] ?? problem;
    if (where.startsWith('everyone')) out.regions ??= said(message);
    else {
      const date = /^\d+$/.test(where) ? closures[Number(where)] : undefined;
      out.closures ??= date === undefined ? said(message) : said(`"${date}" ${message}`);
    }
  }
  return out;
}

export interface RolesForm {
  admins: string[];
  revops: string[];
  /**
   * Each role's Slack user group: its id, `null` for none, undefined when the form has no choice (kept as it is:
   * Slack always sends one, the select has an initial option).
   */
  adminGroup?: string | null;
  revopsGroup?: string | null;
}

/** The user groups a roles form leaves each role with. */
export function rolesGroups(state: ProgramState, form: RolesForm) {
  const { admin, revops } = state.roles;
  return {
    admin: form.adminGroup === undefined ? admin.usergroup : (form.adminGroup ?? undefined),
    revops: form.revopsGroup === undefined ? revops.usergroup : (form.revopsGroup ?? undefined),
  };
}

export function rolesEdits(state: ProgramState, form: RolesForm, actor: string): ProgramEdit[] {
  const groups = rolesGroups(state, form);
  const people = (users: string[], usergroup: string | undefined) => ({
    users,
    ...(usergroup ? { usergroup } : {}),
  });
  return [
    {
      actor,
      kind: 'roles',
      key: SINGLE,
      body: { admin: people(form.admins, groups.admin), revops: people(form.revops, groups.revops) },
    },
  ];
}

/**
 * The last-admin rule: someone stays an admin, and the admin saving stays one, by name or as a member of the admins'
 * user group (`inAdminGroup`: whether they are in the group the form leaves; undefined: Slack could not say).
 */
export function rolesChecks(
  state: ProgramState,
  form: RolesForm,
  actor: string,
  inAdminGroup: boolean | undefined,
): Problems {
  const group = rolesGroups(state, form).admin;
  if (form.admins.length === 0 && !group)
    return { admins: 'The program needs at least one admin: name someone.' };
  if (form.admins.includes(actor)) return {};
  if (!group) return { admins: 'You cannot remove yourself: ask another admin to.' };
  if (inAdminGroup === undefined)
    return {
      admins:
        'I could not read the user group’s members from Slack just now: keep yourself here, or try again.',
    };
  if (!inAdminGroup)
    return {
      admins: 'You are not in the admins’ user group: you cannot remove yourself. Ask another admin to.',
    };
  return {};
}

/** The managers editor's form: one pair to add or change, and AEs whose manager is removed. */
export interface ManagersForm {
  ae?: string;
  manager?: string;
  remove: string[];
}

export function managersEdits(state: ProgramState, form: ManagersForm, actor: string): ProgramEdit[] {
  const body: Record<string, string> = { ...state.managers };
  for (const ae of form.remove) delete body[ae];
  if (form.ae && form.manager) body[form.ae] = form.manager;
  return [{ actor, kind: 'managers', key: SINGLE, body }];
}

export function managersChecks(form: ManagersForm): Problems {
  if (Boolean(form.ae) !== Boolean(form.manager))
    return form.ae ? { manager: 'Choose their manager too.' } : { ae: 'Choose the AE too.' };
  if (form.ae && form.ae === form.manager) return { manager: 'Someone else manages them.' };
  if (!form.ae && form.remove.length === 0)
    return { ae: 'Choose an AE and their manager, or whose manager to remove.' };
  return {};
}
