import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { type Directory, DirectoryUnavailableError, personRefusal } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db, Executor } from '../db/client.js';
import { type CoverRow, deleteCover, findCover, saveCover } from '../db/repositories/covers.js';
import { type Away, type AwayDays, awayByDays } from '../domain/absence.js';
import { isInternalActor } from '../domain/actor.js';
import type { Logger } from '../logger.js';

/** The longest cover one can name at once, in days: a longer absence is a reassignment, not a cover. */
export const COVER_MAX_DAYS = 90;

export type CoverResult =
  /**
   * `from`: the first day (the first day away they gave, else today in the AE's calendar); `replaced`: the cover
   * named before, if another person.
   */
  | { kind: 'set'; cover: CoverRow; from: string; replaced?: CoverRow }
  | { kind: 'cleared'; had: CoverRow | undefined }
  | { kind: 'invalid'; field: 'cover' | 'from' | 'until'; message: string }
  | { kind: 'forbidden' };

/** Today in a zone, YYYY-MM-DD. */
const today = (now: Date, zone: string) => DateTime.fromJSDate(now, { zone }).toISODate() ?? '';

/** What is wrong with a cover's last day (`first`: today in the AE's calendar), if anything. */
function untilRefusal(until: string, first: string, zone: string): CoverResult | undefined {
  const last = DateTime.fromISO(first, { zone }).plus({ days: COVER_MAX_DAYS }).toISODate() ?? first;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || !DateTime.fromISO(until).isValid)
    return { kind: 'invalid', field: 'until', message: 'Pick the last day of the cover.' };
  if (until < first) return { kind: 'invalid', field: 'until', message: 'Pick today or a later day.' };
  if (until > last)
    return {
      kind: 'invalid',
      field: 'until',
      message: `A cover lasts at most ${COVER_MAX_DAYS} days; for longer, ask the owners to reassign your handoffs.`,
    };
  return undefined;
}

/**
 * What is wrong with the first day away, if anything. Empty: no days away given. A day before today is refused (no
 * day away is given after the fact) unless it is the one already given (the cover of an absence under way, changed).
 */
function fromRefusal(
  from: string,
  until: string,
  first: string,
  kept: string | null,
): CoverResult | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !DateTime.fromISO(from).isValid)
    return { kind: 'invalid', field: 'from', message: 'Pick the first day you are away, or leave it empty.' };
  if (from < first && from !== kept)
    return {
      kind: 'invalid',
      field: 'from',
      message: 'Pick today or a later day: days away are given before, not after.',
    };
  if (from > until)
    return { kind: 'invalid', field: 'from', message: 'The first day away comes before the last.' };
  return undefined;
}

/** The days away an AE gave with their cover, if they gave them. */
export function awayDaysOf(cover: CoverRow | undefined): AwayDays | undefined {
  return cover?.awayFrom ? { from: cover.awayFrom, until: cover.until, givenAt: cover.setAt } : undefined;
}

interface CoverDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  defaultTimeZone: string;
}

/** A cover as the form gives it; `awayFrom`: the first day away, if they give days away ('' or absent: none). */
export interface CoverRequest {
  coverUserId: string;
  until: string;
  awayFrom?: string;
}

/** Names the acting AE's cover (and their days away, if given), after checking the person and the days. */
async function setCover(deps: CoverDeps, ctx: RequestContext, req: CoverRequest): Promise<CoverResult> {
  const { db, clock, logger } = deps;
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
  const me = ctx.actor.userId;
  if (req.coverUserId === me)
    return { kind: 'invalid', field: 'cover', message: 'Choose a colleague, not yourself.' };
  let person: Awaited<ReturnType<Directory['lookupUser']>>;
  let self: Awaited<ReturnType<Directory['lookupUser']>>;
  try {
    [person, self] = await Promise.all([
      deps.directory.lookupUser(req.coverUserId),
      deps.directory.lookupUser(me),
    ]);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    return {
      kind: 'invalid',
      field: 'cover',
      message: 'I could not check this with Slack just now. Please try again.',
    };
  }
  const problem = personRefusal(person, ctx.internalTeamIds, 'a colleague');
  if (problem) return { kind: 'invalid', field: 'cover', message: problem };
  const zone = self?.timeZone ?? deps.defaultTimeZone;
  const first = today(clock.now(), zone);
  const refused = untilRefusal(req.until, first, zone);
  if (refused) return refused;
  const awayFrom = req.awayFrom || null;
  const kept = await findCover(db, me);
  const fromRefused = awayFrom ? fromRefusal(awayFrom, req.until, first, kept?.awayFrom ?? null) : undefined;
  if (fromRefused) return fromRefused;
  const now = clock.now();
  // The same days away as before keep when they were given: a change of cover does not move them.
  const setAt = awayFrom && kept?.awayFrom === awayFrom ? kept.setAt : now;
  const row = { aeUserId: me, coverUserId: req.coverUserId, until: req.until, setAt, awayFrom };
  const before = await db.transaction(async (tx) => {
    const named = await findCover(tx, me);
    await saveCover(tx, row);
    return named;
  });
  logger.info({ ae: me, cover: req.coverUserId, until: req.until, awayFrom }, 'cover set');
  const replaced = before && before.coverUserId !== row.coverUserId ? { replaced: before } : {};
  return { kind: 'set', cover: row, from: awayFrom ?? first, ...replaced };
}

/**
 * Cover: an AE names who answers for them until a day (`/handoff cover`). New handoffs to them offer the cover in
 * the review, and escalation levels can target it. A cover past its last day (or before the first day away they
 * gave) is no cover. Naming one does not make the AE away: their Slack status does, or the days away they gave
 * (`awayFrom` to `until`), which `awayNow` reads.
 */
export function createCovers(deps: CoverDeps) {
  const { db, clock, logger } = deps;

  /** The AE's cover as named (`exec`: the transaction, when asked inside one). */
  function find(aeUserId: string, exec: Executor = db): Promise<CoverRow | undefined> {
    return findCover(exec, aeUserId);
  }

  /** The AE's cover on this day of their calendar, if any (`exec`: the transaction, when asked inside one). */
  async function activeFor(
    aeUserId: string,
    timeZone?: string,
    exec: Executor = db,
  ): Promise<CoverRow | undefined> {
    const cover = await find(aeUserId, exec);
    if (!cover) return undefined;
    const day = today(clock.now(), timeZone ?? deps.defaultTimeZone);
    return cover.until >= day && (cover.awayFrom ?? day) <= day ? cover : undefined;
  }

  /** The days away the AE gave with their cover, if any (past ones too: an expiry reads whether they overlap). */
  async function awayDays(aeUserId: string, exec: Executor = db): Promise<AwayDays | undefined> {
    return awayDaysOf(await find(aeUserId, exec));
  }

  /** Away now by the days they gave (not by their status), in their calendar. */
  async function awayNow(
    aeUserId: string,
    timeZone?: string,
    exec: Executor = db,
  ): Promise<Away | undefined> {
    return awayByDays(await awayDays(aeUserId, exec), timeZone ?? deps.defaultTimeZone, clock.now());
  }

  const set = (ctx: RequestContext, req: CoverRequest) => setCover(deps, ctx, req);

  async function clear(ctx: RequestContext): Promise<CoverResult> {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
    const had = await db.transaction(async (tx) => {
      const named = await find(ctx.actor.userId, tx);
      await deleteCover(tx, ctx.actor.userId);
      return named;
    });
    if (had) logger.info({ ae: ctx.actor.userId }, 'cover cleared');
    return { kind: 'cleared', had };
  }

  return { find, activeFor, awayDays, awayNow, set, clear };
}

export type Covers = ReturnType<typeof createCovers>;
