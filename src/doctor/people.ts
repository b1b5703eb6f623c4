import type { Config } from '../config.js';
import type { PolicyBook } from '../domain/policyFile.js';
import type { DirectoryUser } from '../services/directory.js';
import { lookupFailure } from './lookups.js';
import {
  type Check,
  type DoctorContext,
  type Finding,
  HOW_TO_FIND,
  noteFound,
  type SlackIdentity,
} from './types.js';

/** The settings that name people by Slack user id. A new one is one entry here. */
const PEOPLE_SETTINGS: readonly { place: string; ids(config: Config): readonly string[] }[] = [
  { place: 'ADMIN_USER_IDS', ids: (c) => c.adminUserIds },
  { place: 'REVOPS_USER_IDS', ids: (c) => c.revopsUserIds },
  { place: 'ESCALATION_MANAGERS', ids: (c) => Object.entries(c.responseWindow.managers).flat() },
  { place: 'HOLIDAY_REGIONS', ids: (c) => Object.keys(c.calendar.holidayRegionsByPerson) },
];

/** Every person the settings and the policy file's pools name, with the places that name them, in order. */
export function peoplePlaces(config: Config, book: PolicyBook | undefined): Map<string, string[]> {
  const places = new Map<string, string[]>();
  const add = (id: string, place: string) => {
    const known = places.get(id) ?? [];
    if (!known.includes(place)) places.set(id, [...known, place]);
  };
  for (const { place, ids } of PEOPLE_SETTINGS) for (const id of ids(config)) add(id, place);
  for (const [name, pool] of Object.entries(book?.pools ?? {})) {
    if (pool.kind !== 'users') continue;
    for (const [i, id] of pool.users.entries()) add(id, `pools.${name}.users[${i}]`);
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

/** The user groups of the policy file's pools: Slack knows them (their members are read when needed). */
async function groupFindings(ctx: DoctorContext): Promise<Finding[]> {
  const slack = ctx.slack;
  const findings: Finding[] = [];
  for (const [name, pool] of Object.entries(ctx.book?.pools ?? {})) {
    if (pool.kind !== 'usergroup' || !slack?.directory.usergroupMembers) continue;
    const place = `pools.${name}.usergroup ${pool.id}`;
    try {
      const members = await slack.directory.usergroupMembers(pool.id);
      findings.push({ status: 'pass', text: `${place}: a user group of ${members.length} members.` });
    } catch (error) {
      findings.push(lookupFailure(place, error));
    }
  }
  return findings;
}

/** Every person the settings and the policy file name: exists, shown by name so a wrong id is obvious. */
async function checkPeople(ctx: DoctorContext): Promise<Finding[]> {
  const { config, slack } = ctx;
  if (!config || !slack) return [];
  const places = peoplePlaces(config, ctx.book);
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
        text: 'No setting names a person (ADMIN_USER_IDS, REVOPS_USER_IDS, ESCALATION_MANAGERS, HOLIDAY_REGIONS, pools).',
      },
    ];
  }
  return findings;
}

export const peopleCheck: Check = { title: 'People', needs: ['settings', 'slack'], run: checkPeople };
