import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  currentProgram,
  type ProgramLogRow,
  programRevision,
  programVersions,
} from '../db/repositories/program.js';
import type { OwnWeek } from '../domain/businessDays.js';
import type { Policy } from '../domain/escalation.js';
import { type HolidayCalendar, holidayCalendar } from '../domain/holidays.js';
import type { Logger } from '../logger.js';
import type { TimerHandle, Timers } from '../runtime/timers.js';
import { parsePinnedPolicy } from './book.js';
import { type EditResult, keyOf, type ProgramEdit, writeApplied, writeEdits } from './edits.js';
import { groupMembersOf, roleGroupsHeld, roleGroupsOf } from './groups.js';
import { settingsOver } from './settings.js';
import { type ProgramState, personRegions, programStateOf } from './state.js';

export { APPLIED_NOTE, type EditResult, editProblems, type ProgramEdit } from './edits.js';

/** How often each process asks whether the program changed (one indexed query): a replica sees an edit this soon. */
export const PROGRAM_FOLLOW_MS = 3000;

export interface ProgramDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The length of a business day in hours ("2d" in a policy). */
  dayHours: number;
  /** A role's user group's members (usergroups.users.list); absent: a group holds no one. */
  usergroupMembers?: (usergroupId: string) => Promise<string[]>;
}

/** What a process read of the program last. */
interface Read {
  state: ProgramState;
  /** The holiday calendar of its holidays, closures and people's regions. */
  calendar: HolidayCalendar;
  /** Every policy version ever written, by id: a handoff pinned to an old one reads it without a query. */
  versions: Map<number, ProgramLogRow>;
  /** Its revision (programRevision, as `newest:entries`): undefined until the first read. */
  seen: string | undefined;
  /** The pinned versions read so far, by policy and version (emptied at each read: they are read against its pools). */
  pinned: Map<string, Policy | undefined>;
}

/** Before the first read: the program as if empty. */
const emptyRead = (dayHours: number): Read => ({
  state: programStateOf(0, [], dayHours, () => {}),
  calendar: holidayCalendar('by_zone', []),
  versions: new Map(),
  seen: undefined,
  pinned: new Map(),
});

/** The program as it is now, when it moved since `seen` (undefined: it did not, one query). */
async function readProgram(deps: ProgramDeps, seen: string | undefined) {
  const revision = await programRevision(deps.db);
  const key = `${revision.newest}:${revision.entries}`;
  if (key === seen) return undefined;
  const [rows, policyRows] = await Promise.all([currentProgram(deps.db), programVersions(deps.db, 'policy')]);
  const state = programStateOf(revision.newest, rows, deps.dayHours, (what, problems) =>
    deps.logger.warn({ part: what, problems }, 'a part of the program does not read'),
  );
  const groups = await groupMembersOf(deps, roleGroupsOf(state));
  return { key, state, policyRows, groups };
}

/**
 * The holiday calendar the window planner holds for the app's life, reading the program as it is now: public
 * holidays (everyone's setting, or a person's own regions), closures, the weekdays a person does not work, and
 * each person's own week and hours (`ownWeek`).
 */
function liveCalendarOf(read: Read): HolidayCalendar & { ownWeek: (person: string) => OwnWeek | undefined } {
  const notWorking = (isoDate: string, person: string | undefined): boolean => {
    const days = person ? read.state.people[person]?.workingDays : undefined;
    return Boolean(days && !days.includes(DateTime.fromISO(isoDate).weekday));
  };
  const isHoliday = (isoDate: string, timeZone?: string, person?: string): boolean =>
    read.calendar(isoDate, timeZone, person) || notWorking(isoDate, person);
  const live = Object.assign(isHoliday, {
    why: (isoDate: string, timeZone?: string, person?: string) =>
      read.calendar.why(isoDate, timeZone, person) ??
      (notWorking(isoDate, person) ? 'not one of their working days' : undefined),
    regionsFor: (timeZone: string | undefined, person?: string) => read.calendar.regionsFor(timeZone, person),
    /** The business-day cache's key (domain/businessDays.ts): an edit of the program, or of their days, renews it. */
    daysKey: (timeZone: string | undefined, person?: string) =>
      `${read.seen}|${read.calendar.regionsFor(timeZone, person).join(',')}|${(person && read.state.people[person]?.workingDays?.join('')) ?? ''}`,
    chosenFor: (person: string | undefined) => read.calendar.chosenFor(person),
    regions: read.calendar.regions,
    /** A person's own week and hours (the window planner counts their window in them), when they set any. */
    ownWeek: (person: string): OwnWeek | undefined => {
      const own = read.state.people[person];
      return own?.workingDays || own?.hours ? { workingDays: own.workingDays, hours: own.hours } : undefined;
    },
  });
  // Everyone's regions as the program says now: a getter (Object.assign copies a getter's value of the moment).
  Object.defineProperty(live, 'regions', { get: () => read.calendar.regions, enumerable: true });
  return live;
}

/** A policy as one of its versions said it, read against today's pools (cached until the program is read again). */
function pinnedPolicyOf(read: Read) {
  return (name: string, version: number): Policy | undefined => {
    const cached = `${name}\u0000${version}`;
    if (read.pinned.has(cached)) return read.pinned.get(cached);
    const entry = read.versions.get(version);
    const policy =
      entry && entry.kind === 'policy' && entry.key === name && entry.body !== null
        ? parsePinnedPolicy(name, entry.body, read.state.bookJson.pools, read.state.dayHours)
        : undefined;
    read.pinned.set(cached, policy);
    return policy;
  };
}

/**
 * A `refresh` that shares a read under way; but a read begun before the call is followed by one more (which the
 * callers meanwhile share), so a refresh always sees what was committed before it was asked for.
 */
function sharedReads(load: () => Promise<void>): () => Promise<void> {
  let reading: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (reading) {
      again ??= reading
        .catch(() => undefined)
        .then(() => {
          again = undefined;
          return refresh();
        });
      return again;
    }
    reading = load().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  return refresh;
}

/**
 * The partner program as data: read from `program_log`, checked by the policy file's rules on every edit
 * (program/edits.ts), and reread by every process when it changes (a process asks for the newest revision before
 * each sweep and every few seconds), so an edit takes effect without a restart, on every replica. Services wired
 * once read it through the live views below: the same arrays and objects, refilled in place when the program changes.
 */
export function createProgram(deps: ProgramDeps) {
  const read = emptyRead(deps.dayHours);
  /** The live views: stable instances, refilled in place. */
  const adminUserIds: string[] = [];
  const revopsUserIds: string[] = [];
  const managers: Record<string, string> = {};
  const groups = roleGroupsHeld(deps, adminUserIds, revopsUserIds);

  const refresh = sharedReads(async () => {
    const next = await readProgram(deps, read.seen);
    if (!next) return;
    Object.assign(read, {
      state: next.state,
      seen: next.key,
      versions: new Map(next.policyRows.map((r) => [r.id, r])),
      calendar: holidayCalendar(next.state.holidays, next.state.closures, personRegions(next.state.people)),
    });
    read.pinned.clear();
    groups.set(next.groups, next.state);
    for (const k of Object.keys(managers)) delete managers[k];
    Object.assign(managers, next.state.managers);
  });

  /** Writes edits together (edits.ts `writeEdits`), then rereads the program: the edit is in force when it returns. */
  async function editMany(edits: readonly ProgramEdit[]): Promise<EditResult> {
    const { result, written } = await writeEdits(deps, edits);
    if (written.length === 0) return result;
    const parts = written.map((e) => `${e.kind}:${keyOf(e)}`);
    deps.logger.info(
      { parts, version: result.ok && result.version, actor: written[0]?.actor },
      'program edited',
    );
    await refresh();
    return result;
  }

  return {
    refresh,
    /** One edit (see editMany). */
    edit: (e: ProgramEdit) => editMany([e]),
    editMany,
    /** "Apply to open handoffs" (audited, edits.ts `writeApplied`): returns the handoffs that moved to it. */
    async applyToOpen(actor: string, policy: string): Promise<number[]> {
      const ids = await writeApplied(deps, actor, policy);
      await refresh();
      deps.logger.info({ policy, handoffs: ids, actor }, 'policy applied to open handoffs');
      return ids;
    },
    state: () => read.state,
    book: () => read.state.book,
    /** A role's user group's members as last read (program/groups.ts), and a reread of them (the pools job). */
    groupMembers: groups.members,
    refreshGroups: () => groups.reread(() => read.state),
    /** Whether a role names a user group (the pools job has something to read again). */
    hasGroups: () => roleGroupsOf(read.state).length > 0,
    /** The live views: the same instances for the app's life, refilled when the program changes. */
    adminUserIds: adminUserIds as readonly string[],
    revopsUserIds: revopsUserIds as readonly string[],
    managers: managers as Readonly<Record<string, string>>,
    calendar: liveCalendarOf(read),
    closures: () => read.state.closures,
    person: (userId: string) => read.state.people[userId],
    /** The program's settings in force, each read when used (program/settings.ts `Settings`). */
    settings: settingsOver(() => read.state.settings),
    /** The version in force of a policy (undefined: the built-in default, or no such policy). */
    policyVersion: (name: string | null | undefined) => (name ? read.state.policyVersions[name] : undefined),
    /** A policy as a version said it (a version never changes; its pools are today's). */
    pinnedPolicy: pinnedPolicyOf(read),
    /** Read again when one look for every installation found it elsewhere (`programRevisions`, sharedLooks.ts). */
    catchUp: (revision: string): Promise<void> => (revision === read.seen ? Promise.resolve() : refresh()),
    ...followerOf(refresh, deps.logger),
  };
}

/** Rereads every few seconds, so an edit another replica made applies here too (a token deployment's one program). */
function followerOf(refresh: () => Promise<void>, logger: Logger) {
  let timer: TimerHandle | undefined;
  return {
    follow(timers: Timers, everyMs: number): void {
      timer ??= timers.setInterval(
        () => void refresh().catch((err) => logger.warn({ err }, 'could not reread the program')),
        everyMs,
      );
      timer.unref?.();
    },
    stop(timers: Timers): void {
      timers.clearInterval(timer);
      timer = undefined;
    },
  };
}

export type Program = ReturnType<typeof createProgram>;
