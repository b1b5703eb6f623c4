import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findChartFile, forgetChartFile, rememberChartFile } from '../db/repositories/chartFiles.js';
import { rememberExportFile } from '../db/repositories/retention.js';
import type { Logger } from '../logger.js';

export interface SlackFilesDeps {
  db: Db;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  /** Waits between `files.info` checks while Slack processes a new image (the tests shorten them). */
  readyDelaysMs?: readonly number[];
}

const DEFAULT_READY_DELAYS_MS = [0, 250, 500, 1000, 2000, 4000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `chart_files` key of a chart shared into a channel: the channel and the picture's SHA-256. The column is
 * `content_hash`; older rows hold a bare hash (charts uploaded privately, never shown in real Slack) and are never
 * matched, so they are never reused.
 */
export const chartCacheKey = (channelId: string, png: Buffer) =>
  `${channelId}:${createHash('sha256').update(png).digest('hex')}`;

/** The file ids in a `filesUploadV2` answer (one completion per upload, each listing its files). */
function uploadedIds(result: unknown): string[] {
  const completions = (result as { files?: { files?: { id?: string }[] }[] }).files ?? [];
  return completions.flatMap((c) => c.files ?? []).flatMap((f) => (f.id ? [f.id] : []));
}

/** A Slack Web API error code (`file_not_found`…), when the error is one. */
const slackErrorOf = (error: unknown) => (error as { data?: { error?: unknown } }).data?.error;

/**
 * Files the app puts in Slack: chart images (shared into the channel whose messages show them through `slack_file`
 * image blocks) and CSV exports (shared into a person's DM). Uploads go through `filesUploadV2`
 * (files.getUploadURLExternal, the upload, files.completeUploadExternal).
 *
 * Why charts are shared: Slack shows a `slack_file` image only to people who can see the file ("the user posting
 * these blocks must have access to this file", the Slack file object), and a file completed without `channel_id`
 * "will be private" (files.completeUploadExternal): naming it in a channel message is refused as `invalid_blocks`
 * (`invalid slack file`). Completing the upload with the channel's id shares it there first.
 */
export function createSlackFiles(deps: SlackFilesDeps) {
  /** Uploads under way, by cache key: two digests at once share one upload (and one message in the channel). */
  const uploading = new Map<string, Promise<string | undefined>>();
  return {
    /**
     * A Slack file id for this PNG, shared into `channelId` and ready to show in an image block of a message there.
     * The same picture is shared into a channel once: cached by channel and content hash (a file shared into one
     * channel is not visible from another). Sharing posts it in the channel, as a message of its own with `comment`.
     * Undefined when Slack cannot take it now: the caller shows its numbers without the picture.
     */
    async imageFileId(png: Buffer, opts: ChartShare): Promise<string | undefined> {
      const key = chartCacheKey(opts.channelId, png);
      const running = uploading.get(key);
      if (running) return running;
      const work = shareChart(deps, key, png, opts).finally(() => uploading.delete(key));
      uploading.set(key, work);
      return work;
    },
    sendCsvToUser: (
      userId: string,
      csv: string,
      opts: { filename: string; title: string; comment: string },
    ): Promise<string> => sendCsvToUser(deps, userId, csv, opts),
    /**
     * Deletes a file the app shared (an aged-out export, RETAIN_EXPORTS_DAYS): `gone` when Slack no longer had it.
     * Throws when Slack refuses for another reason, for the caller to try again on its next run.
     */
    async deleteFile(fileId: string): Promise<'deleted' | 'gone'> {
      try {
        await deps.client.files.delete({ file: fileId });
        return 'deleted';
      } catch (error) {
        const code = slackErrorOf(error);
        if (code === 'file_not_found' || code === 'file_deleted') return 'gone';
        throw error;
      }
    },
  };
}

interface ChartShare {
  channelId: string;
  filename: string;
  title: string;
  altText: string;
  comment: string;
}

/** Slack processes an upload after completing it; a block naming the file before that is refused. */
async function waitUntilReady(deps: SlackFilesDeps, fileId: string): Promise<boolean> {
  for (const delay of deps.readyDelaysMs ?? DEFAULT_READY_DELAYS_MS) {
    if (delay > 0) await sleep(delay);
    const info = await deps.client.files.info({ file: fileId });
    if (info.file?.mimetype) return true;
  }
  return false;
}

/**
 * Whether a chart shared before can still be shown in the channel: `gone` when Slack no longer has it or it is no
 * longer shared there (a person deleted it, or removed it from the channel). A lookup that fails for another reason
 * (Slack unreachable) keeps it: the post that names it is retried by the outbox anyway.
 */
async function cachedState(
  deps: SlackFilesDeps,
  fileId: string,
  channelId: string,
): Promise<'ready' | 'processing' | 'gone'> {
  try {
    const { file } = await deps.client.files.info({ file: fileId });
    if (!file) return 'gone';
    const shares = [file.channels, file.groups, file.ims].filter((list) => Array.isArray(list));
    if (shares.length > 0 && !shares.some((list) => list?.includes(channelId))) return 'gone';
    return file.mimetype ? 'ready' : 'processing';
  } catch (error) {
    const code = slackErrorOf(error);
    return code === 'file_not_found' || code === 'file_deleted' ? 'gone' : 'ready';
  }
}

async function shareChart(
  deps: SlackFilesDeps,
  key: string,
  png: Buffer,
  opts: ChartShare,
): Promise<string | undefined> {
  try {
    const cached = await findChartFile(deps.db, key);
    if (cached) {
      const state = await cachedState(deps, cached.fileId, opts.channelId);
      if (state === 'ready') return cached.fileId;
      if (state === 'processing')
        return (await waitUntilReady(deps, cached.fileId)) ? cached.fileId : undefined;
      await deps.db.transaction((tx) => forgetChartFile(tx, key));
      deps.logger.info({ fileId: cached.fileId }, 'chart image no longer in its channel; sharing it again');
    }
    const result = await deps.client.filesUploadV2({
      channel_id: opts.channelId,
      initial_comment: opts.comment,
      file: png,
      filename: opts.filename,
      title: opts.title,
      alt_text: opts.altText,
    });
    const fileId = uploadedIds(result)[0];
    if (!fileId) throw new Error('filesUploadV2 returned no file id');
    // Kept at once: it is in the channel now, so a later run waits for it rather than sharing it again.
    const now = deps.clock.now();
    await deps.db.transaction((tx) => rememberChartFile(tx, key, fileId, now));
    if (!(await waitUntilReady(deps, fileId))) {
      deps.logger.warn({ fileId }, 'chart image still processing in Slack; shown without it this time');
      return undefined;
    }
    return fileId;
  } catch (error) {
    deps.logger.warn(
      { err: error, channelId: opts.channelId },
      'chart image upload failed; shown without it',
    );
    return undefined;
  }
}

/** Shares a CSV into the person's DM with the app. Throws when Slack refuses, for the caller to say so. */
async function sendCsvToUser(
  deps: SlackFilesDeps,
  userId: string,
  csv: string,
  opts: { filename: string; title: string; comment: string },
): Promise<string> {
  const opened = await deps.client.conversations.open({ users: userId });
  const channelId = opened.channel?.id;
  if (!channelId) throw new Error('conversations.open returned no channel');
  const result = await deps.client.filesUploadV2({
    channel_id: channelId,
    content: csv,
    filename: opts.filename,
    title: opts.title,
    initial_comment: opts.comment,
  });
  const fileId = uploadedIds(result)[0];
  if (!fileId) throw new Error('filesUploadV2 returned no file id');
  // Kept so that data retention can delete it once it has aged out (RETAIN_EXPORTS_DAYS).
  await deps.db.transaction((tx) => rememberExportFile(tx, { fileId, userId, at: deps.clock.now() }));
  return fileId;
}

export type SlackFiles = ReturnType<typeof createSlackFiles>;
