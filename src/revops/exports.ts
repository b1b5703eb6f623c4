import { DateTime } from 'luxon';
import { userText } from '../blocks/mrkdwn.js';
import { exportReplies } from '../blocks/revopsReplies.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import type { Replies } from '../core/replies.js';
import type { RequestContext } from '../core/requestContext.js';
import type { SlackFiles } from '../core/slackFiles.js';
import type { Db } from '../db/client.js';
import { lastDaysPeriod } from '../domain/periods.js';
import { may } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import type { BackgroundWork } from '../runtime/background.js';
import { countSent, touchLogCsv } from './exportCsv.js';

export interface ExportRange {
  since: Date;
  until: Date;
  timeZone: string;
  /** No start was given: the range is the last this many days (the reply says so). */
  defaultDays?: number;
}

/** `/handoff export` with no start date: the last 90 days, not all time. */
export const EXPORT_DEFAULT_DAYS = 90;

export interface ExportsDeps {
  db: Db;
  clock: Clock;
  /** The app's background work: tracked so the stop waits for it, and none started once stopping. */
  background?: Pick<BackgroundWork, 'stopping' | 'track'>;
  logger: Logger;
  files: SlackFiles;
  replies: Replies;
  /** The reporting zone: the App Home's periods, and a person whose own zone Slack does not give. */
  timeZone: string;
  /** The money columns' currency (undefined: the CRM's corporate currency). */
  reportingCurrency?: string | undefined;
  /** Whose dates: the dates a person types and reads are in their own Slack time zone. */
  directory?: Pick<Directory, 'lookupUser'>;
  revopsUserIds: readonly string[];
  adminUserIds: readonly string[];
}

/** How an export started from Slack ended: the CSV is in the person's DM with the app, or Slack refused it. */
export type ExportDelivery = { kind: 'sent'; rows: number; at: Date } | { kind: 'failed'; at: Date };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The most characters of a typed non-date that a Slack reply repeats. */
const ECHO_MAX = 100;

/**
 * Dates (YYYY-MM-DD, in `timeZone`) to a half-open range: from the start of `since` to the end of `until` (default:
 * now). No `since`: the `defaultDays` calendar days up to the end (today and the days before it), or without it the
 * beginning (the CLI). Shared by the command and the CLI.
 * `echo` is how a typed value is repeated in the message: as typed for the terminal (the CLI), escaped for Slack
 * mrkdwn (`parseRange`), so a typed <!channel> cannot become a mention.
 */
export function parseExportRange(
  since: string | undefined,
  until: string | undefined,
  now: Date,
  timeZone: string,
  echo: (typed: string) => string = (typed) => typed,
  defaultDays?: number,
): ({ kind: 'ok' } & ExportRange) | { kind: 'invalid'; message: string } {
  const parse = (text: string) => {
    if (!DATE.test(text)) return undefined;
    const date = DateTime.fromISO(text, { zone: timeZone });
    return date.isValid ? date : undefined;
  };
  const typedFrom = since === undefined ? undefined : parse(since);
  if (since !== undefined && !typedFrom)
    return { kind: 'invalid', message: `"${echo(since)}" is not a date like 2026-01-31.` };
  const to =
    until === undefined ? DateTime.fromJSDate(now, { zone: timeZone }) : parse(until)?.plus({ days: 1 });
  if (!to) return { kind: 'invalid', message: `"${echo(until ?? '')}" is not a date like 2026-01-31.` };
  const lastDays = since === undefined ? defaultDays : undefined;
  const from =
    typedFrom ??
    (lastDays !== undefined
      ? to
          .minus({ milliseconds: 1 })
          .startOf('day')
          .minus({ days: lastDays - 1 })
      : DateTime.fromMillis(0, { zone: timeZone }));
  if (to <= from) return { kind: 'invalid', message: 'The end date must not be before the start date.' };
  return {
    kind: 'ok',
    since: from.toJSDate(),
    until: to.toJSDate(),
    timeZone,
    ...(lastDays !== undefined ? { defaultDays: lastDays } : {}),
  };
}

/** The touch log CSV, for RevOps and admins only, uploaded into the requester's DM after the ack. */
/**
 * The most handoffs one export from Slack carries. The CSV is built in memory inside the app (under the heap limit
 * `npm start` sets); `npm run export` on the server has no such limit.
 */
export const EXPORT_MAX_ROWS = 50_000;

export function createExports(deps: ExportsDeps) {
  const { db, logger } = deps;

  /**
   * The range a person typed in Slack, in their own time zone (Slack's; unknown: the reporting zone); no start date:
   * the last 90 days. The message (mrkdwn) repeats what they typed escaped.
   */
  async function parseRange(userId: string, since: string | undefined, until: string | undefined) {
    const person = await deps.directory?.lookupUser(userId).catch(() => undefined);
    const zone =
      person?.timeZone && DateTime.local({ zone: person.timeZone }).isValid ? person.timeZone : undefined;
    return parseExportRange(
      since,
      until,
      deps.clock.now(),
      zone ?? deps.timeZone,
      (typed) => userText(typed, ECHO_MAX),
      EXPORT_DEFAULT_DAYS,
    );
  }

  async function sendToUser(
    ctx: RequestContext,
    range: ExportRange,
  ): Promise<
    | { kind: 'started'; done: Promise<ExportDelivery> }
    | { kind: 'forbidden' }
    | { kind: 'too_large'; rows: number }
  > {
    if (!may(deps, ctx, 'export')) {
      logger.warn({ userId: ctx.actor.userId, teamId: ctx.actor.teamId }, 'touch log export refused');
      return { kind: 'forbidden' };
    }
    // The CSV is built in memory on the app's event loop: a range too large for that is refused up front.
    const rows = await countSent(db, range);
    if (rows > EXPORT_MAX_ROWS) {
      logger.info({ userId: ctx.actor.userId, rows }, 'touch log export refused: range too large');
      return { kind: 'too_large', rows };
    }
    const userId = ctx.actor.userId;
    const task = (async (): Promise<ExportDelivery> => {
      try {
        const { csv, rows } = await touchLogCsv(db, range, deps.reportingCurrency, deps.clock.now());
        const stamp = DateTime.fromJSDate(deps.clock.now(), { zone: range.timeZone }).toFormat('yyyy-LL-dd');
        await deps.files.sendCsvToUser(userId, csv, {
          filename: `handoff-touch-log-${stamp}.csv`,
          title: `Handoff touch log (${rows} handoffs)`,
          comment: exportReplies.comment(rows, range),
        });
        logger.info({ userId, rows }, 'touch log exported');
        return { kind: 'sent', rows, at: deps.clock.now() };
      } catch (error) {
        logger.warn({ err: error, userId }, 'touch log export failed');
        await deps.replies.ephemeral(undefined, exportReplies.failed(), userId);
        return { kind: 'failed', at: deps.clock.now() };
      }
    })();
    deps.background?.track(task);
    return { kind: 'started', done: task };
  }

  /** The last `days` days up to now. */
  function lastDays(days: number): ExportRange {
    const { from, to } = lastDaysPeriod(days, deps.clock.now(), deps.timeZone);
    return { since: from, until: to, timeZone: deps.timeZone };
  }

  return { parseRange, lastDays, sendToUser };
}

export type Exports = ReturnType<typeof createExports>;
