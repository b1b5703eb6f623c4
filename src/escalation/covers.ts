import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { type CoverRow, deleteCover, findCover, saveCover } from '../db/repositories/covers.js';
import { isInternalActor } from '../domain/actor.js';
import type { Logger } from '../logger.js';
import { type Directory, DirectoryUnavailableError, personRefusal } from '../services/directory.js';
import type { RequestContext } from '../services/requestContext.js';

/** The longest cover one can name at once, in days: a longer absence is a reassignment, not a cover. */
export const COVER_MAX_DAYS = 90;

export type CoverResult =
  /** `from`: the first day (today in the AE's calendar); `replaced`: the cover named before, if another person. */
  | { kind: 'set'; cover: CoverRow; from: string; replaced?: CoverRow }
  | { kind: 'cleared'; had: CoverRow | undefined }
  | { kind: 'invalid'; field: 'cover' | 'until'; message: string }
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
 * Cover: an AE names who answers for them until a day (`/handoff cover`). New handoffs to them offer the cover in
 * the review, and escalation levels can target it. A cover past its last day is no cover.
 */
export function createCovers(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  defaultTimeZone: string;
}) {
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
    return cover.until >= today(clock.now(), timeZone ?? deps.defaultTimeZone) ? cover : undefined;
  }

  async function set(ctx: RequestContext, req: { coverUserId: string; until: string }): Promise<CoverResult> {
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
    const now = clock.now();
    const row = { aeUserId: me, coverUserId: req.coverUserId, until: req.until, setAt: now, awayFrom: null };
    const before = await db.transaction(async (tx) => {
      const named = await find(me, tx);
      await saveCover(tx, row);
      return named;
    });
    logger.info({ ae: me, cover: req.coverUserId, until: req.until }, 'cover set');
    const replaced = before && before.coverUserId !== row.coverUserId ? { replaced: before } : {};
    return { kind: 'set', cover: row, from: first, ...replaced };
  }

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

  return { find, activeFor, set, clear };
}

export type Covers = ReturnType<typeof createCovers>;
