import { ownDaysNotice, ownPauseNotice } from '../blocks/myDays.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { enqueue, type OutboxMessage } from '../db/repositories/outbox.js';
import { isInternalActor } from '../domain/actor.js';
import { isoDateIn } from '../domain/businessDays.js';
import type { HolidaysFor, OwnDays, Pause, PoolOfPerson } from '../domain/ownDays.js';
import { pausedOn, regionsFromText } from '../domain/ownDays.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { Pool } from '../domain/policyFile.js';
import type { Logger } from '../logger.js';
import { type OwnHours, type PersonBody, personSchema } from './kinds.js';
import { holderProblem, personNamed } from './people.js';
import type { Program } from './program.js';

export interface MyDaysDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  onOutboxWrite: () => void;
  program: Pick<Program, 'edit' | 'person' | 'book' | 'calendar' | 'groupMembers'>;
  directory: Pick<Directory, 'lookupUser' | 'lookupByEmail'>;
  /** A pool's members now (a user group's read from Slack): whose managers hear of a pause. */
  members: (pool: string) => Promise<string[]>;
  /** Members of our workspaces: the App Home of anyone else has no "Your days". */
  internalTeamIds: () => readonly string[];
  /** The zone of someone whose own is not known. */
  defaultTimeZone: string;
  /** Who may pause someone else (`pauseOthers`). */
  roles: ProgramRoles;
}

/** The form's fields, as the person sent them. */
export interface MyDaysForm {
  workingDays: readonly number[];
  /** "Your day starts" and "ends" (HH:MM), if given: both or neither. */
  starts?: string | undefined;
  ends?: string | undefined;
  /** The regions as typed ("US, DE-BY", "none", empty). */
  regions: string;
  /** "Out of my pools until" (YYYY-MM-DD), if given. */
  until?: string | undefined;
  untilResumed: boolean;
}

export type MyDaysField = 'days' | 'starts' | 'ends' | 'regions' | 'until';

export type MyDaysResult =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; field: MyDaysField; message: string }
  | { kind: 'saved'; body: PersonBody; pools: PoolOfPerson[]; byGroup: boolean; paused?: Pause };

const WEEK = [1, 2, 3, 4, 5, 6, 7];
const FIELD_OF: Record<string, MyDaysField> = {
  regions: 'regions',
  workingDays: 'days',
  hours: 'ends',
  paused: 'until',
};

/** Monday to Friday, the default week: not kept as their own. */
const isDefaultWeek = (days: readonly number[]) => days.join(',') === '1,2,3,4,5';

/** A body of only what differs from the defaults (null: nothing does, the part is removed). */
function bodyOf(body: PersonBody): PersonBody | null {
  const out: PersonBody = {};
  if (body.regions !== undefined) out.regions = body.regions;
  if (body.workingDays && !isDefaultWeek(body.workingDays)) out.workingDays = body.workingDays;
  if (body.hours) out.hours = body.hours;
  if (body.paused !== undefined) out.paused = body.paused;
  return Object.keys(out).length > 0 ? out : null;
}

/** The listed pools a person is in, and whether any pool is by user group. */
export function poolsOfPerson(
  pools: Readonly<Record<string, Pool>> | undefined,
  userId: string,
): { pools: PoolOfPerson[]; byGroup: boolean } {
  const entries = Object.entries(pools ?? {});
  return {
    pools: entries
      .filter(([, p]) => p.kind === 'users' && p.users.includes(userId))
      .map(([id, p]) => ({ id, name: p.displayName, managers: p.managers ?? [] })),
    byGroup: entries.some(([, p]) => p.kind === 'usergroup'),
  };
}

async function zoneOf(deps: MyDaysDeps, userId: string): Promise<string | undefined> {
  try {
    return (await deps.directory.lookupUser(userId))?.timeZone;
  } catch {
    return undefined;
  }
}

const todayOf = (deps: MyDaysDeps, timeZone: string | undefined) =>
  isoDateIn(deps.clock.now(), timeZone ?? deps.defaultTimeZone);

function holidaysOf(deps: MyDaysDeps, userId: string, timeZone: string | undefined): HolidaysFor {
  const chosen = deps.program.calendar.chosenFor(userId);
  const regions = deps.program.calendar.regionsFor(timeZone, userId);
  if (chosen === 'person') return { kind: 'own', regions };
  if (chosen === 'none') return { kind: 'none' };
  if (chosen === 'by_zone') return { kind: 'zone', regions, ...(timeZone ? { timeZone } : {}) };
  return { kind: 'everyone', regions };
}

/** What the App Home says of a person's days (undefined: not one of ours, no "Your days" for them). */
async function ownDaysOf(deps: MyDaysDeps, userId: string): Promise<OwnDays | undefined> {
  let timeZone: string | undefined;
  try {
    const person = await deps.directory.lookupUser(userId);
    if (person && (person.isBot || !deps.internalTeamIds().includes(person.teamId))) return undefined;
    timeZone = person?.timeZone;
  } catch {
    // Slack cannot say now: the section says "your time zone's country".
  }
  const own = deps.program.person(userId);
  const paused = own?.paused && pausedOn(own.paused, todayOf(deps, timeZone)) ? own.paused : undefined;
  return {
    workingDays: own?.workingDays,
    hours: own?.hours,
    timeZone,
    holidays: holidaysOf(deps, userId, timeZone),
    paused,
    ...poolsOfPerson(deps.program.book()?.pools, userId),
  };
}

/** Every pool the person is in (a user group's members read from Slack), for the managers to tell. */
async function poolsWith(deps: MyDaysDeps, userId: string): Promise<PoolOfPerson[]> {
  const found: PoolOfPerson[] = [];
  for (const [id, pool] of Object.entries(deps.program.book()?.pools ?? {})) {
    let members: string[] = [];
    try {
      members = pool.kind === 'users' ? pool.users : await deps.members(id);
    } catch (error) {
      deps.logger.warn({ pool: id, err: error }, 'could not read the members of a pool');
    }
    // Its managers, named and in its managers' user group (as the program read it last).
    const group = pool.managersGroup ? deps.program.groupMembers(pool.managersGroup) : [];
    const managers = [...new Set([...(pool.managers ?? []), ...group])];
    if (members.includes(userId)) found.push({ id, name: pool.displayName, managers });
  }
  return found;
}

/**
 * Tells each manager of the person's pools that they paused or came back (not the person, nor whoever did it); and
 * the person too when someone else (an admin) paused or resumed them.
 */
async function tellManagers(
  deps: MyDaysDeps,
  userId: string,
  actor: string,
  version: number,
  pools: PoolOfPerson[],
  paused?: Pause,
): Promise<void> {
  const managers = [...new Set(pools.flatMap((p) => p.managers))].filter((m) => m !== userId && m !== actor);
  const messages: OutboxMessage[] = managers.map((manager) => {
    const theirs = pools.filter((p) => p.managers.includes(manager)).map((p) => p.name);
    return {
      method: 'chat.postMessage',
      dedupeKey: `own-days:${userId}:${version}:${manager}`,
      channel: manager,
      payload: ownDaysNotice({
        person: userId,
        pools: theirs,
        ...(paused ? { paused } : {}),
        ...(actor !== userId ? { by: actor } : {}),
      }),
    };
  });
  if (actor !== userId)
    messages.push({
      method: 'chat.postMessage',
      dedupeKey: `own-days:${userId}:${version}:${userId}`,
      channel: userId,
      payload: ownPauseNotice({ by: actor, pools: pools.map((p) => p.name), ...(paused ? { paused } : {}) }),
    });
  if (messages.length === 0) return;
  const now = deps.clock.now();
  await deps.db.transaction((tx) => enqueue(tx, messages, now));
  deps.onOutboxWrite();
}

/** Writes the person's own part (`actor`: who did it, themselves or an admin); tells who must know of a pause. */
async function write(
  deps: MyDaysDeps,
  userId: string,
  body: PersonBody,
  actor: string = userId,
): Promise<MyDaysResult> {
  // A pause whose last day has passed is no pause: ending it tells nobody.
  const before = await pausedNow(deps, userId);
  const result = await deps.program.edit({ actor, kind: 'person', key: userId, body: bodyOf(body) });
  if (!result.ok) {
    const problem = result.problems[0] ?? 'does not read';
    const field = FIELD_OF[problem.split(/[.:]/)[0] ?? ''] ?? 'days';
    return { kind: 'invalid', field, message: problem.replace(/^[^:]*:\s*/, '') };
  }
  const pools = await poolsWith(deps, userId);
  if (result.changed && before !== body.paused)
    await tellManagers(deps, userId, actor, result.version, pools, body.paused);
  deps.logger.info({ person: userId, actor, version: result.version }, 'own days saved');
  const { byGroup } = poolsOfPerson(deps.program.book()?.pools, userId);
  return { kind: 'saved', body, pools, byGroup, ...(body.paused ? { paused: body.paused } : {}) };
}

/** What is wrong with a pause's last day (a date of the calendar, today or later in their calendar), if anything. */
async function untilProblem(deps: MyDaysDeps, userId: string, until: string): Promise<string | undefined> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) return 'Give the last day as a date like 2026-12-03.';
  if (!personSchema.shape.paused.safeParse(until).success) return 'That is not a date of the calendar.';
  if (until < todayOf(deps, await zoneOf(deps, userId)))
    return 'Choose today or a later day: that one has passed.';
  return undefined;
}

/** Their pause now, if it keeps them out of their pools today (one whose last day has passed: none). */
async function pausedNow(deps: MyDaysDeps, userId: string): Promise<Pause | undefined> {
  const paused = deps.program.person(userId)?.paused;
  return paused && pausedOn(paused, todayOf(deps, await zoneOf(deps, userId))) ? paused : undefined;
}

/** The "Your days" form, saved: always the actor's own. */
async function save(deps: MyDaysDeps, ctx: RequestContext, form: MyDaysForm): Promise<MyDaysResult> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
  const userId = ctx.actor.userId;
  const workingDays = [...new Set(form.workingDays)].filter((d) => WEEK.includes(d)).sort((a, b) => a - b);
  if (workingDays.length === 0)
    return { kind: 'invalid', field: 'days', message: 'Choose at least one working day.' };
  const hours = hoursOf(form);
  if (hours && 'field' in hours) return { kind: 'invalid', ...hours };
  const regions = regionsFromText(form.regions);
  if (Array.isArray(regions) && regions.length > 5)
    return { kind: 'invalid', field: 'regions', message: 'Give at most 5 regions.' };
  const checked = personSchema.safeParse(regions !== undefined ? { regions } : {});
  if (!checked.success)
    return { kind: 'invalid', field: 'regions', message: checked.error.issues[0]?.message ?? 'not a region' };
  let paused: Pause | undefined;
  if (form.untilResumed) paused = 'until_resumed';
  else if (form.until) {
    const problem = await untilProblem(deps, userId, form.until);
    if (problem) return { kind: 'invalid', field: 'until', message: problem };
    paused = form.until;
  }
  return write(deps, userId, {
    ...(checked.data.regions !== undefined ? { regions: checked.data.regions } : {}),
    workingDays,
    ...(hours ? { hours } : {}),
    ...(paused ? { paused } : {}),
  });
}

/** The form's own hours: none, both times, or what is wrong on which field (the day's end after its start). */
function hoursOf(form: MyDaysForm): OwnHours | { field: 'starts' | 'ends'; message: string } | undefined {
  const { starts, ends } = form;
  if (!starts && !ends) return undefined;
  if (!starts) return { field: 'starts', message: 'Give the time your day starts too, or neither time.' };
  if (!ends) return { field: 'ends', message: 'Give the time your day ends too, or neither time.' };
  if (!CLOCK.test(starts)) return { field: 'starts', message: 'Give a time of day like 08:00.' };
  if (!CLOCK.test(ends)) return { field: 'ends', message: 'Give a time of day like 16:00.' };
  if (ends <= starts) return { field: 'ends', message: `Your day must end after it starts (${starts}).` };
  return { start: starts, end: ends };
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * `/handoff pause [until <date>]` and `/handoff resume` (undefined): only the pause changes. `userId`: whose pause,
 * the actor's own unless an admin (`pauseOthers`) names someone (see `personToPause`).
 */
async function pause(
  deps: MyDaysDeps,
  ctx: RequestContext,
  paused: Pause | undefined,
  userId: string = ctx.actor.userId,
): Promise<MyDaysResult> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
  if (userId !== ctx.actor.userId && !may(deps.roles, ctx, 'pauseOthers')) return { kind: 'forbidden' };
  if (paused && paused !== 'until_resumed') {
    const problem = await untilProblem(deps, userId, paused);
    if (problem) return { kind: 'invalid', field: 'until', message: problem };
  }
  const { paused: _was, ...rest } = deps.program.person(userId) ?? {};
  return write(deps, userId, { ...rest, ...(paused ? { paused } : {}) }, ctx.actor.userId);
}

/** Everyone in a pool now (a user group's members as Slack says): whom a command's plain `@name` may mean. */
async function poolMembers(deps: MyDaysDeps): Promise<string[]> {
  const all = new Set<string>();
  for (const [id, pool] of Object.entries(deps.program.book()?.pools ?? {})) {
    const members = pool.kind === 'users' ? pool.users : await deps.members(id).catch(() => []);
    for (const m of members) all.add(m);
  }
  return [...all];
}

/**
 * The person a word of `/handoff pause|resume <person>` names: a mention, member ID or email, or a plain `@name` of
 * someone in a pool; one of ours (not a bot, nor of another organization), or why not.
 */
async function personToPause(
  deps: MyDaysDeps,
  ctx: RequestContext,
  word: string,
): Promise<{ userId: string } | { problem: string }> {
  const named = await personNamed(
    {
      lookupUser: (id) => deps.directory.lookupUser(id),
      lookupByEmail: deps.directory.lookupByEmail
        ? (email) => deps.directory.lookupByEmail?.(email) ?? Promise.resolve(undefined)
        : undefined,
      candidates: () => poolMembers(deps),
    },
    word,
  );
  if ('problem' in named) return named;
  const problem = holderProblem(named.user, `<@${named.user.id}>`, ctx.internalTeamIds);
  return problem ? { problem } : { userId: named.user.id };
}

/**
 * Each person's own days: their working week and hours, whose public holidays count for them, and a pause
 * from their pools (`/handoff pause`, the App Home's "Your days"). A person edits only their own: the key is the
 * actor's user id, save that an admin may pause or resume someone else (`/handoff pause @person`, `pauseOthers`). A pause, or its end, is told to the managers of their pools by DM, through the outbox.
 */
export function createMyDays(deps: MyDaysDeps) {
  return {
    ownDays: (userId: string) => ownDaysOf(deps, userId),
    /** Pauses or resumes the actor, or (`userId`) someone an admin named. */
    pause: (ctx: RequestContext, paused: Pause | undefined, userId?: string) =>
      pause(deps, ctx, paused, userId),
    /** Who `/handoff pause <person>` names. */
    personToPause: (ctx: RequestContext, word: string) => personToPause(deps, ctx, word),
    save: (ctx: RequestContext, form: MyDaysForm) => save(deps, ctx, form),
    /** The person's own part as stored (the form's values), if any. */
    current: (userId: string): PersonBody | undefined => deps.program.person(userId),
    /** Their pause now, if it keeps them out of their pools today (expired: none). */
    pausedNow: (userId: string) => pausedNow(deps, userId),
  };
}

export type MyDays = ReturnType<typeof createMyDays>;
