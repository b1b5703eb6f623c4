import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  agedOutExports,
  agedOutHandoffs,
  forgetExportFile,
  type RetentionMark,
  removeOldDraftsAndAsks,
  removePacketText,
  removeTouchDetail,
} from '../db/repositories/retention.js';
import type { Logger } from '../logger.js';

/**
 * Data retention (docs/privacy.md): once a day, what has aged out is removed. Each kind has its
 * setting, counted in days after a handoff closed (its last change); unset keeps it as long as the database:
 * - RETAIN_PACKET_TEXT_DAYS: the packet's free text and partner contact details, and the words written about it
 *   (notes, questions, answers, reasons); packets saved and never sent; the asks of requests for a partner's help;
 * - RETAIN_TOUCH_DETAIL_DAYS: the touch log's detail (its events stay: who, what, when);
 * - RETAIN_EXPORTS_DAYS: the CSV exports the app shared into people's DMs, deleted from Slack;
 * - OUTBOX_RETENTION_DAYS (the sweep's): the outbox's delivered rows.
 * The counts and durations stay (the handoff's statuses, dates, score and classification, metric_facts, first_accepts),
 * so the metrics and their trend lines do not change when old text goes.
 */

export type RetentionSettings = Config['retention'];

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: RetentionSettings;
  /** Deletes a file the app shared in Slack (core/slackFiles.ts `deleteFile`); absent: exports are not deleted. */
  deleteFile?: (fileId: string) => Promise<'deleted' | 'gone'>;
}

export interface RetentionResult {
  /** Handoffs whose text was removed. */
  text: number;
  /** Handoffs whose touch log's detail was removed. */
  detail: number;
  /** Unsent packets deleted and help requests' asks removed. */
  drafts: number;
  /** Exports deleted from Slack (or found gone). */
  exports: number;
}

/** Handoffs changed per transaction: each pass is short, so requests are not kept waiting behind it. */
const BATCH = 200;
const DAY_MS = 86_400_000;

/** The retention in force, in a line each (the start log, the doctor, the privacy statement). */
export function retentionLines(settings: RetentionSettings, outboxDays: number): string[] {
  const kept = (days: number | undefined, setting: string) =>
    days === undefined
      ? `kept as long as the database (${setting} unset)`
      : `${days} days after closing (${setting})`;
  return [
    `packet text and partner contact details: ${kept(settings.packetTextDays, 'RETAIN_PACKET_TEXT_DAYS')}`,
    `touch log detail: ${kept(settings.touchDetailDays, 'RETAIN_TOUCH_DETAIL_DAYS')}`,
    `delivered outbox messages: ${outboxDays} days after they were queued (OUTBOX_RETENTION_DAYS)`,
    `CSV exports shared in Slack: ${
      settings.exportDays === undefined
        ? 'kept as long as Slack keeps them (RETAIN_EXPORTS_DAYS unset)'
        : `deleted ${settings.exportDays} days after they were shared (RETAIN_EXPORTS_DAYS)`
    }`,
  ];
}

/** What an uninstall does (UNINSTALL_DELETE_AFTER_DAYS), in a line (the start log, the doctor, the statement). */
export function uninstallLine(days: number | undefined): string {
  if (days === undefined)
    return 'at uninstall (app_uninstalled) everything stays (UNINSTALL_DELETE_AFTER_DAYS unset); the app stops calling Slack for that workspace';
  if (days === 0)
    return "at uninstall (app_uninstalled) the workspace's data is deleted at once (UNINSTALL_DELETE_AFTER_DAYS=0)";
  return `at uninstall (app_uninstalled) the workspace's data is deleted ${days} days later, unless the app is installed there again meanwhile (UNINSTALL_DELETE_AFTER_DAYS)`;
}

/** Whether any setting asks the daily job to remove something. */
export const retentionOn = (settings: RetentionSettings) =>
  settings.packetTextDays !== undefined ||
  settings.touchDetailDays !== undefined ||
  settings.exportDays !== undefined;

export function createRetention(deps: RetentionDeps) {
  const { db, clock, logger, settings } = deps;
  const before = (days: number) => new Date(clock.now().getTime() - days * DAY_MS);

  /** Every aged-out handoff's `mark` pass, a batch per transaction; the read is in it, so a reopened one is not. */
  async function pass(mark: RetentionMark, days: number): Promise<number> {
    const remove = mark === 'text' ? removePacketText : removeTouchDetail;
    let total = 0;
    for (;;) {
      const done = await db.transaction(async (tx) => {
        const ids = await agedOutHandoffs(tx, mark, before(days), BATCH);
        await remove(tx, ids, clock.now());
        return ids.length;
      });
      total += done;
      if (done < BATCH) return total;
    }
  }

  /** Aged-out exports deleted from Slack; one Slack refuses is tried again on the next run. */
  async function deleteExports(days: number): Promise<number> {
    const deleteFile = deps.deleteFile;
    if (!deleteFile) return 0;
    let deleted = 0;
    for (const fileId of await agedOutExports(db, before(days), 1000)) {
      try {
        await deleteFile(fileId);
      } catch (error) {
        logger.warn(
          { err: error, fileId },
          'an aged-out export could not be deleted from Slack; tried again tomorrow',
        );
        continue;
      }
      await db.transaction((tx) => forgetExportFile(tx, fileId));
      deleted += 1;
    }
    return deleted;
  }

  return {
    async run(): Promise<RetentionResult> {
      const result: RetentionResult = { text: 0, detail: 0, drafts: 0, exports: 0 };
      if (settings.packetTextDays !== undefined) {
        const days = settings.packetTextDays;
        result.text = await pass('text', days);
        result.drafts = await db.transaction((tx) => removeOldDraftsAndAsks(tx, before(days)));
      }
      if (settings.touchDetailDays !== undefined)
        result.detail = await pass('detail', settings.touchDetailDays);
      if (settings.exportDays !== undefined) result.exports = await deleteExports(settings.exportDays);
      if (Object.values(result).some((n) => n > 0))
        logger.info({ ...result }, 'data retention: aged-out data removed');
      return result;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
