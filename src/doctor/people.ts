import type { Config } from '../config.js';
import type { DirectoryUser } from '../core/directory.js';
import type { PolicyBook } from '../domain/policyFile.js';
import type { ProgramKindName } from '../program/kinds.js';
import type { ProgramState } from '../program/state.js';
import { lookupFailure } from './lookups.js';
import {
  type Check,
  type DoctorContext,
  type Finding,
  HOW_TO_FIND,
  noteFound,
  type ProgramRead,
  type SlackIdentity,
} from './types.js';

/** Where people are named: the settings, and the program once it holds their part. */
interface Sources {
  config: Config;
  program: ProgramRead | undefined;
}

/** A setting's people while the program does not hold its part (the next start reads them in); none once it does. */
const setting =
  (kind: ProgramKindName, ids: (c: Config) => readonly string[]) =>
  ({ config, program }: Sources) =>
    program?.holds(kind) ? [] : ids(config);
/** The program's people of a part it holds. */
const held =
  (kind: ProgramKindName, ids: (p: ProgramState) => readonly string[]) =>
  ({ program }: Sources) =>
    program?.holds(kind) ? ids(program.state) : [];

/**
 * The places that name people by Slack user id: each setting, and the program's part that replaces it (what the app
 * reads once the program holds it). A new one is one entry here.
 */
const PEOPLE_SETTINGS: readonly { place: string; ids(from: Sources): readonly string[] }[] = [
  { place: 'ADMIN_USER_IDS', ids: setting('roles', (c) => c.seed.adminUserIds) },
  { place: "the program's admins", ids: held('roles', (p) => p.roles.admin.users) },
  { place: 'REVOPS_USER_IDS', ids: setting('roles', (c) => c.seed.revopsUserIds) },
  { place: "the program's RevOps", ids: held('roles', (p) => p.roles.revops.users) },
  {
    place: 'ESCALATION_MANAGERS',
    ids: setting('managers', (c) => Object.entries(c.seed.managers).flat()),
  },
  { place: "the program's managers", ids: held('managers', (p) => Object.entries(p.managers).flat()) },
  {
    place: 'HOLIDAY_REGIONS',
    ids: ({ config, program }) =>
      Object.keys(config.calendar.holidayRegionsByPerson).filter((id) => !program?.holds('person', id)),
  },
  { place: 'their own days', ids: ({ program }) => Object.keys(program?.state.people ?? {}) },
];

/** Every person the settings, the program and the pools name, with the places that name them, in order. */
export function peoplePlaces(from: Sources, book: PolicyBook | undefined): Map<string, string[]> {
  const places = new Map<string, string[]>();
  const add = (id: string, place: string) => {
    const known = places.get(id) ?? [];
    if (!known.includes(place)) places.set(id, [...known, place]);
  };
  for (const { place, ids } of PEOPLE_SETTINGS) for (const id of ids(from)) add(id, place);
  for (const [name, pool] of Object.entries(book?.pools ?? {})) {
    if (pool.kind === 'users')
      for (const [i, id] of pool.users.entries()) add(id, `pools.${name}.users[${i}]`);
    for (const [i, id] of (pool.managers ?? []).entries()) add(id, `pools.${name}.managers[${i}]`);
  }
  return places;
}

function verdict(
  id: string,
  user: DirectoryUser | undefined,
  where: string,
  identity: SlackIdentity,
): Finding {
  if (!user) {
    return {
      status: 'fail',
      text: `${id} (${where}): Slack has no such person (user_not_found).`,
      fix: `The id is wrong. ${HOW_TO_FIND.person}`,
    };
  }
  const who = `${id} ${user.name} (${where})`;
  if (user.deleted)
    return { status: 'fail', text: `${who}: the account is deactivated.`, fix: 'Name someone else.' };
  if (user.isBot)
    return {
      status: 'fail',
      text: `${who} is a bot or an app, not a person.`,
      fix: `Name a person. ${HOW_TO_FIND.person}`,
    };
  if (!identity.internalTeamIds.includes(user.teamId)) {
    return {
      status: 'fail',
      text: `${who} belongs to another organization (${user.teamId}).`,
      fix: 'Name someone of your own company; if that workspace is yours (Enterprise Grid), add it to INTERNAL_TEAM_IDS.',
    };
  }
  return { status: 'pass', text: `${who}${user.timeZone ? `, ${user.timeZone}` : ''}.` };
}

/** The user groups of the pools and of the program's roles, with their places. */
function groupsOf(ctx: DoctorContext): { place: string; id: string }[] {
  const groups: { place: string; id: string }[] = [];
  for (const [name, pool] of Object.entries(ctx.book?.pools ?? {})) {
    if (pool.kind === 'usergroup') groups.push({ place: `pools.${name}.usergroup`, id: pool.id });
  }
  const program = ctx.program;
  if (program?.holds('roles')) {
    const { admin, revops } = program.state.roles;
    if (admin.usergroup) groups.push({ place: "the program's admins, user group", id: admin.usergroup });
    if (revops.usergroup) groups.push({ place: "the program's RevOps, user group", id: revops.usergroup });
  }
  return groups;
}

/** Those user groups: Slack knows them (their members are read when needed). */
async function groupFindings(ctx: DoctorContext): Promise<Finding[]> {
  const slack = ctx.slack;
  if (!slack?.directory.usergroupMembers) return [];
  const findings: Finding[] = [];
  for (const { place: where, id } of groupsOf(ctx)) {
    const place = `${where} ${id}`;
    try {
      const members = await slack.directory.usergroupMembers(id);
      findings.push({ status: 'pass', text: `${place}: a user group of ${members.length} members.` });
    } catch (error) {
      findings.push(lookupFailure(place, error));
    }
  }
  return findings;
}

/** Every person the settings, the program and the pools name: exists, shown by name so a wrong id is obvious. */
async function checkPeople(ctx: DoctorContext): Promise<Finding[]> {
  const { config, slack } = ctx;
  if (!config || !slack) return [];
  const places = peoplePlaces({ config, program: ctx.program }, ctx.book);
  const findings: Finding[] = [];
  for (const [id, where] of places) {
    let user: DirectoryUser | undefined;
    try {
      user = await slack.directory.lookupUser(id);
    } catch (error) {
      findings.push(lookupFailure(`${id} (${where.join(', ')})`, error));
      continue;
    }
    if (user) {
      for (const place of where) {
        noteFound(
          ctx.found.people,
          { id, name: user.name, ...(user.timeZone ? { timeZone: user.timeZone } : {}) },
          place,
        );
      }
    }
    findings.push(verdict(id, user, where.join(', '), slack.identity));
  }
  findings.push(...(await groupFindings(ctx)));
  if (findings.length === 0) {
    return [
      {
        status: 'pass',
        text: ctx.program
          ? "Nobody is named (the program's roles, managers, own days and pools)."
          : 'No setting names a person (ADMIN_USER_IDS, REVOPS_USER_IDS, ESCALATION_MANAGERS, HOLIDAY_REGIONS, pools).',
      },
    ];
  }
  return findings;
}

export const peopleCheck: Check = { title: 'People', needs: ['settings', 'slack'], run: checkPeople };
