import { currentProgram, programRevision } from '../db/repositories/program.js';
import { asImported, programHolds, settingsParts } from '../program/importOnce.js';
import { SINGLE } from '../program/kinds.js';
import { envDayHours } from '../program/settings.js';
import { programStateOf } from '../program/state.js';
import { type Check, type DoctorContext, type Finding, installationDb } from './types.js';

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The settings of earlier versions that are set, with the parts they give (a file that does not read is the policy file check's). */
function partsSet(ctx: DoctorContext): ReturnType<typeof settingsParts> {
  if (!ctx.config) return [];
  try {
    return settingsParts(ctx.config);
  } catch {
    return [];
  }
}

const settingsOf = (parts: ReturnType<typeof settingsParts>) => [...new Set(parts.map((p) => p.setting))];

/**
 * The settings of earlier versions still set: one whose part the program holds is not read (a pass when it says what
 * the first start read in, else a warning); one whose part it does not hold yet is read at the next start.
 */
function settingFindings(
  parts: ReturnType<typeof settingsParts>,
  rows: Awaited<ReturnType<typeof currentProgram>>,
) {
  const findings: Finding[] = [];
  const set = settingsOf(parts);
  const ignored = settingsOf(parts.filter((p) => programHolds(rows, p.kind, p.key)));
  const pending = set.filter((s) => !ignored.includes(s));
  if (pending.length > 0)
    findings.push({
      status: 'pass',
      text: `The next start reads ${pending.join(', ')} into the program, once.`,
    });
  // A fresh install sets ADMIN_USER_IDS as the README says and its first start reads it in: nothing to warn of.
  const read = ignored.filter((setting) => asImported(setting, parts, rows));
  if (read.length > 0) {
    const one = read.length === 1 && !read[0]?.includes(',');
    findings.push({
      status: 'pass',
      text: one
        ? `${read.join(', ')} was read into the program at its first start and is not read again: edit it in Slack (App Home → The program). It may be removed from the environment.`
        : `${read.join(', ')} were read into the program at its first start and are not read again: edit them in Slack (App Home → The program). They may be removed from the environment.`,
    });
  }
  for (const setting of ignored.filter((s) => !read.includes(s)))
    findings.push({
      status: 'warn',
      text: `${setting} is set, but the program holds what it says: it is no longer read.`,
      fix: 'Remove it from the environment; edit the program in Slack (App Home → The program), or with npm run config.',
    });
  return findings;
}

/**
 * The program as data: what it holds, parts that do not read, whether anyone can edit it in Slack, and the
 * settings of earlier versions still set (read once, at the first start; not read afterwards). Its pools and policies
 * are what the checks after it look at (the channels and people they name).
 */
async function checkProgram(ctx: DoctorContext): Promise<Finding[]> {
  const db = await installationDb(ctx);
  const config = ctx.config;
  if (!db || !config) return [];
  const [revision, rows] = await Promise.all([programRevision(db), currentProgram(db)]);
  const parts = partsSet(ctx);
  const set = settingsOf(parts);
  if (revision.entries === 0) {
    const findings: Finding[] = [
      {
        status: 'pass',
        text:
          set.length > 0
            ? `The program is empty: the next start reads ${set.join(', ')} into it, once.`
            : 'The program is empty: the default policy, and no admin named yet.',
      },
    ];
    if (config.seed.adminUserIds.length === 0)
      findings.push({
        status: 'warn',
        text: 'No admin: nobody can edit the program in Slack.',
        fix: 'Set ADMIN_USER_IDS to the first admin (read once, at the next start); they name the others in the App Home.',
      });
    return findings;
  }
  const unreadable: Finding[] = [];
  const state = programStateOf(revision.newest, rows, envDayHours(config.programSettings), (part, problems) =>
    unreadable.push({ status: 'fail', text: `The program's ${part} does not read: ${problems.join('; ')}.` }),
  );
  if (state.book) ctx.book = state.book;
  ctx.program = { state, holds: (kind, key = SINGLE) => programHolds(rows, kind, key) };
  const newest = rows.reduce((a, b) => (a.id > b.id ? a : b));
  const findings: Finding[] = [
    {
      status: 'pass',
      text: `The program: ${[
        count(Object.keys(state.bookJson.pools).length, 'pool'),
        count(Object.keys(state.bookJson.policies).length, 'escalation policy', 'escalation policies'),
        count(state.closures.length, 'closure day'),
        count(state.roles.admin.users.length, 'admin'),
        count(state.roles.revops.users.length, 'RevOps person', 'RevOps people'),
        count(Object.keys(state.people).length, 'person with their own days', 'people with their own days'),
      ].join(', ')}; last edited ${newest.at.toISOString()} by ${newest.actor}.`,
    },
    ...unreadable,
  ];
  if (state.roles.admin.users.length === 0 && !state.roles.admin.usergroup)
    findings.push({
      status: 'warn',
      text: 'The program names no admin: nobody can edit its roles, pools or calendar in Slack.',
      fix: rows.some((r) => r.kind === 'roles')
        ? 'Name one with npm run config -- import (a file with "roles": { "admin": { "users": ["U…"] } }) and --apply.'
        : 'Set ADMIN_USER_IDS to the first admin: the next start reads it into the program, once.',
    });
  findings.push(...settingFindings(parts, rows));
  return findings;
}

export const programCheck: Check = {
  title: 'The program',
  needs: ['settings', 'database'],
  run: checkProgram,
};
