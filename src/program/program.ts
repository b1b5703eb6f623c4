import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  appendProgramEntry,
  currentProgram,
  lockProgram,
  type ProgramLogRow,
  programHistory,
  programRevision,
  programVersions,
  repinOpenHandoffs,
} from '../db/repositories/program.js';
import type { Policy } from '../domain/escalation.js';
import { type HolidayCalendar, holidayCalendar } from '../domain/holidays.js';
import { OPEN_STATUSES } from '../domain/lifecycleState.js';
import type { Logger } from '../logger.js';
import type { TimerHandle, Timers } from '../runtime/timers.js';
import { bookJsonOf, bookProblems, parsePinnedPolicy } from './book.js';
import { type People, PROGRAM_KINDS, type ProgramKindName, SINGLE } from './kinds.js';
import { type ProgramState, personRegions, programStateOf } from './state.js';

/** The note of an "apply to open handoffs" entry in the program's history. */
export const APPLIED_NOTE = 'applied to the open handoffs under this policy';

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

/** An edit: who, which part, its new value (null: remove it), and why when it says more than the edit. */
export interface ProgramEdit {
  actor: string;
  kind: ProgramKindName;
  key?: string;
  body: unknown;
  note?: string;
}

export type EditResult =
  | { ok: true; version: number; changed: boolean }
  /** Each problem with its place (the policy file's, `pools.emea.users[0]`, or the part's field, `regions[1]`). */
  | { ok: false; problems: string[] };

const keyOf = (edit: Pick<ProgramEdit, 'kind' | 'key'>) =>
  PROGRAM_KINDS[edit.kind]?.keyed ? (edit.key ?? '') : SINGLE;

/** JSON with each object's keys in order: a value read back from Postgres (jsonb orders keys) equals the one written. */
const canonical = (value: unknown): string =>
  JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** The edits that change their part (or say why: a note is written even with the same value). */
function changedEdits(rows: readonly ProgramLogRow[], edits: readonly ProgramEdit[]): ProgramEdit[] {
  return edits.filter((e) => {
    const current = rows.find((r) => r.kind === e.kind && r.key === keyOf(e));
    return e.note !== undefined || canonical(current?.body) !== canonical(e.body);
  });
}

/** The program as it would be after these edits: the current entries, each edited part replaced. */
function afterEdits(state: ProgramState, edits: readonly ProgramEdit[]) {
  const edited = new Set(edits.map((e) => `${e.kind}\u0000${keyOf(e)}`));
  return [
    ...state.rows.filter((r) => !edited.has(`${r.kind}\u0000${r.key}`)),
    ...edits.map((e) => ({ kind: e.kind as string, key: keyOf(e), body: e.body })),
  ];
}

/** The problems of edits against the program as it is (none: they may be written together). */
export function editProblems(state: ProgramState, edits: readonly ProgramEdit[], dayHours: number): string[] {
  const problems: string[] = [];
  for (const edit of edits) {
    const kind = PROGRAM_KINDS[edit.kind];
    if (!kind) {
      problems.push(`${String(edit.kind)}: not a part of the program`);
      continue;
    }
    if (kind.keyed && !keyOf(edit)) problems.push(`a ${kind.label} needs its id`);
    if (kind.book || edit.body === null || !('schema' in kind)) continue;
    const parsed = kind.schema.safeParse(edit.body);
    if (!parsed.success)
      problems.push(
        ...parsed.error.issues.map((i) => `${i.path.map(String).join('.') || kind.label}: ${i.message}`),
      );
  }
  // The book's parts are read together, as the file is: a policy naming a pool the edit removes is a problem.
  if (edits.some((e) => PROGRAM_KINDS[e.kind]?.book))
    problems.push(...bookProblems(bookJsonOf(afterEdits(state, edits)), dayHours));
  return problems;
}

/**
 * The partner program as data (issue 53): read from `program_log`, checked by the policy file's rules on every edit,
 * and reread by every process when it changes (a process asks for the newest revision before each sweep and every
 * few seconds), so an edit takes effect without a restart, on every replica. Services wired once read it through
 * the live views below: the same arrays and objects, refilled in place when the program changes.
 */
export function createProgram(deps: ProgramDeps) {
  let state: ProgramState = programStateOf(0, [], deps.dayHours, () => {});
  let calendar: HolidayCalendar = holidayCalendar('by_zone', []);
  const pinned = new Map<number, Policy | undefined>();
  /** Every policy version ever written, by id: a handoff pinned to an old one reads it without a query. */
  let versions = new Map<number, ProgramLogRow>();
  /** The live views: stable instances, refilled in place. */
  const adminUserIds: string[] = [];
  const revopsUserIds: string[] = [];
  const managers: Record<string, string> = {};
  let reading: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  /** The program's revision as last read (programRevision): undefined until the first read. */
  let seen: string | undefined;

  async function membersOf(people: People): Promise<string[]> {
    const ids = new Set(people.users);
    if (people.usergroup && deps.usergroupMembers) {
      try {
        for (const id of await deps.usergroupMembers(people.usergroup)) ids.add(id);
      } catch (error) {
        deps.logger.warn(
          { usergroup: people.usergroup, err: error },
          'could not read the user group of a role',
        );
      }
    }
    return [...ids];
  }

  async function load(): Promise<void> {
    const revision = await programRevision(deps.db);
    const key = `${revision.newest}:${revision.entries}`;
    if (key === seen) return;
    const [rows, policyRows] = await Promise.all([
      currentProgram(deps.db),
      programVersions(deps.db, 'policy'),
    ]);
    const next = programStateOf(revision.newest, rows, deps.dayHours, (what, problems) =>
      deps.logger.warn({ part: what, problems }, 'a part of the program does not read'),
    );
    const [admins, revops] = await Promise.all([membersOf(next.roles.admin), membersOf(next.roles.revops)]);
    state = next;
    seen = key;
    versions = new Map(policyRows.map((r) => [r.id, r]));
    // A pinned version is read against today's pools, and one not known when first asked is known now.
    pinned.clear();
    calendar = holidayCalendar(next.holidays, next.closures, personRegions(next.people));
    adminUserIds.splice(0, adminUserIds.length, ...admins);
    revopsUserIds.splice(0, revopsUserIds.length, ...revops);
    for (const k of Object.keys(managers)) delete managers[k];
    Object.assign(managers, next.managers);
  }

  /**
   * Rereads the program if it changed (one query when it did not). The read begins after the call, so it sees what
   * was committed before it: a read already under way (begun perhaps before) is followed by one more, which the
   * callers meanwhile share.
   */
  function refresh(): Promise<void> {
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
  }

  /**
   * Writes edits together, after checking them against the program as it is when they are written (under the
   * program's lock: nothing is written when one has a problem); an edit that changes nothing is not written. Returns
   * the version of the last part written.
   */
  async function editMany(edits: readonly ProgramEdit[]): Promise<EditResult> {
    const result = await deps.db.transaction(
      async (tx): Promise<EditResult & { written?: ProgramEdit[] }> => {
        await lockProgram(tx);
        const rows = await currentProgram(tx);
        const problems = editProblems(
          programStateOf(0, rows, deps.dayHours, () => {}),
          edits,
          deps.dayHours,
        );
        if (problems.length > 0) return { ok: false, problems };
        const changed = changedEdits(rows, edits);
        if (changed.length === 0) {
          const last = edits.at(-1);
          const current = last && rows.find((r) => r.kind === last.kind && r.key === keyOf(last));
          return { ok: true, version: current?.id ?? 0, changed: false };
        }
        let version = 0;
        for (const e of changed)
          version = await appendProgramEntry(tx, {
            kind: e.kind,
            key: keyOf(e),
            body: e.body,
            actor: e.actor,
            note: e.note ?? null,
            at: deps.clock.now(),
          });
        return { ok: true, version, changed: true, written: changed };
      },
    );
    if (!result.ok || !result.changed) return result;
    const { written = [], ...edited } = result;
    deps.logger.info(
      {
        parts: written.map((e) => `${e.kind}:${keyOf(e)}`),
        version: edited.version,
        actor: written[0]?.actor,
      },
      'program edited',
    );
    await refresh();
    return edited;
  }

  /**
   * "Apply to open handoffs" (audited): the policy's version in force is written again with this note, and its open
   * handoffs are pinned to it. Returns the handoffs that moved to it.
   */
  async function applyToOpen(actor: string, policy: string): Promise<number[]> {
    const ids = await deps.db.transaction(async (tx) => {
      await lockProgram(tx);
      const [current] = await programHistory(tx, 'policy', policy, 1);
      if (!current || current.body === null) return [];
      const version = await appendProgramEntry(tx, {
        kind: 'policy',
        key: policy,
        body: current.body,
        actor,
        note: APPLIED_NOTE,
        at: deps.clock.now(),
      });
      return repinOpenHandoffs(tx, policy, version, OPEN_STATUSES);
    });
    await refresh();
    deps.logger.info({ policy, handoffs: ids, actor }, 'policy applied to open handoffs');
    return ids;
  }

  /** The closed days, asked by date, zone and person: public holidays, closures, and days a person does not work. */
  const isHoliday = (isoDate: string, timeZone?: string, person?: string): boolean =>
    calendar(isoDate, timeZone, person) || notWorking(isoDate, person);
  function notWorking(isoDate: string, person: string | undefined): boolean {
    const days = person ? state.people[person]?.workingDays : undefined;
    return Boolean(days && !days.includes(DateTime.fromISO(isoDate).weekday));
  }
  const liveCalendar: HolidayCalendar = Object.assign(isHoliday, {
    why: (isoDate: string, timeZone?: string, person?: string) =>
      calendar.why(isoDate, timeZone, person) ??
      (notWorking(isoDate, person) ? 'not one of their working days' : undefined),
    regionsFor: (timeZone: string | undefined, person?: string) => calendar.regionsFor(timeZone, person),
    chosenFor: (person: string | undefined) => calendar.chosenFor(person),
    get regions() {
      return calendar.regions;
    },
  });

  let timer: TimerHandle | undefined;
  return {
    refresh,
    /** One edit (see editMany). */
    edit: (e: ProgramEdit) => editMany([e]),
    editMany,
    applyToOpen,
    state: () => state,
    book: () => state.book,
    /** The live views: the same instances for the app's life, refilled when the program changes. */
    adminUserIds: adminUserIds as readonly string[],
    revopsUserIds: revopsUserIds as readonly string[],
    managers: managers as Readonly<Record<string, string>>,
    calendar: liveCalendar,
    closures: () => state.closures,
    person: (userId: string) => state.people[userId],
    /** The version in force of a policy (undefined: the built-in default, or no such policy). */
    policyVersion: (name: string | null | undefined) => (name ? state.policyVersions[name] : undefined),
    /** A policy as a version said it (cached: a version never changes). */
    pinnedPolicy(name: string, version: number): Policy | undefined {
      if (pinned.has(version)) return pinned.get(version);
      const entry = versions.get(version);
      const policy =
        entry && entry.kind === 'policy' && entry.key === name && entry.body !== null
          ? parsePinnedPolicy(name, entry.body, state.bookJson.pools, deps.dayHours)
          : undefined;
      pinned.set(version, policy);
      return policy;
    },
    /** Rereads every few seconds, so an edit another replica made applies here too. */
    follow(timers: Timers, everyMs: number): void {
      timer ??= timers.setInterval(() => {
        refresh().catch((error) => deps.logger.warn({ err: error }, 'could not reread the program'));
      }, everyMs);
      timer.unref?.();
    },
    stop(timers: Timers): void {
      timers.clearInterval(timer);
      timer = undefined;
    },
  };
}

export type Program = ReturnType<typeof createProgram>;

/**
 * The settings as the services read them, with the program's live views where settings used to say it: the roles,
 * the managers. The same object for the app's life; the views refill when the program changes.
 */
export function liveConfig(config: Config, program: Program): Config {
  return Object.freeze({
    ...config,
    adminUserIds: program.adminUserIds,
    revopsUserIds: program.revopsUserIds,
    responseWindow: Object.freeze({ ...config.responseWindow, managers: program.managers }),
  });
}
