import { levelBlockId, managerBlockId, PROGRAM_BLOCK_ID, weightBlockId } from '../blocks/ids.js';
import type { RequestContext } from '../core/requestContext.js';
import { findPartner } from '../db/repositories/partners.js';
import { may } from '../domain/permissions.js';
import { mayEditPart, type ProgramAdminDeps, type ProgramPart } from './access.js';
import {
  type CalendarForm,
  calendarChecks,
  calendarEdits,
  calendarProblems,
  type ManagersForm,
  managersChecks,
  managersEdits,
  type PoolForm,
  type Problems,
  poolChecks,
  poolEdits,
  poolProblems,
  type RolesForm,
  rolesChecks,
  rolesEdits,
  rolesGroups,
} from './partForms.js';
import { type PartnerForm, partnerChecks, partnerEdits, partnerProblems } from './partnerForm.js';
import { mayEditPartner } from './partnerManagers.js';
import { peopleProblem } from './people.js';
import { type FormPlace, formChecks, type PolicyForm, placeOfProblem, policyEdits } from './policyForm.js';
import type { ProgramEdit } from './program.js';
import { type SettingsForm, settingsChecks, settingsEdits, settingsProblems } from './settingsForm.js';

/** A saved editor's form, by the part it edits. */
export type PartForm =
  | { part: 'pool'; key: string; form: PoolForm }
  | { part: 'policy'; key: string; form: PolicyForm }
  | { part: 'calendar'; form: CalendarForm }
  | { part: 'roles'; form: RolesForm }
  | { part: 'managers'; form: ManagersForm }
  | { part: 'partner'; key: string; form: PartnerForm }
  | { part: 'settings'; key: string; form: SettingsForm };

export type SaveResult =
  | { kind: 'saved'; changed: boolean; applied: number[] }
  /** Inline errors by block id. */
  | { kind: 'errors'; errors: Record<string, string> }
  | { kind: 'forbidden' };

const BLOCK_OF: Record<string, string> = {
  id: PROGRAM_BLOCK_ID.id,
  name: PROGRAM_BLOCK_ID.name,
  members: PROGRAM_BLOCK_ID.members,
  cap: PROGRAM_BLOCK_ID.cap,
  fairness: PROGRAM_BLOCK_ID.fairness,
  managers: PROGRAM_BLOCK_ID.managers,
  managersGroup: PROGRAM_BLOCK_ID.managersGroup,
  remove: PROGRAM_BLOCK_ID.remove,
  closures: PROGRAM_BLOCK_ID.closures,
  holidays: PROGRAM_BLOCK_ID.holidays,
  regions: PROGRAM_BLOCK_ID.regions,
  admins: PROGRAM_BLOCK_ID.admins,
  revops: PROGRAM_BLOCK_ID.revops,
  notify: PROGRAM_BLOCK_ID.notify,
  contacts: PROGRAM_BLOCK_ID.contacts,
  ae: managerBlockId(0, 'ae'),
  manager: managerBlockId(0, 'manager'),
};

/** The block of a form's input by its name; a pool's weight rows are `weightUser:<row>` and `weightValue:<row>`. */
function blockOf(input: string): string {
  const row = /^weight(User|Value):(\d+)$/.exec(input);
  if (row) return weightBlockId(Number(row[2]), row[1] === 'User' ? 'user' : 'value');
  return BLOCK_OF[input] ?? PROGRAM_BLOCK_ID.name;
}

const blocksOf = (problems: Problems): Record<string, string> =>
  Object.fromEntries(
    Object.entries(problems).flatMap(([input, message]) => (message ? [[blockOf(input), message]] : [])),
  );

function policyBlock(place: FormPlace, form: PolicyForm): string {
  if ('row' in place) return levelBlockId(place.row, place.field);
  if (place.field === 'routes')
    return form.partners.length > 0 ? PROGRAM_BLOCK_ID.partners : PROGRAM_BLOCK_ID.pools;
  return place.field === 'id' ? PROGRAM_BLOCK_ID.id : PROGRAM_BLOCK_ID.name;
}

const policyErrors = (found: { place: FormPlace; message: string }[], form: PolicyForm) => {
  const errors: Record<string, string> = {};
  for (const { place, message } of found) errors[policyBlock(place, form)] ??= message;
  return errors;
};

/** The edits of a form, or the problems the editor finds in its own words before the program's checks. */
function editsOf(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  saved: PartForm,
  inAdminGroup: boolean | undefined,
): { edits: ProgramEdit[] } | { errors: Record<string, string> } {
  const state = deps.program.state();
  const actor = ctx.actor.userId;
  const errorsOr = (errors: Record<string, string>, edits: () => ProgramEdit[]) =>
    Object.keys(errors).length > 0 ? { errors } : { edits: edits() };
  switch (saved.part) {
    case 'pool':
      return errorsOr(blocksOf(poolChecks(state, saved.form)), () => poolEdits(state, saved.form, actor));
    case 'policy': {
      const taken = Object.keys(state.bookJson.policies);
      return errorsOr(policyErrors(formChecks(saved.form, taken), saved.form), () =>
        policyEdits(state, saved.form, actor),
      );
    }
    case 'calendar':
      return errorsOr(blocksOf(calendarChecks(saved.form)), () => calendarEdits(saved.form, actor));
    case 'roles':
      return errorsOr(blocksOf(rolesChecks(state, saved.form, actor, inAdminGroup)), () =>
        rolesEdits(state, saved.form, actor),
      );
    case 'managers':
      return errorsOr(blocksOf(managersChecks(saved.form)), () => managersEdits(state, saved.form, actor));
    case 'partner': {
      // Its managers are for admins and RevOps; a partner's own manager changes what they hear (as the command).
      const mayManagers = mayEditPartner(deps.roles, ctx, undefined, 'managers');
      return errorsOr(blocksOf(partnerChecks(state, saved.form, mayManagers)), () =>
        partnerEdits(state, saved.form, actor, mayManagers),
      );
    }
    case 'settings':
      return errorsOr(settingsChecks(state, saved.form), () => settingsEdits(state, saved.form, actor));
  }
}

/** The program's own problems (the policy file's words and places) on the editor's inputs. */
function problemsOf(saved: PartForm, problems: string[]): Record<string, string> {
  switch (saved.part) {
    case 'pool':
      return blocksOf(poolProblems(problems, saved.form));
    case 'policy':
      return policyErrors(
        problems.map((p) => placeOfProblem(p, saved.form)),
        saved.form,
      );
    case 'calendar':
      return blocksOf(calendarProblems(problems, saved.form));
    case 'partner':
      return blocksOf(partnerProblems(problems));
    case 'settings':
      return settingsProblems(problems, saved.form);
    default:
      return {
        [saved.part === 'roles' ? PROGRAM_BLOCK_ID.admins : managerBlockId(0, 'ae')]: problems.join(' '),
      };
  }
}

const GONE = 'This was removed meanwhile: nothing was saved. Close this, and open the page again.';

/**
 * An edit of a pool or a policy that is not there (removed meanwhile, or a key no editor shows) would make one; a
 * partner's is of a partner of the directory (merged meanwhile: gone).
 */
async function isGone(deps: ProgramAdminDeps, saved: PartForm): Promise<boolean> {
  if (saved.part === 'partner')
    return !/^\d{1,12}$/.test(saved.key) || !(await findPartner(deps.db, Number(saved.key)));
  if ((saved.part !== 'pool' && saved.part !== 'policy') || saved.key === '') return false;
  const json = deps.program.state().bookJson;
  return !Object.hasOwn(saved.part === 'pool' ? json.pools : json.policies, saved.key);
}

/**
 * Saves an editor: the person may edit the part (checked again here, whatever the view says), the form
 * passes the editor's checks and the program's (the policy file's rules), and it is written with who and when.
 * "Apply to open handoffs" pins them to the version just saved.
 */
export async function savePart(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  saved: PartForm,
): Promise<SaveResult> {
  await deps.program.refresh();
  const key = 'key' in saved ? saved.key : '-';
  if (!mayEditPart(deps, ctx, saved.part as ProgramPart, key)) return { kind: 'forbidden' };
  // A new pool or a pool's managers and removal are the pools permission's; a pool's manager edits the rest.
  if (saved.part === 'pool' && (saved.form.isNew || saved.form.remove) && !may(deps.roles, ctx, 'pools'))
    return { kind: 'forbidden' };
  if (await isGone(deps, saved))
    return {
      kind: 'errors',
      errors: { [saved.part === 'partner' ? PROGRAM_BLOCK_ID.notify : PROGRAM_BLOCK_ID.name]: GONE },
    };
  const outsiders = await peopleErrors(deps, ctx, saved);
  if (Object.keys(outsiders).length > 0) return { kind: 'errors', errors: outsiders };
  const made = editsOf(deps, ctx, saved, await inAdminGroup(deps, ctx, saved));
  if ('errors' in made) return { kind: 'errors', errors: made.errors };
  const result = await deps.program.editMany(made.edits);
  if (!result.ok) return { kind: 'errors', errors: problemsOf(saved, result.problems) };
  const applied =
    saved.part === 'policy' && saved.form.apply && !saved.form.remove
      ? await deps.program.applyToOpen(ctx.actor.userId, saved.form.id)
      : [];
  return { kind: 'saved', changed: result.changed, applied };
}

/**
 * The people a form chooses anew, by the block they are chosen in: pool members and managers, admins and RevOps,
 * a manager pair, partner managers (those already there are not asked about again).
 */
function chosenPeople(deps: ProgramAdminDeps, saved: PartForm): Record<string, string[]> {
  const state = deps.program.state();
  const added = (chosen: readonly string[] | undefined, had: readonly string[] | undefined) =>
    (chosen ?? []).filter((id) => !(had ?? []).includes(id));
  switch (saved.part) {
    case 'pool': {
      const stored = state.bookJson.pools[saved.key] as
        | { users?: string[]; managers?: string[]; weights?: Record<string, number> }
        | undefined;
      // A weight row's person (a user-group pool's: anyone may be chosen), asked about on its own row.
      const weighted = (saved.form.remove ? [] : (saved.form.weights ?? [])).flatMap((row, i) =>
        row.user ? [[weightBlockId(i, 'user'), added([row.user], Object.keys(stored?.weights ?? {}))]] : [],
      );
      return {
        [PROGRAM_BLOCK_ID.members]: added(saved.form.remove ? [] : saved.form.members, stored?.users),
        [PROGRAM_BLOCK_ID.managers]: added(saved.form.managers, stored?.managers),
        ...Object.fromEntries(weighted),
      };
    }
    case 'roles':
      return {
        [PROGRAM_BLOCK_ID.admins]: added(saved.form.admins, state.roles.admin.users),
        [PROGRAM_BLOCK_ID.revops]: added(saved.form.revops, state.roles.revops.users),
      };
    case 'managers':
      return {
        [managerBlockId(0, 'ae')]: added(saved.form.ae ? [saved.form.ae] : [], []),
        [managerBlockId(0, 'manager')]: added(saved.form.manager ? [saved.form.manager] : [], []),
      };
    case 'partner':
      return { [PROGRAM_BLOCK_ID.managers]: added(saved.form.managers, state.partners[saved.key]?.managers) };
    default:
      return {};
  }
}

/**
 * Every editor's save refuses people outside our workspaces (and bots, and people Slack does not know) on the input
 * they were chosen in: Slack's people pickers cannot leave out a Slack Connect channel's other organizations.
 */
async function peopleErrors(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  saved: PartForm,
): Promise<Record<string, string>> {
  const lookup = (id: string) => deps.directory.lookupUser(id);
  const found = await Promise.all(
    Object.entries(chosenPeople(deps, saved)).map(
      async ([block, ids]) => [block, await peopleProblem(lookup, ctx.internalTeamIds, ids)] as const,
    ),
  );
  return Object.fromEntries(found.flatMap(([block, problem]) => (problem ? [[block, problem]] : [])));
}

/**
 * Whether the admin saving the roles stays one through the admins' user group the form leaves (they may then remove
 * their own name): the program's resolved admins say so for the group in force; another group is asked of Slack.
 * Undefined: Slack could not say.
 */
async function inAdminGroup(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  saved: PartForm,
): Promise<boolean | undefined> {
  if (saved.part !== 'roles') return false;
  const actor = ctx.actor.userId;
  const { admin } = deps.program.state().roles;
  const group = rolesGroups(deps.program.state(), saved.form).admin;
  if (!group || saved.form.admins.includes(actor)) return false;
  // In force now, and an admin only through it: a member of the group.
  if (group === admin.usergroup && !admin.users.includes(actor) && deps.program.adminUserIds.includes(actor))
    return true;
  try {
    return deps.directory.usergroupMembers
      ? (await deps.directory.usergroupMembers(group)).includes(actor)
      : undefined;
  } catch {
    return undefined;
  }
}
